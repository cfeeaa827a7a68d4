package dev.gatekeeper.testing;

import dev.gatekeeper.config.AwsClients;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Faults of DynamoDB and Secrets Manager, injected under a real SDK client: the client is built with the service's
 * own retry and timeout configuration ({@link AwsClients}) and this HTTP client underneath, so the SDK marshals,
 * signs, retries, times out and parses errors exactly as in Lambda, and only the wire answers differently.
 *
 * <p>It sits at the HTTP client rather than in an {@code ExecutionInterceptor} because an interceptor only sees a
 * response after the service has acted on the request: it can fake a lost response, but not a throttled write that
 * was never applied. Here both exist: {@link #reject} answers without forwarding (the service refused; nothing
 * changed), {@link #loseResponse} forwards, lets the emulator apply the request, and then answers with an error (the
 * service acted, the caller never heard). Errors are the services' own HTTP status and JSON error body.
 */
public final class FaultInjector implements SdkHttpClient {
    /** An error as the service sends it: HTTP status, JSON protocol version and {@code __type}. */
    public record Fault(int status, String contentType, String type, String message, String extraMembers) {
        public Fault(int status, String contentType, String type, String message) {
            this(status, contentType, type, message, "");
        }

        /**
         * A transaction cancelled because another one was changing the same items at the same time: DynamoDB's
         * answer, with one cancellation reason per action ({@code actions} of them, the first conflicting). The
         * SDK does not retry it; the store must.
         */
        public static Fault dynamoDbTransactionConflict(int actions) {
            StringBuilder reasons = new StringBuilder(
                    "{\"Code\":\"TransactionConflict\",\"Message\":\"Transaction is ongoing for the item\"}");
            for (int i = 1; i < actions; i++) {
                reasons.append(",{\"Code\":\"None\"}");
            }
            return new Fault(400, "application/x-amz-json-1.0",
                    "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                    "Transaction cancelled, please refer cancellation reasons for specific reasons",
                    ",\"CancellationReasons\":[" + reasons + "]");
        }

        public static final Fault DYNAMODB_THROUGHPUT_EXCEEDED = new Fault(400, "application/x-amz-json-1.0",
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.");
        public static final Fault DYNAMODB_THROTTLING = new Fault(400, "application/x-amz-json-1.0",
                "com.amazon.coral.availability#ThrottlingException", "Rate of requests exceeds the allowed throughput.");
        public static final Fault DYNAMODB_INTERNAL_ERROR = new Fault(500, "application/x-amz-json-1.0",
                "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error");
        public static final Fault SECRETS_MANAGER_THROTTLING = new Fault(400, "application/x-amz-json-1.1",
                "ThrottlingException", "Rate exceeded");
        public static final Fault SECRETS_MANAGER_INTERNAL_ERROR = new Fault(500, "application/x-amz-json-1.1",
                "InternalServiceError", "An error occurred on the server side.");

        String body() {
            return "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"" + extraMembers + "}";
        }
    }

    private enum Action { REJECT, LOSE_RESPONSE, STALL }

    /** One planned fault: which operation (null: any), how many more attempts it hits (negative: until healed). */
    private static final class Rule {
        final String operation;
        final AtomicInteger remaining;
        final Action action;
        final Fault fault;
        final Duration stall;

        Rule(String operation, int times, Action action, Fault fault, Duration stall) {
            this.operation = operation;
            this.remaining = new AtomicInteger(times);
            this.action = action;
            this.fault = fault;
            this.stall = stall;
        }

