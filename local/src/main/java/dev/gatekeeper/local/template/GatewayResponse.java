package dev.gatekeeper.local.template;

import java.util.Map;
import java.util.Optional;

/**
 * A {@code GatewayResponses} entry of an API: the body (and status) API Gateway answers with when it refuses a
 * request itself, before any function runs.
 *
 * @param type              such as {@code MISSING_AUTHENTICATION_TOKEN} or {@code DEFAULT_5XX}
 * @param responseTemplates content type to body template; templates may use {@code $context.error.messageString}
 * @param headers           the static response headers of {@code ResponseParameters.Headers}, unquoted
 */
public record GatewayResponse(String type, Optional<Integer> statusCode, Map<String, String> responseTemplates,
                              Map<String, String> headers) {
    public GatewayResponse {
        responseTemplates = Map.copyOf(responseTemplates);
        headers = Map.copyOf(headers);
    }

    public GatewayResponse(String type, Optional<Integer> statusCode, Map<String, String> responseTemplates) {
        this(type, statusCode, responseTemplates, Map.of());
    }
}
