package dev.gatekeeper.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The SDK clients, built once per container and sharing one HTTP client. An endpoint override points both at an
 * emulator; credentials always come from the default chain (in Lambda, the function's role: environment variables
 * on demand, the container endpoint under SnapStart, so no provider is pinned here).
 *
 * <p>Retries and timeouts are set here rather than left to the SDK's defaults (for DynamoDB: legacy mode, up to 9
 * attempts, no time limit), because a function has 10 s in all and one request makes a few calls in a row. Each call
 * gets at most {@link #MAX_ATTEMPTS} attempts (standard mode: throttling, 5xx, timeouts and I/O errors are retried,
 * validation and conditional-check failures are not) with exponential backoff and full jitter, bounded by
 * {@link #MAX_BACKOFF}; and a time limit per attempt and per call, so a hanging dependency costs a request seconds, not
 * the function's whole timeout, and the caller gets a 503 from us instead of a Lambda timeout. The standard mode's
 * retry quota (circuit breaker) stays on: under a sustained outage the container stops retrying and fails fast.
 *
 * <p>Retrying writes is safe: TransactWriteItems carries an idempotency token that the SDK generates once per call
 * and resends on each attempt, so an attempt whose response was lost is not applied twice; the other writes are
 * conditional puts and updates that a repeat cannot apply twice.
 *
 * <p><b>Cold start.</b> The HTTP client is the JDK's {@code HttpURLConnection} ({@code url-connection-client}):
 * it keeps the artifact within its size budget and starts a little faster than the Apache client, at the price of a
 * probe of up to 1 ms before each request on a kept-alive connection (about 1.4 ms more per warm DynamoDB call;
 * BENCHMARKS.md has both measured). Building it means building its TLS context, which reads and parses the JDK's
 * trust store, independently of the SDK clients, which only keep a reference to it. So {@link #backgroundHttpClient()}
 * builds it on a second thread while the caller builds the SDK clients; the first request waits for it if it is
 * not done by then. The Lambda composition root ({@code Gatekeeper.fromEnvironment}) also builds the Secrets
 * Manager client first, so the signing keys can load while the DynamoDB client is built.
 */
public record AwsClients(DynamoDbClient dynamoDb, SecretsManagerClient secretsManager) {
    /** Attempts per SDK call, the first included. */
    public static final int MAX_ATTEMPTS = 3;
    /** Longest wait between two attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /** DynamoDB answers in milliseconds; one second per attempt is generous even with a new TLS connection. */
    public static final Duration DYNAMODB_ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    /** All attempts of one DynamoDB call; a request makes up to a few of them. */
    public static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(3);
    /** GetSecretValue runs once per container and key-cache period; slower than DynamoDB, so a little more time. */
    public static final Duration SECRETS_MANAGER_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration SECRETS_MANAGER_CALL_TIMEOUT = Duration.ofSeconds(4);

    private static final Duration BASE_BACKOFF = Duration.ofMillis(50);
    private static final Duration THROTTLING_BASE_BACKOFF = Duration.ofMillis(200);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);

    public static AwsClients forConfig(GatekeeperConfig config) {
        SdkHttpClient http = backgroundHttpClient();
        SecretsManagerClient secrets = secretsManager(config, http);
        return new AwsClients(dynamoDb(config, http), secrets);
    }

    /** {@link #httpClient()}, being built on a thread of its own from now on (see the class comment). */
    public static SdkHttpClient backgroundHttpClient() {
        return BackgroundHttpClient.start();
    }

    /** The Secrets Manager client of the functions, over {@code http}. */
    public static SecretsManagerClient secretsManager(GatekeeperConfig config, SdkHttpClient http) {
        SecretsManagerClientBuilder secrets = SecretsManagerClient.builder().httpClient(http)
                .region(Region.of(config.region())).overrideConfiguration(secretsManagerCalls());
        config.awsEndpoint().ifPresent(secrets::endpointOverride);
        return secrets.build();
    }

    /** The DynamoDB client of the functions, over {@code http}. */
    public static DynamoDbClient dynamoDb(GatekeeperConfig config, SdkHttpClient http) {
        DynamoDbClientBuilder dynamo = DynamoDbClient.builder().httpClient(http)
                .region(Region.of(config.region())).overrideConfiguration(dynamoDbCalls());
        config.awsEndpoint().ifPresent(dynamo::endpointOverride);
        return dynamo.build();
    }

    /** The HTTP client every SDK client of the functions uses, with the connection timeout set here. */
    public static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.builder().connectionTimeout(CONNECTION_TIMEOUT).build();
    }

    /** Retries and timeouts of every DynamoDB call; public so tests build their clients the same way. */
    public static ClientOverrideConfiguration dynamoDbCalls() {
        return calls(DYNAMODB_ATTEMPT_TIMEOUT, DYNAMODB_CALL_TIMEOUT);
    }

    /** Retries and timeouts of every Secrets Manager call. */
    public static ClientOverrideConfiguration secretsManagerCalls() {
        return calls(SECRETS_MANAGER_ATTEMPT_TIMEOUT, SECRETS_MANAGER_CALL_TIMEOUT);
    }

    private static ClientOverrideConfiguration calls(Duration attemptTimeout, Duration callTimeout) {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .backoffStrategy(BackoffStrategy.exponentialDelay(BASE_BACKOFF, MAX_BACKOFF))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(THROTTLING_BASE_BACKOFF, MAX_BACKOFF))
                        .build())
                .apiCallAttemptTimeout(attemptTimeout)
                .apiCallTimeout(callTimeout)
                .build();
    }

    /**
     * {@link #httpClient()}, built on a thread of its own from the moment this is created; every use waits for it.
     * The SDK clients only hold it while they are built (they ask for nothing but its name, answered without
     * waiting), so the two builds overlap. A failure to build it is thrown from the first request, as the SDK
     * client's own failure would have been at startup.
     */
    static final class BackgroundHttpClient implements SdkHttpClient {
        private final CompletableFuture<SdkHttpClient> client;

        private BackgroundHttpClient(CompletableFuture<SdkHttpClient> client) {
            this.client = client;
        }

        static BackgroundHttpClient start() {
            CompletableFuture<SdkHttpClient> client = new CompletableFuture<>();
            Thread builder = new Thread(() -> {
                try {
                    client.complete(httpClient());
                } catch (Throwable e) {
                    client.completeExceptionally(e);
                }
            }, "gatekeeper-http-client");
            builder.setDaemon(true);
            builder.start();
            return new BackgroundHttpClient(client);
        }

        private SdkHttpClient client() {
            try {
                return client.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return client().prepareRequest(request);
        }

        @Override
        public String clientName() {
            // What UrlConnectionHttpClient answers; asked while the SDK clients are built, so it must not wait.
            return "UrlConnection";
        }

        @Override
        public void close() {
            client().close();
        }
    }
}
