package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.auth.Caller;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only view of an API Gateway REST proxy event, with the lookups every operation needs. */
public final class ApiRequest {
    private final APIGatewayProxyRequestEvent event;

    public ApiRequest(APIGatewayProxyRequestEvent event) {
        this.event = event;
    }

    /**
     * Every value of a header, matched case-insensitively. API Gateway fills both {@code multiValueHeaders} and
     * {@code headers}; the multi-value map is authoritative because it shows repeated headers.
     */
    public List<String> header(String name) {
        List<String> values = new ArrayList<>();
        Map<String, List<String>> multi = event.getMultiValueHeaders();
        if (multi != null) {
            multi.forEach((key, list) -> {
                if (key != null && key.equalsIgnoreCase(name) && list != null) {
                    values.addAll(list);
                }
            });
        }
        if (values.isEmpty() && event.getHeaders() != null) {
            event.getHeaders().forEach((key, value) -> {
                if (key != null && key.equalsIgnoreCase(name) && value != null) {
                    values.add(value);
                }
            });
        }
        return values;
    }

    public String pathParameter(String name) {
        Map<String, String> parameters = event.getPathParameters();
        return parameters == null ? null : parameters.get(name);
    }

    /** The body as text, decoded if API Gateway base64-encoded it; empty if there is none. */
    public Optional<String> body() {
        String body = event.getBody();
        if (body == null || body.isEmpty()) {
            return Optional.empty();
        }
        if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            try {
                return Optional.of(new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return Optional.of("\u0000"); // not base64 after all: let the JSON reader call it malformed
            }
        }
        return Optional.of(body);
    }

    public String sourceIp() {
        var context = event.getRequestContext();
        return context == null || context.getIdentity() == null ? null : context.getIdentity().getSourceIp();
    }

    public String requestId() {
        var context = event.getRequestContext();
        return context == null ? null : context.getRequestId();
    }

    /** Who makes this request and from where, for the audit record of the change it makes. */
    public AuditContext audit(Caller caller) {
        return new AuditContext(caller.organisation().id(), caller.sourceIp(), requestId());
    }
}
