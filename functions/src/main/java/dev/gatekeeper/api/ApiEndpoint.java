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

    /** The body an operation reads: JSON, an OAuth form, or none. */
    public enum BodyKind {
        JSON("application/json"),
        FORM("application/x-www-form-urlencoded"),
        /** No body is read; one sent anyway must still be declared as JSON, as Gatekeeper requires. */
        NONE("application/json");

        private final String mediaType;

        BodyKind(String mediaType) {
            this.mediaType = mediaType;
        }
    }

    /** An operation's work once its caller is known. */
    @FunctionalInterface
    public interface Operation {
        APIGatewayProxyResponseEvent perform(ApiRequest request, Caller caller);
    }

    /** A public operation's work: no credentials, no body. */
    @FunctionalInterface
    public interface PublicOperation {
        APIGatewayProxyResponseEvent perform(ApiRequest request);
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
        } catch (RuntimeException e) {
            return failure(operationId, request, e);
        }
    }

    /** The same flow without authentication, for what anyone may read (the JWKS). */
    public APIGatewayProxyResponseEvent handlePublic(String operationId, APIGatewayProxyRequestEvent event,
                                                     PublicOperation operation) {
        ApiRequest request = new ApiRequest(event);
        try {
            APIGatewayProxyResponseEvent response = operation.perform(request);
            LOG.info("operation={} requestId={} status={}", operationId, request.requestId(), response.getStatusCode());
            return response;
        } catch (RuntimeException e) {
            return failure(operationId, request, e);
        }
    }

    /** The one place a failure becomes a response, logged once with the request id. */
    private static APIGatewayProxyResponseEvent failure(String operationId, ApiRequest request, RuntimeException failure) {
        if (!(failure instanceof GatekeeperException e)) {
            LOG.error("operation={} requestId={} status=500 unexpected failure", operationId, request.requestId(), failure);
            return ApiResponse.error(ErrorCode.INTERNAL_ERROR, "Internal error", null);
        }
        if (e.code().httpStatus() >= 500) {
            LOG.error("operation={} requestId={} status={} returnCode={} cause={}", operationId, request.requestId(),
                    e.code().httpStatus(), e.code(), e.getCause() == null ? e.description() : e.getCause().toString());
        } else {
            LOG.info("operation={} requestId={} status={} returnCode={} reason=\"{}\"", operationId, request.requestId(),
                    e.code().httpStatus(), e.code(), e.description());
        }
        return ApiResponse.error(e);
    }

    private static void requireContentType(ApiRequest request, BodyKind bodyKind) {
        boolean hasBody = request.body().isPresent();
        if (bodyKind == BodyKind.NONE && !hasBody) {
            return;
        }
        List<String> contentTypes = request.header("Content-Type");
        if (contentTypes.size() != 1 || !isMediaType(contentTypes.get(0), bodyKind.mediaType)) {
            throw GatekeeperException.unsupportedMediaType("Content-Type must be " + bodyKind.mediaType);
        }
    }

    /** The media type, with no parameter but an optional UTF-8 charset. */
    private static boolean isMediaType(String contentType, String mediaType) {
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(mediaType)) {
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
