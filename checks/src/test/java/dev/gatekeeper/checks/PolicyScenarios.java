package dev.gatekeeper.checks;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.checks.DynamoDbCallRecorder.Use;
import dev.gatekeeper.config.AwsClients;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.local.lambda.LambdaJson;
import dev.gatekeeper.local.lambda.LocalLambdaContext;
import dev.gatekeeper.local.seed.Seed;
import dev.gatekeeper.local.seed.SeedFile;
import dev.gatekeeper.local.seed.SeedLoader;
import dev.gatekeeper.local.storage.EmbeddedDynamoDb;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import dev.gatekeeper.local.template.TableDefinition;
import dev.gatekeeper.observability.LogOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The functions of a built template, each running its handler in this JVM against DynamoDB Local, driven through
 * the paths that reach DynamoDB: the events of {@code events/} as they stand (with live token ids and tokens put in),
 * and the other paths that call something else: bearer credentials, refused credentials (their audit record), a
 * revocation of a token already revoked or of an ended generation, revoke-all, a partner acting for its merchant, a
 * token minted with one its partner group obtained (the descendant pointer), an issuance retried in a new
 * generation, the authorizer's Allow, Deny and refusal, introspection of active and inactive tokens. Every call each
 * function's DynamoDB client sends is recorded with the scenario that sent it.
 *
 * <p>As in Lambda: each function's handler is the template's class, built through its {@code (Gatekeeper)}
 * constructor with a service of its own (own caches, as its own container has) from the function's environment as
 * the template sets it, the private key set for a function given {@code SIGNING_KEY_SECRET_ARN} and only the public
 * one otherwise; its DynamoDB client is the one {@link AwsClients} builds for Lambda, only pointed at DynamoDB Local.
 * Not as in Lambda: the classes are the functions module's (the sources the artifact is built from; {@code
 * LambdaArtifactTest} proves it holds them all), and the keys come from memory, not Secrets Manager, whose rights
 * {@code SigningKeyAccessTest} checks.
 */
final class PolicyScenarios implements AutoCloseable {
    private static final String REGION = "us-east-1";
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TOKEN_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern EFFECT = Pattern.compile("\"Effect\"\\s*:\\s*\"(\\w+)\"");
    private static final Pattern ACTIVE = Pattern.compile("\"active\"\\s*:\\s*(true|false)");
    /** An address outside every allow-list of the seed. */
    private static final String FOREIGN_IP = "203.0.113.7";
    private static final String UNKNOWN_KEY = "gk_unknown_key_00000000000000000000000000000000";

    /** A DynamoDB right a function's call needed, and the scenario that sent it. */
    record Recorded(Use use, String scenario) {
    }

    /** A function as its container holds it. */
    private record Function(FunctionDefinition definition, RequestHandler<Object, Object> handler,
                            Map<String, String> tablesByName) {
    }

    /** What a call answered: the status code, the authorizer's Effect or what it threw; and the body. */
    private record Outcome(String result, String body) {
        String accessToken() {
            return find(ACCESS_TOKEN);
        }

        String tokenId() {
            return find(TOKEN_ID);
        }

        private String find(Pattern pattern) {
            Matcher matcher = pattern.matcher(body);
            if (!matcher.find()) {
                throw new IllegalStateException("no " + pattern + " in " + body);
            }
            return matcher.group(1);
        }
    }

    /** A token a scenario obtained: its id and the JWT. */
    private record Token(String id, String jwt) {
    }

    private final EmbeddedDynamoDb dynamo;
    private final Path events;
    private final Seed seed;
    /** One key set for all, made for the first function's algorithm; each function reads its half of it. */
    private SigningKeySet keys;
    private final PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final Map<String, List<Recorded>> uses = new LinkedHashMap<>();
    private final List<String> surprises = new ArrayList<>();

    private PolicyScenarios(EmbeddedDynamoDb dynamo, Path events, Seed seed) {
        this.dynamo = dynamo;
        this.events = events;
        this.seed = seed;
    }

    /** Starts DynamoDB Local, builds every function of {@code template} that runs on the service, drives them. */
    static PolicyScenarios run(Template built, Path events) {
        SamTemplate template = SamTemplate.load(built.file());
        EmbeddedDynamoDb dynamo = EmbeddedDynamoDb.start(Optional.empty());
        PolicyScenarios scenarios = new PolicyScenarios(dynamo, events, SeedFile.read(events.resolve("seed.json")));
        try (LogOutput.Redirection ignored = LogOutput.redirectTo(scenarios.discard)) {
            for (FunctionDefinition definition : template.functions()) {
                scenarios.start(template, definition);
            }
            scenarios.drive();
        } catch (RuntimeException | Error e) {
            scenarios.close();
            throw e;
        }
        return scenarios;
    }

