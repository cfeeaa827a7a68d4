package dev.gatekeeper.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.local.lambda.FunctionError;
import dev.gatekeeper.local.lambda.LambdaJson;
import dev.gatekeeper.local.lambda.LocalFunction;
import dev.gatekeeper.local.lambda.LocalLambdaContext;
import dev.gatekeeper.local.template.ApiAuthorizer;
import dev.gatekeeper.local.template.GatewayResponse;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route behind a Lambda {@code REQUEST} authorizer, decided as API Gateway decides it with result caching off
 * ({@code ReauthorizeEvery: 0}): a request without an identity source is 401 before the authorizer runs; otherwise
 * the authorizer is invoked with the {@code REQUEST} event, and its answer decides: the error {@code Unauthorized}
 * is 401, any other failure 500, a policy that does not allow this method ARN 403, and one that allows it passes
 * the request on with the principal and context in {@code requestContext.authorizer}.
 */
public final class AuthorizedIntegration implements LocalIntegration {
    /** The account of the method ARN the runner's API pretends to live in. */
    static final String ACCOUNT_ID = "000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiAuthorizer authorizer;
    private final LocalFunction function;
    private final LocalIntegration backend;
    private final GatewayErrors errors;
    private final String region;
    private final PrintStream log;

    /**
     * @param gatewayResponses the gateway responses of the protected API, for its 401, 403 and 500
     * @param log              where the authorizer's failures are logged
     */
    public AuthorizedIntegration(ApiAuthorizer authorizer, LocalFunction function, LocalIntegration backend,
                                 Map<String, GatewayResponse> gatewayResponses, String region, PrintStream log) {
        if (!ApiAuthorizer.REQUEST.equals(authorizer.payloadType())) {
            throw new IllegalArgumentException(authorizer.name() + " is a " + authorizer.payloadType()
                    + " authorizer; the runner serves REQUEST authorizers only");
        }
        this.authorizer = authorizer;
        this.function = function;
        this.backend = backend;
        this.errors = new GatewayErrors(gatewayResponses);
        this.region = region;
        this.log = log;
    }

    @Override
    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request) {
        Map<String, String> headers = Optional.ofNullable(request.getHeaders()).orElse(Map.of());
        for (String identity : authorizer.identityHeaders()) {
            if (header(headers, identity).filter(value -> !value.isBlank()).isEmpty()) {
                return reply(errors.unauthorized());
            }
        }
        APIGatewayCustomAuthorizerEvent event = event(request);
        String requestId = request.getRequestContext().getRequestId();
        LocalLambdaContext context = new LocalLambdaContext(function.definition(), requestId, region,
                System.currentTimeMillis(), log);
        JsonNode policy;
        try {
            policy = JSON.readTree(LambdaJson.write(function.invoke(event, context)));
        } catch (FunctionError e) {
            if ("Unauthorized".equals(e.getCause().getMessage())) {
                return reply(errors.unauthorized());
            }
            log.println(function.definition().logicalId() + " " + requestId + " failed: " + e.getCause());
            return reply(errors.authorizerFailure());
        } catch (Exception e) {
            log.println(function.definition().logicalId() + " " + requestId + " answered no policy: " + e);
            return reply(errors.authorizerFailure());
        }
        if (!policy.path("principalId").isTextual() || !policy.path("policyDocument").isObject()) {
            log.println(function.definition().logicalId() + " " + requestId + " answered no principalId or policyDocument");
            return reply(errors.authorizerFailure());
        }
        if (!allows(policy.path("policyDocument"), event.getMethodArn())) {
            return reply(errors.accessDenied());
        }
        Map<String, Object> caller = new LinkedHashMap<>();
        caller.put("principalId", policy.get("principalId").asText());
        policy.path("context").properties().forEach(entry -> caller.put(entry.getKey(), scalar(entry.getValue())));
        request.getRequestContext().setAuthorizer(caller);
        return backend.handle(request);
    }

    /** The {@code REQUEST} authorizer event API Gateway builds from the request. */
    APIGatewayCustomAuthorizerEvent event(APIGatewayProxyRequestEvent request) {
        var context = request.getRequestContext();
        String methodArn = "arn:aws:execute-api:" + region + ":" + ACCOUNT_ID + ":" + context.getApiId() + "/"
                + context.getStage() + "/" + request.getHttpMethod() + request.getPath();
        return APIGatewayCustomAuthorizerEvent.builder()
                .withType(ApiAuthorizer.REQUEST)
                .withMethodArn(methodArn)
                .withResource(request.getResource())
                .withPath(request.getPath())
                .withHttpMethod(request.getHttpMethod())
                .withHeaders(request.getHeaders())
                .withQueryStringParameters(request.getQueryStringParameters())
                .withPathParameters(request.getPathParameters())
                .withStageVariables(request.getStageVariables())
                .withRequestContext(APIGatewayCustomAuthorizerEvent.RequestContext.builder()
                        .withPath(context.getPath())
                        .withAccountId(ACCOUNT_ID)
                        .withResourceId(context.getResourceId())
                        .withStage(context.getStage())
                        .withRequestId(context.getRequestId())
                        .withResourcePath(context.getResourcePath())
                        .withHttpMethod(context.getHttpMethod())
                        .withApiId(context.getApiId())
                        .withIdentity(APIGatewayCustomAuthorizerEvent.Identity.builder()
                                .withSourceIp(context.getIdentity().getSourceIp())
                                .build())
                        .build())
                .build();
    }

    /** As IAM evaluates the policy for {@code execute-api:Invoke} on the method ARN: an explicit Deny wins. */
    static boolean allows(JsonNode document, String methodArn) {
        boolean allowed = false;
        for (JsonNode statement : list(document.path("Statement"))) {
            boolean matches = list(statement.path("Action")).stream().anyMatch(action -> glob(action.asText(), "execute-api:Invoke"))
                    && list(statement.path("Resource")).stream().anyMatch(resource -> glob(resource.asText(), methodArn));
            if (matches && "Deny".equals(statement.path("Effect").asText())) {
                return false;
            }
            allowed |= matches && "Allow".equals(statement.path("Effect").asText());
        }
        return allowed;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            items.add(node);
        }
        return items;
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} any one. */
    private static boolean glob(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("(?=[*?])|(?<=[*?])")) {
            regex.append(switch (part) {
                case "*" -> ".*";
                case "?" -> ".";
                default -> Pattern.quote(part);
            });
        }
        return value.matches(regex.toString());
    }

    private static Object scalar(JsonNode value) {
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber()) {
            return value.numberValue();
        }
        return value.asText();
    }

    private static Optional<String> header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst();
    }

    private static APIGatewayProxyResponseEvent reply(GatewayErrors.Reply reply) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        reply.errorType().ifPresent(type -> headers.put("x-amzn-ErrorType", type));
        headers.putAll(reply.headers());
        return new APIGatewayProxyResponseEvent().withStatusCode(reply.status()).withHeaders(headers).withBody(reply.body());
    }
}