        boolean take(String op) {
            if (operation != null && !operation.equals(op)) {
                return false;
            }
            while (true) {
                int left = remaining.get();
                if (left == 0) {
                    return false;
                }
                if (left < 0 || remaining.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }
    }

    public static final int UNTIL_HEALED = -1;

    private final SdkHttpClient delegate = ApacheHttpClient.builder().build();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    /** A DynamoDB client for the shared DynamoDB Local, configured as in Lambda, whose wire this injector controls. */
    public DynamoDbClient dynamoDb() {
        return dynamoDbAt(LocalDynamoDb.shared().endpoint());
    }

    /** The same, talking to {@code endpoint} (for example a {@link TcpProxy} in front of DynamoDB Local). */
    public DynamoDbClient dynamoDbAt(URI endpoint) {
        var local = LocalDynamoDb.shared().client().serviceClientConfiguration();
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(local.region())
                .credentialsProvider(local.credentialsProvider())
                .httpClient(this)
                .overrideConfiguration(AwsClients.dynamoDbCalls())
                .build();
    }

    /** A Secrets Manager client for the shared moto server, configured as in Lambda. */
    public SecretsManagerClient secretsManager() {
        var moto = MotoServer.shared().secretsManager().serviceClientConfiguration();
        return SecretsManagerClient.builder()
                .endpointOverride(MotoServer.shared().endpoint())
                .region(moto.region())
                .credentialsProvider(moto.credentialsProvider())
                .httpClient(this)
                .overrideConfiguration(AwsClients.secretsManagerCalls())
                .build();
    }

    /** The next {@code times} attempts of {@code operation} (null: any) are refused with {@code fault}. */
    public FaultInjector reject(String operation, int times, Fault fault) {
        rules.add(new Rule(operation, times, Action.REJECT, fault, null));
        return this;
    }

    /**
     * The next {@code times} attempts of {@code operation} reach the emulator and take effect, and then the caller
     * gets {@code fault} instead of the answer.
     */
    public FaultInjector loseResponse(String operation, int times, Fault fault) {
        rules.add(new Rule(operation, times, Action.LOSE_RESPONSE, fault, null));
        return this;
    }

    /** The next {@code times} attempts of {@code operation} hang for {@code duration} before they are sent. */
    public FaultInjector stall(String operation, int times, Duration duration) {
        rules.add(new Rule(operation, times, Action.STALL, null, duration));
        return this;
    }

    /** The dependency is back: no more faults. */
    public void heal() {
        rules.clear();
    }

    /** Attempts that went out for {@code operation} (for example {@code "TransactWriteItems"}), faulted or not. */
    public int attempts(String operation) {
        return attempts.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Attempts of every operation. */
    public int totalAttempts() {
        return attempts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void resetAttempts() {
        attempts.clear();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String operation = operationOf(request);
        attempts.computeIfAbsent(operation, ignored -> new AtomicInteger()).incrementAndGet();
        Rule rule = rules.stream().filter(candidate -> candidate.take(operation)).findFirst().orElse(null);
        if (rule == null) {
            return delegate.prepareRequest(request);
        }
        return switch (rule.action) {
            case REJECT -> answering(rule.fault);
            case LOSE_RESPONSE -> {
                ExecutableHttpRequest real = delegate.prepareRequest(request);
                yield new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        HttpExecuteResponse applied = real.call();
                        if (applied.responseBody().isPresent()) {
                            applied.responseBody().get().close();
                        }
                        return response(rule.fault);
                    }

                    @Override
                    public void abort() {
                        real.abort();
                    }
                };
            }
            case STALL -> stalling(rule.stall, delegate.prepareRequest(request));
        };
    }

    private static String operationOf(HttpExecuteRequest request) {
        // Both services use the JSON protocol: "X-Amz-Target: DynamoDB_20120810.GetItem", "secretsmanager.GetSecretValue".
        String target = request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse("unknown.unknown");
        return target.substring(target.indexOf('.') + 1);
    }

    private static ExecutableHttpRequest answering(Fault fault) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return response(fault);
            }

            @Override
            public void abort() {
            }
        };
    }

    private static ExecutableHttpRequest stalling(Duration duration, ExecutableHttpRequest real) {
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                try {
                    Thread.sleep(duration.toMillis()); // the SDK's attempt timeout interrupts this
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("stalled request aborted");
                }
                return real.call();
            }

            @Override
            public void abort() {
                real.abort();
            }
        };
    }

    private static HttpExecuteResponse response(Fault fault) {
        byte[] body = fault.body().getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder()
                        .statusCode(fault.status())
                        .putHeader("Content-Type", fault.contentType())
                        .putHeader("Content-Length", String.valueOf(body.length))
                        .putHeader("x-amzn-RequestId", "fault-injected")
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
                .build();
    }

    @Override
    public String clientName() {
        return "FaultInjector";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
