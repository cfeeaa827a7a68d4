package dev.gatekeeper.observability;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.MDC;

/**
 * The fields every log line of one invocation carries, held in the SLF4J MDC: set when the invocation starts,
 * cleared when it ends, so a warm container never lends one request's fields to the next.
 */
public final class LogContext implements AutoCloseable {
    public static final String REQUEST_ID = "requestId";
    public static final String FUNCTION = "function";
    public static final String OPERATION = "operation";
    public static final String ORGANISATION_ID = "organisationId";
    public static final String CREDENTIAL = "credential";
    public static final String OUTCOME = "outcome";
    public static final String RETURN_CODE = "returnCode";
    public static final String AUTH_FAILURE = "authFailure";

    private final String requestId;

    private LogContext(String requestId) {
        this.requestId = requestId;
    }

    /**
     * @param requestId the API Gateway request id when there is one (it is also in the access log), else the
     *                  Lambda invocation's
     * @param context   the Lambda context; null only in code that calls a handler without one
     */
    public static LogContext open(String operation, String requestId, Context context) {
        MDC.clear();
        String id = requestId != null ? requestId : context == null ? null : context.getAwsRequestId();
        put(REQUEST_ID, id);
        put(FUNCTION, functionName(operation, context));
        put(OPERATION, operation);
        return new LogContext(id);
    }

    /** The request id the lines carry; null only without an event request id and a Lambda context. */
    public String requestId() {
        return requestId;
    }

    /** The Lambda function's name, or the operation where there is no Lambda context. */
    public static String functionName(String operation, Context context) {
        return context != null && context.getFunctionName() != null ? context.getFunctionName() : operation;
    }

    public static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        MDC.clear();
    }
}
