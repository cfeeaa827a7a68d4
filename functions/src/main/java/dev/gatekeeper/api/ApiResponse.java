package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import java.time.Duration;
import java.util.Map;

/**
 * Builds proxy responses. Every response is JSON and, unless it is public by nature (the JWKS), must not be
 * cached: token responses carry credentials, and introspection answers change the moment a token is revoked.
 */
public final class ApiResponse {
    private static final Map<String, String> JSON_HEADERS = Map.of(
            "Content-Type", "application/json",
            "Cache-Control", "no-store",
            "Pragma", "no-cache");
    private static final Map<String, String> UNAUTHORIZED_HEADERS = Map.of(
            "Content-Type", "application/json",
            "Cache-Control", "no-store",
            "Pragma", "no-cache",
            "WWW-Authenticate", "Basic realm=\"gatekeeper\", Bearer realm=\"gatekeeper\"");

    private ApiResponse() {
    }

    public static APIGatewayProxyResponseEvent json(int status, String body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(JSON_HEADERS).withBody(body);
    }

    /** A response anyone may read and any cache may keep for {@code maxAge}. */
    public static APIGatewayProxyResponseEvent publicJson(int status, String body, Duration maxAge) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json",
                        "Cache-Control", "public, max-age=" + Math.max(0, maxAge.toSeconds())))
                .withBody(body);
    }

    /** The one mapping from the error model to an HTTP response. */
    public static APIGatewayProxyResponseEvent error(GatekeeperException error) {
        return error(error.code(), error.description(), error);
    }

    public static APIGatewayProxyResponseEvent error(ErrorCode code, String description, GatekeeperException error) {
        String body = JsonResponses.error(code, description, error == null ? java.util.List.of() : error.details());
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(code.httpStatus())
                .withHeaders(code == ErrorCode.UNAUTHORIZED ? UNAUTHORIZED_HEADERS : JSON_HEADERS)
                .withBody(body);
    }
}
