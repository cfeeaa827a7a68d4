package dev.gatekeeper.config;

import dev.gatekeeper.adapter.dynamodb.DynamoDbTokenStore;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.token.TokenSettings;
import dev.gatekeeper.observability.EmfMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deployment settings, read once from the function's environment (set by template.yaml).
 *
 * @param signingKeySecretId the private key set, for a function that signs tokens ({@code SIGNING_KEY_SECRET_ARN})
 * @param publicKeySecretId  the public key set, for a function that only verifies tokens or publishes the JWKS
 *                           ({@code PUBLIC_KEY_SECRET_ARN}); exactly one of the two is present
 * @param awsEndpoint      an emulator endpoint (DynamoDB Local, moto, LocalStack) for both clients; empty in AWS
 * @param metricsNamespace the CloudWatch namespace of the service's metrics
 * @param auditRetention   how long an audit record is kept before DynamoDB TTL removes it
 * @param signingAlgorithm the algorithm of new signing keys (rotation, the local runner's first key); signing and
 *                         verification follow each key's own algorithm whatever this says
 */
public record GatekeeperConfig(
        String tableName,
        Optional<String> signingKeySecretId,
        Optional<String> publicKeySecretId,
        TokenSettings tokenSettings,
        Duration tokenRetention,
        Duration signingKeyMaxAge,
        Optional<URI> awsEndpoint,
        String region,
        String metricsNamespace,
        Duration auditRetention,
        SigningAlgorithm signingAlgorithm) {

    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String SIGNING_KEY_SECRET_ARN = "SIGNING_KEY_SECRET_ARN";
    public static final String PUBLIC_KEY_SECRET_ARN = "PUBLIC_KEY_SECRET_ARN";
    public static final String TOKEN_ISSUER = "TOKEN_ISSUER";
    public static final String TOKEN_AUDIENCE = "TOKEN_AUDIENCE";
    public static final String TOKEN_RETENTION_DAYS = "TOKEN_RETENTION_DAYS";
    public static final String SIGNING_KEY_CACHE_SECONDS = "SIGNING_KEY_CACHE_SECONDS";
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";
    public static final String AWS_REGION = "AWS_REGION";
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    public static final String AUDIT_RETENTION_DAYS = "AUDIT_RETENTION_DAYS";
    public static final String SIGNING_ALGORITHM = "SIGNING_ALGORITHM";

    /** Fails at container start, naming every missing variable, rather than on some later request. */
    public static GatekeeperConfig fromEnvironment(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String required : List.of(TABLE_NAME, TOKEN_ISSUER, TOKEN_AUDIENCE)) {
            if (blank(env.get(required))) {
                missing.add(required);
            }
        }
        Optional<String> signingKeys = Optional.ofNullable(env.get(SIGNING_KEY_SECRET_ARN)).filter(s -> !s.isBlank());
        Optional<String> publicKeys = Optional.ofNullable(env.get(PUBLIC_KEY_SECRET_ARN)).filter(s -> !s.isBlank());
        if (signingKeys.isEmpty() && publicKeys.isEmpty()) {
            missing.add(SIGNING_KEY_SECRET_ARN + " or " + PUBLIC_KEY_SECRET_ARN);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Missing environment variables: " + String.join(", ", missing));
        }
        if (signingKeys.isPresent() && publicKeys.isPresent()) {
            // A function that signs reads the private set and verifies with its public halves; one that only
            // verifies must not be able to read the private set at all. Neither needs both.
            throw new IllegalStateException("Set either " + SIGNING_KEY_SECRET_ARN + " (a function that signs tokens) or "
                    + PUBLIC_KEY_SECRET_ARN + " (a function that only verifies them), not both");
        }
        List<String> audience = Arrays.stream(env.get(TOKEN_AUDIENCE).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        Duration signingKeyMaxAge = Duration.ofSeconds(positive(env, SIGNING_KEY_CACHE_SECONDS, 300));
        Duration longestCache = KeyRetention.SIGNING_GRACE.minus(KeyRetention.PENDING_MAX_AGE);
        if (signingKeyMaxAge.compareTo(longestCache) >= 0) {
            // A container signs with a replaced key until its cache reloads, after a rotation that may finish up to
            // PENDING_MAX_AGE after it recorded the key's end of signing; rotation keeps keys for the longest token
            // lifetime plus SIGNING_GRACE after that record, so a longer cache could outlive the key.
            throw new IllegalStateException(SIGNING_KEY_CACHE_SECONDS + " must be less than "
                    + longestCache.toSeconds() + " (the grace rotation keeps replaced keys for, less the time a"
                    + " rotation may take to finish)");
        }
        return new GatekeeperConfig(
                env.get(TABLE_NAME),
                signingKeys,
                publicKeys,
                TokenSettings.gatekeeperDefaults(env.get(TOKEN_ISSUER), audience),
                Duration.ofDays(positive(env, TOKEN_RETENTION_DAYS, 30)),
                signingKeyMaxAge,
                Optional.ofNullable(env.get(AWS_ENDPOINT_URL)).filter(s -> !s.isBlank()).map(URI::create),
                Optional.ofNullable(env.get(AWS_REGION)).filter(s -> !s.isBlank()).orElse("us-east-1"),
                Optional.ofNullable(env.get(METRICS_NAMESPACE)).map(String::trim).filter(s -> !s.isEmpty())
                        .orElse(EmfMetrics.DEFAULT_NAMESPACE),
                auditRetention(env),
                // Checked in every function, not only where keys are made: a typo fails the deployment's first
                // invocations loudly instead of waiting for the next rotation.
                SigningAlgorithm.configured(SIGNING_ALGORITHM, env.get(SIGNING_ALGORITHM)));
    }

    /**
     * {@value #AUDIT_RETENTION_DAYS} as the functions read it (the admin CLI too, so that its records last as long):
     * a positive whole number of days, the stack's default when unset.
     *
     * @throws IllegalStateException for anything else
     */
    public static Duration auditRetention(Map<String, String> env) {
        return Duration.ofDays(positive(env, AUDIT_RETENTION_DAYS, DynamoDbTokenStore.DEFAULT_AUDIT_RETENTION.toDays()));
    }

    private static long positive(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (blank(value)) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException(name + " must be a positive whole number");
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
