package dev.gatekeeper.local.lambda;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function that threw: Lambda reports it to the caller as {@code {"errorMessage", "errorType", "stackTrace"}},
 * and API Gateway answers its client 502.
 */
public final class FunctionError extends RuntimeException {
    public FunctionError(String functionId, Throwable cause) {
        super(functionId + " failed: " + cause, cause);
    }

    /** The error payload Lambda returns for an unhandled exception. */
    public Map<String, Object> payload() {
        Throwable cause = getCause();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("errorMessage", cause.getMessage());
        payload.put("errorType", cause.getClass().getName());
        List<String> trace = Arrays.stream(cause.getStackTrace()).map(StackTraceElement::toString).toList();
        payload.put("stackTrace", trace);
        return payload;
    }
}
