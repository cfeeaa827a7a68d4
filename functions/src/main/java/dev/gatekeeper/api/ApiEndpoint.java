package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.auth.AuthorizationHeader;
import dev.gatekeeper.core.auth.Authenticator;
import dev.gatekeeper.core.auth.Caller;
import dev.gatekeeper.core.auth.Permission;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.observability.EmfMetrics;
import dev.gatekeeper.observability.RequestMetrics;
import dev.gatekeeper.observability.RequestTelemetry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow every API operation shares: authenticate (401/403), check the content type (415), run the operation,
 * and turn any failure into an {@code ErrorResponse}. Each request logs one line with its outcome and publishes one
 * line of metrics. Nothing about a failure's internals reaches the caller.
 *
 * <p>Refused credentials (a 401 or 403 from authentication) leave an audit record, best-effort: failing to write
 * it is logged and changes nothing in the response.
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

    /** An operation's work once its caller is known; it counts what it did in {@code metrics}. */
    @FunctionalInterface
    public interface Operation {
        APIGatewayProxyResponseEvent perform(ApiRequest request, Caller caller, RequestMetrics metrics);
    }

    /** A public operation's work: no credentials, no body. */
    @FunctionalInterface
    public interface PublicOperation {
        APIGatewayProxyResponseEvent perform(ApiRequest request);
    }

    private final Authenticator authenticator;
    private final EmfMetrics metrics;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Supplier<UUID> auditIds;

    public ApiEndpoint(Authenticator authenticator, EmfMetrics metrics, AuditLog auditLog, Clock clock,
                       Supplier<UUID> auditIds) {
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.auditLog = auditLog;
        this.clock = clock;
        this.auditIds = auditIds;
    }

    /**
     * Runs one request of {@code operationId}: every line it logs carries the request id, the function and the
     * operation, the last one its outcome; its metrics go out as one EMF line when it ends.
     *
     * @param context the Lambda context (function name, invocation id); null where there is none
     */
    public APIGatewayProxyResponseEvent handle(String operationId, APIGatewayProxyRequestEvent event, Context context,
                                               Permission permission, BodyKind bodyKind, Operation operation) {
        ApiRequest request = new ApiRequest(event);
        try (RequestTelemetry telemetry = RequestTelemetry.start(metrics, operationId, request.requestId(), context)) {
            try {
                Caller caller = authenticate(request, permission);
                telemetry.organisation(caller.organisation().id().value());
                telemetry.credential(caller.credentialId());
                requireContentType(request, bodyKind);
                return succeeded(operationId, operation.perform(request, caller, telemetry.metrics()), telemetry);
            } catch (RuntimeException e) {
                if (e instanceof GatekeeperException refusal && refusal.authFailure().isPresent()) {
                    // Refused by authentication, or by the operation: a credential revoked while it ran.
                    recordRefusal(request, refusal);
                }
                return failure(operationId, e, telemetry);
            }
        }
    }

    /** The same flow without authentication, for what anyone may read (the JWKS). */
    public APIGatewayProxyResponseEvent handlePublic(String operationId, APIGatewayProxyRequestEvent event,
                                                     Context context, PublicOperation operation) {
        ApiRequest request = new ApiRequest(event);
        try (RequestTelemetry telemetry = RequestTelemetry.start(metrics, operationId, request.requestId(), context)) {
            try {
                return succeeded(operationId, operation.perform(request), telemetry);
            } catch (RuntimeException e) {
                return failure(operationId, e, telemetry);
            }
        }
    }

    private Caller authenticate(ApiRequest request, Permission permission) {
        return authenticator.authenticate(
                AuthorizationHeader.parse(request.header("Authorization")), request.sourceIp(), permission);
    }

    /**
     * Records who was refused and why; never the credential. A refusal that cannot be tied to an organisation
     * (unknown key, forged or expired token) goes to the {@link AuditEvent#UNATTRIBUTED} partition.
     */
    private void recordRefusal(ApiRequest request, GatekeeperException refusal) {
        try {
            auditLog.record(AuditEvent.refused(auditIds.get(), refusal.credentialOwner(),
                    refusal.authFailure().orElseThrow().label(), Instant.ofEpochMilli(clock.millis()),
                    request.sourceIp(), request.requestId()));
        } catch (RuntimeException e) {
            // The caller is refused either way; the gap in the trail shows in the logs.
            LOG.error("Could not record refused credentials in the audit log", e);
        }
    }

    private static APIGatewayProxyResponseEvent succeeded(String operationId, APIGatewayProxyResponseEvent response,
                                                          RequestTelemetry telemetry) {
        telemetry.outcome(String.valueOf(response.getStatusCode()));
        LOG.info("{} answered {}", operationId, response.getStatusCode());
        return response;
    }

    /**
     * The one place a failure becomes a response, logged once: the cause and its stack trace for a 5xx, the
     * caller-safe description otherwise (it never holds a credential: descriptions name fields, not values).
     */
    private static APIGatewayProxyResponseEvent failure(String operationId, RuntimeException failure,
                                                        RequestTelemetry telemetry) {
        if (!(failure instanceof GatekeeperException e)) {
            telemetry.outcome("500");
            telemetry.failedUnexpectedly();
            LOG.error("{} failed unexpectedly", operationId, failure);
            return ApiResponse.error(ErrorCode.INTERNAL_ERROR, "Internal error", null);
        }
        int status = e.code().httpStatus();
        telemetry.outcome(String.valueOf(status));
        telemetry.failed(e);
        if (status >= 500) {
            LOG.error("{} answered {} {}: {}", operationId, status, e.code(), e.description(), e);
        } else {
            LOG.info("{} answered {} {}: {}", operationId, status, e.code(), e.description());
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
