package dev.gatekeeper.local.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the local runner takes from a SAM template: its functions (handler, memory, timeout, environment, API
 * routes), its DynamoDB tables and its secrets. The template is the only source of routes and environments, so a
 * route missing there is missing locally too.
 */
public final class SamTemplate {
    /** The stage SAM gives the API it creates implicitly for {@code Api} events that name no {@code RestApiId}. */
    public static final String IMPLICIT_API_STAGE = "Prod";
    /** Lambda's defaults when neither the function nor Globals set them. */
    private static final int DEFAULT_MEMORY_MB = 128;
    private static final int DEFAULT_TIMEOUT_SECONDS = 3;
    private static final String REQUEST_PAYLOAD = ApiAuthorizer.REQUEST;

    private final List<FunctionDefinition> functions;
    private final List<TableDefinition> tables;
    private final List<SecretDefinition> secrets;
    private final Map<String, GatewayResponse> gatewayResponses;
    private final List<ApiAuthorizer> authorizers;
    private final Optional<ThrottleLimits> stageThrottle;
    private final Optional<ThrottleLimits> usagePlanThrottle;

    private SamTemplate(List<FunctionDefinition> functions, List<TableDefinition> tables, List<SecretDefinition> secrets,
                        Map<String, GatewayResponse> gatewayResponses, List<ApiAuthorizer> authorizers,
                        Optional<ThrottleLimits> stageThrottle, Optional<ThrottleLimits> usagePlanThrottle) {
        this.functions = List.copyOf(functions);
        this.tables = List.copyOf(tables);
        this.secrets = List.copyOf(secrets);
        this.gatewayResponses = Map.copyOf(gatewayResponses);
        this.authorizers = List.copyOf(authorizers);
        this.stageThrottle = stageThrottle;
        this.usagePlanThrottle = usagePlanThrottle;
    }

