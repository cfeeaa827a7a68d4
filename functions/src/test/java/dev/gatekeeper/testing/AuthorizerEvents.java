package dev.gatekeeper.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Builds REST API {@code REQUEST} authorizer events the way API Gateway sends them for a protected route of
 * another API: the method ARN of the route, its headers, and the caller's source address.
 */
public final class AuthorizerEvents {
    public static final String API_ID = "pr0t3ct3d1";
    public static final String ACCOUNT = "123456789012";
    public static final String REGION = "eu-west-1";
    /** What a policy for this API's {@code v1} stage names: every method and path of the stage. */
    public static final String STAGE_WILDCARD = "arn:aws:execute-api:" + REGION + ":" + ACCOUNT + ":" + API_ID + "/v1/*/*";

    private final Map<String, String> headers = new LinkedHashMap<>();
    private String methodArn = "arn:aws:execute-api:" + REGION + ":" + ACCOUNT + ":" + API_ID + "/v1/GET/protected/whoami";
    private String sourceIp = "127.0.0.1";

    private AuthorizerEvents() {
        headers.put("Host", API_ID + ".execute-api." + REGION + ".amazonaws.com");
        headers.put("User-Agent", "gatekeeper-tests");
    }

    /** A request for GET /protected/whoami of the protected API. */
    public static AuthorizerEvents request() {
        return new AuthorizerEvents();
    }

    public AuthorizerEvents bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    public AuthorizerEvents apiKey(String apiKey) {
        return header("Authorization", ApiEvents.basic(apiKey));
    }

    public AuthorizerEvents header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public AuthorizerEvents methodArn(String arn) {
        this.methodArn = arn;
        return this;
    }

    public AuthorizerEvents from(String sourceIp) {
        this.sourceIp = sourceIp;
        return this;
    }

    public APIGatewayCustomAuthorizerEvent build() {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("REQUEST");
        event.setMethodArn(methodArn);
        event.setResource("/protected/whoami");
        event.setPath("/protected/whoami");
        event.setHttpMethod("GET");
        event.setHeaders(Map.copyOf(headers));
        APIGatewayCustomAuthorizerEvent.Identity identity = new APIGatewayCustomAuthorizerEvent.Identity();
        identity.setSourceIp(sourceIp);
        APIGatewayCustomAuthorizerEvent.RequestContext context = new APIGatewayCustomAuthorizerEvent.RequestContext();
        context.setAccountId(ACCOUNT);
        context.setApiId(API_ID);
        context.setStage("v1");
        context.setHttpMethod("GET");
        context.setResourcePath("/protected/whoami");
        context.setPath("/v1/protected/whoami");
        context.setRequestId(UUID.randomUUID().toString());
        context.setIdentity(identity);
        event.setRequestContext(context);
        return event;
    }
}
