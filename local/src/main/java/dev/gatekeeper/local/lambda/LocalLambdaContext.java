package dev.gatekeeper.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.gatekeeper.local.template.FunctionDefinition;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The context of one invocation, with what Lambda would give it: the request id, the function's name, memory and
 * log group, and the time left before the template's timeout. The function's name is its logical id; in AWS it
 * also carries the stack name and a suffix.
 */
public final class LocalLambdaContext implements Context {
    private static final String ACCOUNT_ID = "123456789012";

    private final FunctionDefinition function;
    private final String requestId;
    private final String region;
    private final long deadlineMillis;
    private final PrintStream log;

    public LocalLambdaContext(FunctionDefinition function, String requestId, String region, long startMillis, PrintStream log) {
        this.function = function;
        this.requestId = requestId;
        this.region = region;
        this.deadlineMillis = startMillis + function.timeoutSeconds() * 1000L;
        this.log = log;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + function.logicalId();
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return function.logicalId();
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + region + ":" + ACCOUNT_ID + ":function:" + function.logicalId();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memorySizeMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(String message) {
                LocalLambdaContext.this.log.println(message);
            }

            @Override
            public void log(byte[] message) {
                LocalLambdaContext.this.log.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