    /** The functions some scenario ran. */
    Set<String> driven() {
        return uses.keySet();
    }

    /** The rights the function's calls needed, in the order sent; none if it was never run or called nothing. */
    List<Recorded> uses(String function) {
        return uses.getOrDefault(function, List.of());
    }

    /** Scenarios that ended otherwise than they should: they did not drive the path they name. */
    List<String> surprises() {
        return surprises;
    }

    @Override
    public void close() {
        dynamo.close();
    }

    /**
     * Builds the function as its container would, if its handler runs on the service (a {@code (Gatekeeper)}
     * constructor); its tables are created and seeded first.
     */
    @SuppressWarnings("unchecked")
    private void start(SamTemplate template, FunctionDefinition definition) {
        Class<?> type;
        try {
            type = Class.forName(definition.handlerClass());
            type.getConstructor(Gatekeeper.class);
        } catch (ReflectiveOperationException e) {
            return;
        }
        Map<String, String> environment = definition.environment().pointedAt(dynamo.endpoint(), REGION);
        Map<String, String> tablesByName = new HashMap<>();
        for (String variable : definition.environment().declaredNames()) {
            Optional<TableDefinition> table = definition.environment().referencedResource(variable)
                    .flatMap(template::table);
            String name = environment.get(variable);
            if (table.isPresent() && name != null && !tablesByName.containsKey(name)) {
                tablesByName.put(name, table.get().logicalId());
                if (functions.values().stream().noneMatch(other -> other.tablesByName().containsKey(name))) {
                    SeedLoader.seedTable(dynamo.client(), table.get(), name, events.resolve("seed.json"), "iam-check",
                            message -> { });
                }
            }
        }
        GatekeeperConfig config = GatekeeperConfig.fromEnvironment(environment);
        if (keys == null) {
            keys = new SigningKeySet(SigningKeySetJson.generateKey(config.signingAlgorithm(), Instant.now()), List.of());
        }
        DynamoDbClient client = AwsClients.dynamoDb(config, AwsClients.httpClient());
        Gatekeeper service = config.signingKeySecretId().isPresent()
                ? Gatekeeper.create(config, client, () -> keys, Clock.systemUTC(), UUID::randomUUID)
                : Gatekeeper.verifyOnly(config, client, keys::verificationKeys, Clock.systemUTC());
        try {
            functions.put(definition.logicalId(), new Function(definition,
                    (RequestHandler<Object, Object>) type.getConstructor(Gatekeeper.class).newInstance(service),
                    tablesByName));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(definition.logicalId() + ": its handler cannot be built", e);
        }
    }

