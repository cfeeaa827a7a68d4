package dev.gatekeeper.observability;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;

/**
 * The log fields and the metrics of one invocation of an API function or the authorizer: opened when it starts,
 * closed when it ends, which publishes its EMF line and clears the log fields.
 */
public final class RequestTelemetry implements AutoCloseable {
    private final LogContext logContext;
    private final RequestMetrics metrics;

    private RequestTelemetry(LogContext logContext, RequestMetrics metrics) {
        this.logContext = logContext;
        this.metrics = metrics;
    }

    public static RequestTelemetry start(EmfMetrics emf, String operation, String requestId, Context context) {
        LogContext logContext = LogContext.open(operation, requestId, context);
        return new RequestTelemetry(logContext,
                emf.start(LogContext.functionName(operation, context), operation, logContext.requestId()));
    }

    public RequestMetrics metrics() {
        return metrics;
    }

    /** The organisation the credentials act for, once known. */
    public void organisation(String organisationId) {
        LogContext.put(LogContext.ORGANISATION_ID, organisationId);
    }

    /** Which credential the caller used: an API key's or a token's public id, never the secret. */
    public void credential(String credentialId) {
        LogContext.put(LogContext.CREDENTIAL, credentialId);
    }

    /** The result, for the request's last line: an HTTP status, or the authorizer's decision. */
    public void outcome(String outcome) {
        LogContext.put(LogContext.OUTCOME, outcome);
    }

    /** Records what a failure says about the request: its return code, why credentials were refused, an outage. */
    public void failed(GatekeeperException failure) {
        LogContext.put(LogContext.RETURN_CODE, failure.code().name());
        failure.authFailure().ifPresent(this::authFailure);
        if (failure.code() == ErrorCode.SERVICE_UNAVAILABLE) {
            metrics.dependencyError();
        }
    }

    /** Something no {@link GatekeeperException} describes: an internal error. */
    public void failedUnexpectedly() {
        LogContext.put(LogContext.RETURN_CODE, ErrorCode.INTERNAL_ERROR.name());
    }

    public void authFailure(AuthFailure reason) {
        LogContext.put(LogContext.AUTH_FAILURE, reason.label());
        metrics.authFailure(reason);
    }

    @Override
    public void close() {
        try {
            metrics.publish();
        } finally {
            logContext.close();
        }
    }
}
