package dev.gatekeeper.config;

import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The SDK clients, built once per container and sharing one HTTP client. An endpoint override points both at an
 * emulator; credentials always come from the default chain (in Lambda, the function's role).
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
        SdkHttpClient http = ApacheHttpClient.builder().connectionTimeout(CONNECTION_TIMEOUT).build();
        Region region = Region.of(config.region());
        DynamoDbClientBuilder dynamo = DynamoDbClient.builder().httpClient(http).region(region)
                .overrideConfiguration(dynamoDbCalls());
        SecretsManagerClientBuilder secrets = SecretsManagerClient.builder().httpClient(http).region(region)
                .overrideConfiguration(secretsManagerCalls());
        config.awsEndpoint().ifPresent(endpoint -> {
            dynamo.endpointOverride(endpoint);
            secrets.endpointOverride(endpoint);
        });
        return new AwsClients(dynamo.build(), secrets.build());
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
}