    private void drive() {
        String merchantKey = apiKeyOf("merchant01");
        String partnerKey = apiKeyOf("partner001");
        String groupKey = apiKeyOf("pgroup0001");
        String filteredKey = apiKeyOf("merchant02");

        // Issuing: API keys, bearer tokens, a refused key, partners for their merchants.
        Token merchantToken = issued(call("RequestTokenFunction", "a merchant's own token (events/request-token.json)",
                api("request-token.json"), "201"));
        Token merchantAdmin = issued(call("RequestTokenFunction", "a merchant's admin token for the bearer scenarios",
                body(api("request-token.json"), "{\"scopes\": [\"admin\", \"application_tokens\"], \"expiresIn\": 3600}"),
                "201"));
        Token partnerAdmin = issued(call("RequestTokenFunction", "a partner's own bankadmin token, with its API key",
                body(basic(api("request-token.json"), partnerKey),
                        "{\"scopes\": [\"bankadmin\", \"application_tokens\"], \"expiresIn\": 3600}"), "201"));
        Token minted = issued(call("RequestTokenFunction", "minted with an admin bearer token",
                bearer(api("request-token.json"), merchantAdmin), "201"));
        call("RequestTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("request-token.json"), UNKNOWN_KEY), "401");

        Token forMerchant = issued(call("RequestOrganisationTokenFunction",
                "a partner for its merchant (events/request-organisation-token.json)",
                api("request-organisation-token.json"), "201"));
        Token forMerchantByBearer = issued(call("RequestOrganisationTokenFunction",
                "a partner for its merchant with its bankadmin bearer token",
                bearer(api("request-organisation-token.json"), partnerAdmin), "201"));
        Token groupObtained = issued(call("RequestOrganisationTokenFunction",
                "a partner group's bankadmin token for the partner below it",
                body(pathParameter(basic(api("request-organisation-token.json"), groupKey), "encodedOrganisationId",
                        "partner001"), "{\"scopes\": [\"bankadmin\"], \"expiresIn\": 3600}"), "201"));
        call("RequestOrganisationTokenFunction",
                "for a merchant, minted with a token the partner group obtained (the descendant pointer)",
                bearer(api("request-organisation-token.json"), groupObtained), "201");
        call("RequestOrganisationTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("request-organisation-token.json"), UNKNOWN_KEY), "401");

        call("RequestApplicationTokenFunction", "a merchant's application token (events/request-application-token.json)",
                api("request-application-token.json"), "201");
        call("RequestApplicationTokenFunction", "with a bearer token of the application_tokens scope",
                bearer(api("request-application-token.json"), merchantAdmin), "201");
        call("RequestApplicationTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("request-application-token.json"), UNKNOWN_KEY), "401");
        call("RequestOrganisationApplicationTokenFunction",
                "a partner's application token for its merchant (events/request-organisation-application-token.json)",
                api("request-organisation-application-token.json"), "201");
        call("RequestOrganisationApplicationTokenFunction", "with a bearer token of the application_tokens scope",
                bearer(api("request-organisation-application-token.json"), partnerAdmin), "201");
        call("RequestOrganisationApplicationTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("request-organisation-application-token.json"), UNKNOWN_KEY), "401");

        // Verifying live tokens and credentials.
        call("JwksFunction", "the public key set (events/jwks.json)", api("jwks.json"), "200");
        expectActive(call("IntrospectTokenFunction", "an active token (events/introspect-token.json)",
                form(api("introspect-token.json"), merchantToken), "200"), true);
        call("IntrospectTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("introspect-token.json"), UNKNOWN_KEY), "401");
        call("TokenAuthorizerFunction", "a live bearer token (events/token-authorizer.json): Allow",
                authorizer("Bearer " + merchantToken.jwt(), null), "Allow");
        call("TokenAuthorizerFunction", "an API key: Allow", authorizer(basicValue(merchantKey), null), "Allow");
        call("TokenAuthorizerFunction", "a stored key from outside its allow-list: Deny, audited",
                authorizer(basicValue(filteredKey), FOREIGN_IP), "Deny");
        call("OAuthRevokeTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("oauth-revoke-token.json"), UNKNOWN_KEY), "401");

        // Revoking one token: as the events do, again when already revoked, unknown ids, with bearer tokens.
        call("RevokeTokenFunction", "a merchant's own token (events/revoke-token.json)",
                tokenPath(api("revoke-token.json"), merchantToken), "200");
        call("RevokeTokenFunction", "a token already revoked", tokenPath(api("revoke-token.json"), merchantToken), "200");
        call("RevokeTokenFunction", "an unknown token id",
                tokenPath(api("revoke-token.json"), new Token(UUID.randomUUID().toString(), null)), "404");
        call("RevokeTokenFunction", "with an admin bearer token",
                bearer(tokenPath(api("revoke-token.json"), minted), merchantAdmin), "200");
        call("RevokeTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("revoke-token.json"), UNKNOWN_KEY), "401");
        call("RevokeOrganisationTokenFunction", "a partner, its merchant's token (events/revoke-organisation-token.json)",
                tokenPath(api("revoke-organisation-token.json"), forMerchant), "200");
        call("RevokeOrganisationTokenFunction", "a token already revoked",
                tokenPath(api("revoke-organisation-token.json"), forMerchant), "200");
        call("RevokeOrganisationTokenFunction", "with a bankadmin bearer token",
                bearer(tokenPath(api("revoke-organisation-token.json"), forMerchantByBearer), partnerAdmin), "200");
        call("RevokeOrganisationTokenFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("revoke-organisation-token.json"), UNKNOWN_KEY), "401");

        // Revoking a token something was minted with: the minted token is revoked too, found through its MINTED#
        // pointer, and the pointer deleted once done; on each path that revokes one token.
        String mintingBody = "{\"scopes\": [\"admin\"], \"expiresIn\": 3600}";
        for (String[] path : new String[][] {
                {"RevokeTokenFunction", "revoke-token.json"},
                {"RevokeOrganisationTokenFunction", "revoke-organisation-token.json"},
                {"OAuthRevokeTokenFunction", "oauth-revoke-token.json"}}) {
            Token parent = issued(call("RequestTokenFunction", "a merchant's admin token that mints, for " + path[0],
                    body(api("request-token.json"), mintingBody), "201"));
            issued(call("RequestTokenFunction", "minted with it, for " + path[0],
                    bearer(api("request-token.json"), parent), "201"));
            APIGatewayProxyRequestEvent revoke = path[0].equals("OAuthRevokeTokenFunction")
                    ? form(api(path[1]), parent) : tokenPath(api(path[1]), parent);
            call(path[0], "a token another was minted with: that one revoked too", revoke, "200");
        }

        // Verifying revoked tokens.
        expectActive(call("IntrospectTokenFunction", "a revoked token: inactive",
                form(api("introspect-token.json"), merchantToken), "200"), false);
        call("TokenAuthorizerFunction", "a revoked bearer token: refused, and the refusal audited",
                authorizer("Bearer " + merchantToken.jwt(), null), "Unauthorized");

        // RFC 7009: the token presented, then again.
        Token toRevoke = issued(call("RequestTokenFunction", "a token to revoke the OAuth way",
                api("request-token.json"), "201"));
        call("OAuthRevokeTokenFunction", "the token presented (events/oauth-revoke-token.json)",
                form(api("oauth-revoke-token.json"), toRevoke), "200");
        call("OAuthRevokeTokenFunction", "a token already revoked", form(api("oauth-revoke-token.json"), toRevoke),
                "200");

        // Revoke-all, and what it leaves behind: an ended generation the issuers remember, tokens revoked with it.
        call("RevokeAllTokensFunction", "a merchant's own tokens (events/revoke-all-tokens.json)",
                api("revoke-all-tokens.json"), "200");
        call("RequestTokenFunction", "in the generation after the one it remembered: refused once, issued again",
                api("request-token.json"), "201");
        call("RevokeTokenFunction", "a token of a generation a revoke-all ended",
                tokenPath(api("revoke-token.json"), merchantAdmin), "200");
        expectActive(call("IntrospectTokenFunction", "a token of an ended generation: inactive",
                form(api("introspect-token.json"), merchantAdmin), "200"), false);
        Token newAdmin = issued(call("RequestTokenFunction", "a merchant's admin token after its revoke-all",
                body(api("request-token.json"), "{\"scopes\": [\"admin\"], \"expiresIn\": 3600}"), "201"));
        call("RevokeAllTokensFunction", "with an admin bearer token", bearer(api("revoke-all-tokens.json"), newAdmin),
                "200");
        call("RevokeAllTokensFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("revoke-all-tokens.json"), UNKNOWN_KEY), "401");
        call("RevokeOrganisationTokensFunction",
                "a partner, all of its merchant's tokens (events/revoke-organisation-tokens.json)",
                api("revoke-organisation-tokens.json"), "200");
        call("RevokeOrganisationTokensFunction", "with a bankadmin bearer token",
                bearer(api("revoke-organisation-tokens.json"), partnerAdmin), "200");
        call("RevokeOrganisationTokensFunction", "an unknown API key: refused, and the refusal audited",
                basic(api("revoke-organisation-tokens.json"), UNKNOWN_KEY), "401");
    }

    /**
     * Runs the function's handler on the event, recording its DynamoDB calls under the scenario; an outcome other
     * than {@code expected} is a surprise.
     */
    private Outcome call(String function, String scenario, Object event, String expected) {
        Function running = functions.get(function);
        if (running == null) {
            surprises.add(function + ": no such function with a (Gatekeeper) handler in the template (" + scenario + ")");
            return new Outcome("absent", "");
        }
        Outcome[] outcome = new Outcome[1];
        List<Use> sent = DynamoDbCallRecorder.recording(() -> outcome[0] = invoke(running, event));
        List<Recorded> recorded = uses.computeIfAbsent(function, name -> new ArrayList<>());
        for (Use use : sent) {
            // The table as the template names it, by the function's variable holding its name.
            recorded.add(new Recorded(new Use(use.action(), running.tablesByName().getOrDefault(use.table(),
                    use.table()), use.index()), scenario));
        }
        if (!outcome[0].result().equals(expected)) {
            surprises.add(function + ", " + scenario + ": expected " + expected + ", got " + outcome[0].result() + " "
                    + outcome[0].body());
        }
        return outcome[0];
    }

    private Outcome invoke(Function function, Object event) {
        LocalLambdaContext context = new LocalLambdaContext(function.definition(), UUID.randomUUID().toString(), REGION,
                System.currentTimeMillis(), discard);
        Object result;
        try {
            result = function.handler().handleRequest(event, context);
        } catch (RuntimeException e) {
            // The authorizer answers 401 by throwing "Unauthorized", as API Gateway requires.
            return new Outcome(e.getMessage(), "");
        }
        if (result instanceof APIGatewayProxyResponseEvent response) {
            return new Outcome(String.valueOf(response.getStatusCode()), response.getBody());
        }
        String json = LambdaJson.write(result);
        Matcher effect = EFFECT.matcher(json);
        return new Outcome(effect.find() ? effect.group(1) : json, json);
    }

    private void expectActive(Outcome outcome, boolean active) {
        Matcher matcher = ACTIVE.matcher(outcome.body());
        if (!matcher.find() || Boolean.parseBoolean(matcher.group(1)) != active) {
            surprises.add("IntrospectTokenFunction: expected \"active\": " + active + ", got " + outcome.body());
        }
    }

    private Token issued(Outcome outcome) {
        return outcome.result().equals("201") ? new Token(outcome.tokenId(), outcome.accessToken()) : new Token(
                UUID.randomUUID().toString(), "not.issued.token");
    }

    private APIGatewayProxyRequestEvent api(String file) {
        return LambdaJson.read(read(file), APIGatewayProxyRequestEvent.class);
    }

    /**
     * The authorizer event of {@code events/} (its headers are single-valued), with this Authorization and, if given,
     * another source address.
     */
    private APIGatewayCustomAuthorizerEvent authorizer(String authorization, String sourceIp) {
        APIGatewayCustomAuthorizerEvent event = LambdaJson.read(read("token-authorizer.json"),
                APIGatewayCustomAuthorizerEvent.class);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("Authorization", authorization);
        event.setHeaders(headers);
        if (sourceIp != null) {
            event.getRequestContext().getIdentity().setSourceIp(sourceIp);
        }
        return event;
    }

    private static APIGatewayProxyRequestEvent basic(APIGatewayProxyRequestEvent event, String apiKey) {
        return authorization(event, basicValue(apiKey));
    }

    private static APIGatewayProxyRequestEvent bearer(APIGatewayProxyRequestEvent event, Token token) {
        return authorization(event, "Bearer " + token.jwt());
    }

    private static String basicValue(String apiKey) {
        return "Basic " + Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    private static APIGatewayProxyRequestEvent authorization(APIGatewayProxyRequestEvent event, String value) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("Authorization", value);
        event.setHeaders(headers);
        Map<String, List<String>> multiValue = new HashMap<>(event.getMultiValueHeaders());
        multiValue.put("Authorization", List.of(value));
        event.setMultiValueHeaders(multiValue);
        return event;
    }

    private static APIGatewayProxyRequestEvent body(APIGatewayProxyRequestEvent event, String body) {
        event.setBody(body);
        return event;
    }

    /** The OAuth events' form body, naming this token. */
    private static APIGatewayProxyRequestEvent form(APIGatewayProxyRequestEvent event, Token token) {
        return body(event, "token=" + token.jwt() + "&token_type_hint=access_token");
    }

    /** The revoke events, for this token id instead of theirs. */
    private static APIGatewayProxyRequestEvent tokenPath(APIGatewayProxyRequestEvent event, Token token) {
        return pathParameter(event, "tokenId", token.id());
    }

    private static APIGatewayProxyRequestEvent pathParameter(APIGatewayProxyRequestEvent event, String name,
                                                             String value) {
        Map<String, String> parameters = new HashMap<>(event.getPathParameters());
        String old = parameters.put(name, value);
        event.setPath(event.getPath().replace("/" + old + "/", "/" + value + "/"));
        event.setPathParameters(parameters);
        return event;
    }

    /** The first API key the seed gives the organisation. */
    private String apiKeyOf(String organisation) {
        return seed.organisations().stream()
                .filter(entry -> entry.organisation().id().value().equals(organisation))
                .flatMap(entry -> entry.apiKeys().stream())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("events/seed.json gives " + organisation + " no API key"));
    }

    private String read(String file) {
        try {
            return Files.readString(events.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
