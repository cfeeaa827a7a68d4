package dev.gatekeeper.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.local.lambda.LambdaJson;
import java.util.Map;

/**
 * Stands in for the sample protected API's integration (inline Python in examples/protected-api.yaml, which this
 * JVM cannot run) and does what it does: answers {@code requestContext.authorizer}, the caller as the authorizer
 * described it.
 */
public final class AuthorizerContextEcho implements LocalIntegration {
    @Override
    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request) {
        Map<String, Object> caller = request.getRequestContext().getAuthorizer();
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(200)
                .withHeaders(Map.of("Content-Type", "application/json", "Cache-Control", "no-store"))
                .withBody(LambdaJson.write(caller == null ? Map.of() : caller));
    }
}