    public static SamTemplate load(Path file) {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TemplateException("No template at " + file + " (run from the repository root, or pass --template)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return parse(yaml, file.toString());
    }

    public static SamTemplate parse(String yaml, String source) {
        Map<String, Object> root = CloudFormationYaml.read(yaml, source);
        Intrinsics intrinsics = new Intrinsics(root);
        Map<String, Object> globals = map(Intrinsics.section(root, "Globals").get("Function"));
        List<FunctionDefinition> functions = new ArrayList<>();
        List<TableDefinition> tables = new ArrayList<>();
        List<SecretDefinition> secrets = new ArrayList<>();
        Map<String, GatewayResponse> gatewayResponses = new LinkedHashMap<>();
        List<ApiAuthorizer> authorizers = new ArrayList<>();
        List<ThrottleLimits> stageThrottles = new ArrayList<>();
        List<ThrottleLimits> usagePlanThrottles = new ArrayList<>();
        Intrinsics.section(root, "Resources").forEach((logicalId, resource) -> {
            switch (intrinsics.resourceType(logicalId)) {
                case "AWS::Serverless::Function" -> functions.add(function(logicalId, map(resource), globals, intrinsics));
                case "AWS::DynamoDB::Table" -> tables.add(table(logicalId, map(resource), intrinsics));
                case "AWS::SecretsManager::Secret" -> secrets.add(new SecretDefinition(logicalId, intrinsics.localName(logicalId)));
                case "AWS::Serverless::Api" -> {
                    gatewayResponses(logicalId, map(resource), intrinsics).forEach(gatewayResponses::putIfAbsent);
                    defaultAuthorizer(logicalId, map(resource), intrinsics).ifPresent(authorizers::add);
                    stageThrottle(logicalId, map(resource), intrinsics).ifPresent(stageThrottles::add);
                }
                case "AWS::ApiGateway::UsagePlan" ->
                        usagePlanThrottle(logicalId, map(resource), intrinsics).ifPresent(usagePlanThrottles::add);
                default -> {
                    // Not something the runner reproduces: APIs are served from the functions' events, the rest
                    // (policies, log groups, rotation schedules) has no local counterpart.
                }
            }
        });
        return new SamTemplate(functions, tables, secrets, gatewayResponses, authorizers,
                stageThrottles.stream().findFirst(), usagePlanThrottles.stream().findFirst());
    }

    public List<FunctionDefinition> functions() {
        return functions;
    }

    public Optional<FunctionDefinition> function(String logicalId) {
        return functions.stream().filter(function -> function.logicalId().equals(logicalId)).findFirst();
    }

    /** Every {@code Api} event of every function, in template order. */
    public List<ApiRoute> routes() {
        return functions.stream().flatMap(function -> function.routes().stream()).toList();
    }

    public List<TableDefinition> tables() {
        return tables;
    }

    public Optional<TableDefinition> table(String logicalId) {
        return tables.stream().filter(table -> table.logicalId().equals(logicalId)).findFirst();
    }

    public List<SecretDefinition> secrets() {
        return secrets;
    }

    public Optional<SecretDefinition> secret(String logicalId) {
        return secrets.stream().filter(secret -> secret.logicalId().equals(logicalId)).findFirst();
    }

    /**
     * The gateway responses the template's APIs configure, by type. A template with several APIs that configure the
     * same type differently is served with the first API's.
     */
    public Map<String, GatewayResponse> gatewayResponses() {
        return gatewayResponses;
    }

    /**
     * The throttle of every method of the stage: the {@code MethodSettings} entry for {@code /*} and {@code *} of
     * the first API that has one, parameters at their defaults.
     */
    public Optional<ThrottleLimits> stageThrottle() {
        return stageThrottle;
    }

    /** The per-API-key {@code Throttle} of the first usage plan that sets one, parameters at their defaults. */
    public Optional<ThrottleLimits> usagePlanThrottle() {
        return usagePlanThrottle;
    }

    private static Optional<ThrottleLimits> stageThrottle(String logicalId, Map<String, Object> resource,
                                                          Intrinsics intrinsics) {
        String where = "Resources." + logicalId + ".Properties.MethodSettings";
        for (Map<String, Object> settings : maps(Intrinsics.properties(resource).get("MethodSettings"))) {
            if ("/*".equals(settings.get("ResourcePath")) && "*".equals(settings.get("HttpMethod"))) {
                return throttle(settings.get("ThrottlingRateLimit"), settings.get("ThrottlingBurstLimit"), where,
                        intrinsics);
            }
        }
        return Optional.empty();
    }

    private static Optional<ThrottleLimits> usagePlanThrottle(String logicalId, Map<String, Object> resource,
                                                              Intrinsics intrinsics) {
        Map<String, Object> throttle = map(Intrinsics.properties(resource).get("Throttle"));
        return throttle(throttle.get("RateLimit"), throttle.get("BurstLimit"),
                "Resources." + logicalId + ".Properties.Throttle", intrinsics);
    }

    private static Optional<ThrottleLimits> throttle(Object rate, Object burst, String where, Intrinsics intrinsics) {
        String rateText = intrinsics.resolveText(rate, where + ".RateLimit");
        String burstText = intrinsics.resolveText(burst, where + ".BurstLimit");
        if (rateText == null || burstText == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ThrottleLimits(Double.parseDouble(rateText.trim()), number(burstText, 0, where)));
        } catch (IllegalArgumentException e) {
            throw new TemplateException(where + ": not a throttle (rate " + rateText + ", burst " + burstText + ")", e);
        }
    }

    /** The {@code Auth.DefaultAuthorizer} of the API whose stage is {@code stage}, if it has one. */
    public Optional<ApiAuthorizer> defaultAuthorizer(String stage) {
        return authorizers.stream().filter(authorizer -> authorizer.stage().equals(stage)).findFirst();
    }

