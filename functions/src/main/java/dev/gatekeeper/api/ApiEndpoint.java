package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.core.auth.AuthorizationHeader;
import dev.gatekeeper.core.auth.Authenticator;
import dev.gatekeeper.core.auth.Caller;
import dev.gatekeeper.core.auth.Permission;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow every API operation shares: authenticate (401/403), check the content type (415), run the operation,
 * and turn any failure into an {@code ErrorResponse}, logged once with the request id. Nothing about the failure's
 * internals reaches the caller.
 */
public final class ApiEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ApiEndpoint.class);

    /** Whether the operation reads a JSON body. */
    public enum BodyKind { JSON, NONE }

    /** An operation's work once its caller is known. */
    @FunctionalInterface
    public interface Operation {
        APIGatewayProxyResponseEvent perform(ApiRequest request, Caller caller);
    }

    private final Authenticator authenticator;

    public ApiEndpoint(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public APIGatewayProxyResponseEvent handle(String operationId, APIGatewayProxyRequestEvent event,
                                               Permission permission, BodyKind bodyKind, Operation operation) {
        ApiRequest request = new ApiRequest(event);
        try {
            Caller caller = authenticator.authenticate(
                    AuthorizationHeader.parse(request.header("Authorization")), request.sourceIp(), permission);
            requireContentType(request, bodyKind);
            APIGatewayProxyResponseEvent response = operation.perform(request, caller);
            LOG.info("operation={} requestId={} organisation={} status={}", operationId, request.requestId(),
                    caller.organisation().id(), response.getStatusCode());
            return response;
        } catch (GatekeeperException e) {
            if (e.code().httpStatus() >= 500) {
                LOG.error("operation={} requestId={} status={} returnCode={} cause={}", operationId, request.requestId(),
                        e.code().httpStatus(), e.code(), e.getCause() == null ? e.description() : e.getCause().toString());
            } else {
                LOG.info("operation={} requestId={} status={} returnCode={} reason=\"{}\"", operationId, request.requestId(),
                        e.code().httpStatus(), e.code(), e.description());
            }
            return ApiResponse.error(e);
        } catch (RuntimeException e) {
            LOG.error("operation={} requestId={} status=500 unexpected failure", operationId, request.requestId(), e);
            return ApiResponse.error(ErrorCode.INTERNAL_ERROR, "Internal error", null);
        }
    }

    private static void requireContentType(ApiRequest request, BodyKind bodyKind) {
        boolean hasBody = request.body().isPresent();
        if (bodyKind == BodyKind.NONE && !hasBody) {
            return;
        }
        List<String> contentTypes = request.header("Content-Type");
        if (contentTypes.size() != 1 || !isJson(contentTypes.get(0))) {
            throw GatekeeperException.unsupportedMediaType("Content-Type must be application/json");
        }
    }

    private static boolean isJson(String contentType) {
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
            if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }
}
