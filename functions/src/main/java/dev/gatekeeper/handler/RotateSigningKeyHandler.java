package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SecretsManagerRotationEvent;
import dev.gatekeeper.adapter.secretsmanager.SigningKeyRotation;
import dev.gatekeeper.config.AwsClients;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.observability.LogContext;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The rotation function of the signing key secret: Secrets Manager invokes it once per rotation step. It also writes
 * the public key secret ({@code PUBLIC_KEY_SECRET_ARN}), which the functions that only verify tokens read.
 *
 * <p>It keeps each key until no token it signed can be live: as long as the longest token Gatekeeper issues
 * ({@link KeyRetention#forGatekeeperTokens}) after the key stopped signing, with at most
 * {@code SIGNING_KEYS_MAX} keys. Given the schedule ({@code KEY_ROTATION_DAYS}), it refuses to start when that
 * schedule, with rotations a day early and room for a few extra ones ({@link KeyRetention#checkSchedule}), would need
 * more keys.
 */
public final class RotateSigningKeyHandler implements RequestHandler<SecretsManagerRotationEvent, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(RotateSigningKeyHandler.class);
    private static final String OPERATION = "rotateSigningKey";
    /** The most keys the signing key set may hold; {@link KeyRetention#DEFAULT_MAX_KEYS} when unset. */
    static final String SIGNING_KEYS_MAX = "SIGNING_KEYS_MAX";
    /** The rotation schedule's interval (the template's {@code KeyRotationDays}), to check against the limit. */
    static final String KEY_ROTATION_DAYS = "KEY_ROTATION_DAYS";

    private final SigningKeyRotation rotation;

    /** Used by Lambda: one client per container, configured from the function's environment. */
    public RotateSigningKeyHandler() {
        this(System.getenv());
    }

    RotateSigningKeyHandler(Map<String, String> environment) {
        this(new SigningKeyRotation(secretsManager(environment), Clock.systemUTC(), retention(environment),
                SigningAlgorithm.configured(GatekeeperConfig.SIGNING_ALGORITHM,
                        environment.get(GatekeeperConfig.SIGNING_ALGORITHM)),
                publicKeySecret(environment)));
    }

    public RotateSigningKeyHandler(SigningKeyRotation rotation) {
        this.rotation = Objects.requireNonNull(rotation, "rotation");
    }

    @Override
    public Void handleRequest(SecretsManagerRotationEvent event, Context context) {
        LogContext logContext = LogContext.open(OPERATION, null, context);
        try {
            LogContext.put("step", event.getStep());
            LOG.info("Rotation step {} of secret {}, version {}", event.getStep(), event.getSecretId(),
                    event.getClientRequestToken());
            try {
                rotation.rotate(event.getStep(), event.getSecretId(), event.getClientRequestToken());
            } catch (RuntimeException e) {
                // Thrown on, so Secrets Manager marks the rotation failed; logged here with the step it failed in.
                LogContext.put(LogContext.OUTCOME, "error");
                LOG.error("Rotation step {} failed", event.getStep(), e);
                throw e;
            }
            LogContext.put(LogContext.OUTCOME, "done");
            LOG.info("Rotation step {} done", event.getStep());
            return null;
        } finally {
            logContext.close();
        }
    }

    private static SecretsManagerClient secretsManager(Map<String, String> environment) {
        String region = environment.get("AWS_REGION");
        if (region == null || region.isBlank()) {
            throw new IllegalStateException("AWS_REGION is not set");
        }
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .region(Region.of(region))
                .httpClient(AwsClients.httpClient());
        String endpoint = environment.get("AWS_ENDPOINT_URL");
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    private static String publicKeySecret(Map<String, String> environment) {
        String value = environment.get(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN);
        if (value == null || value.isBlank()) {
            // Without it the verify-only functions would never learn a new key: refuse to rotate at all.
            throw new IllegalStateException(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN + " is not set");
        }
        return value;
    }

    /** The retention the environment asks for, checked against its rotation schedule. */
    static KeyRetention retention(Map<String, String> environment) {
        KeyRetention retention = KeyRetention.forGatekeeperTokens(
                positive(environment, SIGNING_KEYS_MAX, KeyRetention.DEFAULT_MAX_KEYS));
        int days = positive(environment, KEY_ROTATION_DAYS, 0);
        if (days > 0) {
            try {
                retention.checkSchedule(Duration.ofDays(days));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(KEY_ROTATION_DAYS + " and " + SIGNING_KEYS_MAX + " disagree: "
                        + e.getMessage(), e);
            }
        }
        return retention;
    }

    private static int positive(Map<String, String> environment, String name, int fallback) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(name + " must be a positive whole number, not " + value);
    }
}