    private static Optional<ApiAuthorizer> defaultAuthorizer(String logicalId, Map<String, Object> resource,
                                                             Intrinsics intrinsics) {
        String where = "Resources." + logicalId + ".Properties.Auth";
        Map<String, Object> properties = Intrinsics.properties(resource);
        Map<String, Object> auth = map(properties.get("Auth"));
        Object defaultName = auth.get("DefaultAuthorizer");
        if (defaultName == null) {
            return Optional.empty();
        }
        String name = Intrinsics.scalar(defaultName, where + ".DefaultAuthorizer");
        Map<String, Object> authorizer = map(map(auth.get("Authorizers")).get(name));
        if (authorizer.isEmpty()) {
            throw new TemplateException(where + ".DefaultAuthorizer names " + name + ", which is not in Authorizers");
        }
        String at = where + ".Authorizers." + name;
        // Only what decides the request is read; FunctionArn (another stack's function) is not resolved.
        String payloadType = Optional.ofNullable(authorizer.get("FunctionPayloadType"))
                .map(type -> Intrinsics.scalar(type, at + ".FunctionPayloadType")).orElse("TOKEN");
        Map<String, Object> identity = map(authorizer.get("Identity"));
        List<String> headers = new ArrayList<>();
        Object declared = identity.get("Headers");
        if (declared instanceof List<?> list) {
            list.forEach(header -> headers.add(Intrinsics.scalar(header, at + ".Identity.Headers")));
        } else if (!REQUEST_PAYLOAD.equals(payloadType)) {
            headers.add(Optional.ofNullable(identity.get("Header"))
                    .map(header -> Intrinsics.scalar(header, at + ".Identity.Header")).orElse("Authorization"));
        }
        int reauthorizeEvery = number(Optional.ofNullable(identity.get("ReauthorizeEvery"))
                .map(value -> Intrinsics.scalar(value, at + ".Identity.ReauthorizeEvery")).orElse(null),
                300, at + ".Identity.ReauthorizeEvery");
        String stage = intrinsics.resolveText(properties.get("StageName"), "Resources." + logicalId + ".StageName");
        return Optional.of(new ApiAuthorizer(logicalId, stage == null ? IMPLICIT_API_STAGE : stage, name, payloadType,
                headers, reauthorizeEvery));
    }

    private static Map<String, GatewayResponse> gatewayResponses(String logicalId, Map<String, Object> resource,
                                                                 Intrinsics intrinsics) {
        String where = "Resources." + logicalId + ".GatewayResponses";
        Map<String, Object> configured = map(intrinsics.resolve(Intrinsics.properties(resource).get("GatewayResponses"), where));
        Map<String, GatewayResponse> responses = new LinkedHashMap<>();
        configured.forEach((type, value) -> {
            Map<String, Object> response = map(value);
            Map<String, String> templates = new LinkedHashMap<>();
            map(response.get("ResponseTemplates")).forEach((contentType, body) ->
                    templates.put(contentType, Intrinsics.scalar(body, where + "." + type)));
            Object status = response.get("StatusCode");
            // A static header value is written quoted ('value'); anything else maps request data, not served here.
            Map<String, String> headers = new LinkedHashMap<>();
            map(map(response.get("ResponseParameters")).get("Headers")).forEach((name, header) -> {
                String text = Intrinsics.scalar(header, where + "." + type + ".ResponseParameters.Headers." + name);
                if (text.length() >= 2 && text.startsWith("'") && text.endsWith("'")) {
                    headers.put(name, text.substring(1, text.length() - 1));
                }
            });
            responses.put(type, new GatewayResponse(type,
                    status == null ? Optional.empty() : Optional.of(number(Intrinsics.scalar(status, where), 0, where)),
                    templates, headers));
        });
        return responses;
    }

