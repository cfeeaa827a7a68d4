package dev.gatekeeper.core.token;

import java.util.List;
import java.util.Objects;

/**
 * The rules of issued tokens, set per deployment.
 *
 * @param issuer   the {@code iss} claim, and what verification requires
 * @param audience the {@code aud} claim; verification requires the first entry
 */
public record TokenSettings(String issuer, List<String> audience, int defaultExpiresInSeconds,
                            int minExpiresInSeconds, int maxExpiresInSeconds) {
    public static final int GATEKEEPER_DEFAULT_EXPIRES_IN = 10;
    public static final int GATEKEEPER_MIN_EXPIRES_IN = 10;
    public static final int GATEKEEPER_MAX_EXPIRES_IN = 31_556_926;

    public TokenSettings {
        Objects.requireNonNull(issuer, "issuer");
        audience = List.copyOf(audience);
        if (audience.isEmpty()) {
            throw new IllegalArgumentException("at least one audience is required");
        }
    }

    public static TokenSettings gatekeeperDefaults(String issuer, List<String> audience) {
        return new TokenSettings(issuer, audience, GATEKEEPER_DEFAULT_EXPIRES_IN, GATEKEEPER_MIN_EXPIRES_IN,
                GATEKEEPER_MAX_EXPIRES_IN);
    }
}
