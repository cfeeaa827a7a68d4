package dev.gatekeeper.local.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.gatekeeper.api.JsonResponses;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.local.template.GatewayResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answers API Gateway gives by itself, before or instead of a function: rendered from the template's
 * {@code GatewayResponses} (the specific type, else {@code DEFAULT_4XX} / {@code DEFAULT_5XX}), so a change there
 * shows locally too, else as the service's own {@code ErrorResponse}.
 */
final class GatewayErrors {
    /** A reply the gateway makes: status, JSON body and, when API Gateway sends one, its error type header. */
    record Reply(int status, String body, Optional<String> errorType, Map<String, String> headers) {
    }

    private final Map<String, GatewayResponse> configured;

    GatewayErrors(Map<String, GatewayResponse> configured) {
        this.configured = Map.copyOf(configured);
    }

    /** No resource for the path: API Gateway's {@code MISSING_AUTHENTICATION_TOKEN}, 403 unless configured. */
    Reply noSuchResource() {
        return render("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token",
                "MissingAuthenticationTokenException", ErrorCode.NOT_FOUND, 404, "No such resource or method");
    }

    /**
     * The resource exists without this method. Deployed, API Gateway answers it as a missing resource; locally it
     * is 405, which tells a developer what is wrong, with the methods the resource has.
     */
    Reply methodNotAllowed(String resource, List<String> allowed) {
        return new Reply(405, JsonResponses.error(ErrorCode.METHOD_NOT_ALLOWED,
                resource + " accepts " + String.join(", ", allowed), List.of()), Optional.empty(),
                Map.of("Allow", String.join(", ", allowed)));
    }

    /** A body over API Gateway's 10 MB payload limit. */
    Reply requestTooLarge() {
        return render("REQUEST_TOO_LARGE", 413, "Request Too Long", null,
                ErrorCode.BAD_REQUEST, 413, "The request is too large");
    }

    /** The function threw, timed out, or returned something that is not a proxy response: 502. */
    Reply badLambdaResponse() {
        return render("DEFAULT_5XX", 502, "Internal server error", "InternalServerErrorException",
                ErrorCode.INTERNAL_ERROR, 502, "Internal server error");
    }

    /**
     * The authorizer refused the credentials (it failed with the message {@code Unauthorized}), or the request
     * lacks one of the authorizer's identity sources: 401.
     */
    Reply unauthorized() {
        return render("UNAUTHORIZED", 401, "Unauthorized", "UnauthorizedException",
                ErrorCode.UNAUTHORIZED, 401, "Invalid credentials");
    }

    /** The authorizer's policy does not allow the request: 403. */
    Reply accessDenied() {
        return render("ACCESS_DENIED", 403, "User is not authorized to access this resource with an explicit deny",
                "AccessDeniedException", ErrorCode.FORBIDDEN, 403, "Access denied");
    }

    /** The authorizer failed otherwise, or answered something that is not a policy: 500. */
    Reply authorizerFailure() {
        return render("AUTHORIZER_CONFIGURATION_ERROR", 500, null, "AuthorizerConfigurationException",
                ErrorCode.INTERNAL_ERROR, 500, "Authorization is unavailable");
    }

    /**
     * The stage's or the caller's token bucket is empty: 429, with {@code Retry-After} (whole seconds, at least 1),
     * which the runner adds and API Gateway does not (its clients only learn to back off).
     */
    Reply throttled(long retryAfterSeconds) {
        Reply reply = render("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException", 429,
                "{\"returnCode\": \"TOO_MANY_REQUESTS\", \"returnDescription\": \"Too many requests, retry later\"}");
        Map<String, String> headers = new LinkedHashMap<>(reply.headers());
        headers.put("Retry-After", String.valueOf(retryAfterSeconds));
        return new Reply(reply.status(), reply.body(), reply.errorType(), headers);
    }

    private Reply render(String type, int defaultStatus, String message, String errorType,
                         ErrorCode fallbackCode, int fallbackStatus, String fallbackDescription) {
        return render(type, defaultStatus, message, errorType, fallbackStatus,
                JsonResponses.error(fallbackCode, fallbackDescription, List.of()));
    }

    /** The template's response for {@code type}, else {@code fallbackBody}, an {@code ErrorResponse}. */
    private Reply render(String type, int defaultStatus, String message, String errorType,
                         int fallbackStatus, String fallbackBody) {
        Optional<GatewayResponse> specific = Optional.ofNullable(configured.get(type));
        Optional<GatewayResponse> response = specific.or(() ->
                Optional.ofNullable(configured.get(defaultStatus >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX")));
        Optional<String> template = response.map(r -> r.responseTemplates().get("application/json"));
        if (template.isEmpty()) {
            return new Reply(fallbackStatus, fallbackBody, Optional.ofNullable(errorType), Map.of());
        }
        int status = specific.flatMap(GatewayResponse::statusCode).orElse(defaultStatus);
        String quoted = message == null ? "null"
                : "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"";
        String body = template.get()
                .replace("$context.error.messageString", quoted)
                .replace("$context.error.message", message == null ? "" : message);
        return new Reply(status, body, Optional.ofNullable(errorType),
                response.map(GatewayResponse::headers).orElse(Map.of()));
    }
}