    private static FunctionDefinition function(String logicalId, Map<String, Object> resource, Map<String, Object> globals,
                                               Intrinsics intrinsics) {
        Map<String, Object> properties = Intrinsics.properties(resource);
        String where = "Resources." + logicalId;
        String handler = intrinsics.resolveText(property(properties, globals, "Handler"), where + ".Handler");
        if (handler == null || handler.isBlank()) {
            throw new TemplateException(where + " has no Handler");
        }
        int separator = handler.indexOf("::");
        String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
        String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);
        return new FunctionDefinition(
                logicalId,
                handlerClass,
                handlerMethod,
                number(intrinsics.resolveText(property(properties, globals, "MemorySize"), where + ".MemorySize"),
                        DEFAULT_MEMORY_MB, where + ".MemorySize"),
                number(intrinsics.resolveText(property(properties, globals, "Timeout"), where + ".Timeout"),
                        DEFAULT_TIMEOUT_SECONDS, where + ".Timeout"),
                environment(logicalId, properties, globals, intrinsics),
                routes(logicalId, properties, intrinsics));
    }

    private static FunctionEnvironment environment(String logicalId, Map<String, Object> properties,
                                                   Map<String, Object> globals, Intrinsics intrinsics) {
        Map<String, Object> declared = new LinkedHashMap<>(variables(globals));
        declared.putAll(variables(properties));
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> references = new LinkedHashMap<>();
        declared.forEach((name, value) -> {
            String where = "Resources." + logicalId + ".Environment.Variables." + name;
            String resolved = intrinsics.resolveText(value, where);
            if (resolved != null) {
                values.put(name, resolved);
            }
            if (value instanceof Map<?, ?> ref && ref.size() == 1 && ref.get("Ref") instanceof String target
                    && intrinsics.isResource(target)) {
                references.put(name, target);
            }
        });
        Set<String> names = new LinkedHashSet<>(declared.keySet());
        return new FunctionEnvironment(values, names, references);
    }

    private static Map<String, Object> variables(Map<String, Object> properties) {
        return map(map(properties.get("Environment")).get("Variables"));
    }

    private static List<ApiRoute> routes(String logicalId, Map<String, Object> properties, Intrinsics intrinsics) {
        List<ApiRoute> routes = new ArrayList<>();
        map(properties.get("Events")).forEach((eventName, event) -> {
            Map<String, Object> definition = map(event);
            if (!"Api".equals(definition.get("Type"))) {
                return;
            }
            String where = "Resources." + logicalId + ".Events." + eventName;
            Map<String, Object> eventProperties = map(definition.get("Properties"));
            String path = intrinsics.resolveText(eventProperties.get("Path"), where + ".Path");
            String method = intrinsics.resolveText(eventProperties.get("Method"), where + ".Method");
            if (path == null || method == null) {
                throw new TemplateException(where + " needs a Path and a Method");
            }
            method = method.toUpperCase(Locale.ROOT);
            routes.add(new ApiRoute(logicalId, path, method.equals("ANY") ? ApiRoute.ANY : method,
                    stage(eventProperties.get("RestApiId"), where, intrinsics)));
        });
        return routes;
    }

    /** The stage of the API the event is attached to: that API's StageName, or SAM's implicit API's. */
    private static String stage(Object restApiId, String where, Intrinsics intrinsics) {
        if (restApiId == null) {
            return IMPLICIT_API_STAGE;
        }
        if (!(restApiId instanceof Map<?, ?> ref && ref.get("Ref") instanceof String apiId && intrinsics.isResource(apiId))) {
            throw new TemplateException(where + ".RestApiId must be a !Ref to an API of this template");
        }
        Map<String, Object> apiProperties = Intrinsics.properties(map(resourceOf(apiId, intrinsics)));
        String stage = intrinsics.resolveText(apiProperties.get("StageName"), "Resources." + apiId + ".StageName");
        if (stage == null) {
            throw new TemplateException("Resources." + apiId + " has no StageName");
        }
        return stage;
    }

    private static Object resourceOf(String logicalId, Intrinsics intrinsics) {
        if (!intrinsics.resourceType(logicalId).equals("AWS::Serverless::Api")) {
            throw new TemplateException(logicalId + " is not an AWS::Serverless::Api");
        }
        return intrinsics.resourceDefinition(logicalId);
    }

    private static TableDefinition table(String logicalId, Map<String, Object> resource, Intrinsics intrinsics) {
        String where = "Resources." + logicalId;
        Map<String, Object> properties = map(intrinsics.resolve(Intrinsics.properties(resource), where + ".Properties"));
        List<TableDefinition.Attribute> attributes = new ArrayList<>();
        for (Map<String, Object> attribute : maps(properties.get("AttributeDefinitions"))) {
            attributes.add(new TableDefinition.Attribute(text(attribute, "AttributeName", where),
                    text(attribute, "AttributeType", where)));
        }
        List<TableDefinition.Index> localIndexes = new ArrayList<>();
        for (Map<String, Object> index : maps(properties.get("LocalSecondaryIndexes"))) {
            localIndexes.add(index(index, where + ".LocalSecondaryIndexes"));
        }
        List<TableDefinition.Index> globalIndexes = new ArrayList<>();
        for (Map<String, Object> index : maps(properties.get("GlobalSecondaryIndexes"))) {
            globalIndexes.add(index(index, where + ".GlobalSecondaryIndexes"));
        }
        Map<String, Object> ttl = map(properties.get("TimeToLiveSpecification"));
        Optional<String> ttlAttribute = Boolean.parseBoolean(String.valueOf(ttl.get("Enabled")))
                ? Optional.of(text(ttl, "AttributeName", where + ".TimeToLiveSpecification"))
                : Optional.empty();
        String billingMode = properties.get("BillingMode") == null ? "PROVISIONED" : String.valueOf(properties.get("BillingMode"));
        if (attributes.isEmpty()) {
            throw new TemplateException(where + " has no AttributeDefinitions");
        }
        return new TableDefinition(logicalId, intrinsics.localName(logicalId), attributes,
                keySchema(properties.get("KeySchema"), where), localIndexes, globalIndexes, billingMode,
                throughput(properties.get("ProvisionedThroughput")), ttlAttribute);
    }

    private static TableDefinition.Index index(Map<String, Object> index, String where) {
        Map<String, Object> projection = map(index.get("Projection"));
        List<String> nonKey = new ArrayList<>();
        Object nonKeyAttributes = projection.get("NonKeyAttributes");
        if (nonKeyAttributes instanceof List<?> list) {
            list.forEach(attribute -> nonKey.add(String.valueOf(attribute)));
        }
        return new TableDefinition.Index(text(index, "IndexName", where), keySchema(index.get("KeySchema"), where),
                projection.get("ProjectionType") == null ? "ALL" : String.valueOf(projection.get("ProjectionType")),
                nonKey, throughput(index.get("ProvisionedThroughput")));
    }

    private static List<TableDefinition.KeyElement> keySchema(Object schema, String where) {
        List<TableDefinition.KeyElement> keys = new ArrayList<>();
        for (Map<String, Object> key : maps(schema)) {
            keys.add(new TableDefinition.KeyElement(text(key, "AttributeName", where), text(key, "KeyType", where)));
        }
        if (keys.isEmpty()) {
            throw new TemplateException(where + " has no KeySchema");
        }
        return keys;
    }

    private static Optional<TableDefinition.Throughput> throughput(Object value) {
        Map<String, Object> throughput = map(value);
        if (throughput.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TableDefinition.Throughput(
                Long.parseLong(String.valueOf(throughput.get("ReadCapacityUnits"))),
                Long.parseLong(String.valueOf(throughput.get("WriteCapacityUnits")))));
    }

    private static Object property(Map<String, Object> properties, Map<String, Object> globals, String name) {
        return properties.containsKey(name) ? properties.get(name) : globals.get(name);
    }

    private static int number(String value, int fallback, String where) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(where + " is not a whole number: " + value, e);
        }
    }

    private static String text(Map<String, Object> map, String key, String where) {
        Object value = map.get(key);
        if (value == null) {
            throw new TemplateException(where + " needs " + key);
        }
        return Intrinsics.scalar(value, where + "." + key);
    }

    private static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) map;
            return typed;
        }
        return Map.of();
    }

    private static List<Map<String, Object>> maps(Object value) {
        List<Map<String, Object>> maps = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> maps.add(map(item)));
        }
        return maps;
    }
}
