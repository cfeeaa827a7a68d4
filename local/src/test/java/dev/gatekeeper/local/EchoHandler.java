package dev.gatekeeper.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.local.lambda.LambdaJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The function of echo-template.yaml: answers with the proxy event it got, or misbehaves as the path asks. */
public final class EchoHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    public EchoHandler(Gatekeeper gatekeeper) {
        // Built like the real handlers; the service itself is not needed to echo.
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        String how = event.getPathParameters() == null ? null : event.getPathParameters().get("how");
        if (how == null) {
            return new APIGatewayProxyResponseEvent()
                    .withStatusCode(200)
                    .withHeaders(Map.of("X-Function", context.getFunctionName(),
                            "X-Memory", String.valueOf(context.getMemoryLimitInMB()),
                            "X-Remaining", String.valueOf(context.getRemainingTimeInMillis()),
                            "X-Request-Id", context.getAwsRequestId()))
                    .withBody(LambdaJson.write(event));
        }
        return switch (how) {
            case "throw" -> throw new IllegalStateException("the handler failed");
            case "no-status" -> new APIGatewayProxyResponseEvent().withBody("{}");
            case "slow" -> {
                sleep(1_200);
                yield new APIGatewayProxyResponseEvent().withStatusCode(200);
            }
            case "binary" -> new APIGatewayProxyResponseEvent().withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "application/octet-stream"))
                    .withIsBase64Encoded(true)
                    .withBody(Base64.getEncoder().encodeToString("raw bytes".getBytes(StandardCharsets.UTF_8)));
            case "headers" -> new APIGatewayProxyResponseEvent().withStatusCode(204)
                    .withHeaders(Map.of("X-Single", "one", "X-Both", "b"))
                    .withMultiValueHeaders(Map.of("X-Both", List.of("a", "b"), "X-Multi", List.of("1", "2")));
            default -> new APIGatewayProxyResponseEvent().withStatusCode(400);
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
