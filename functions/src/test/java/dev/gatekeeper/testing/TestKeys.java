package dev.gatekeeper.testing;

import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import java.time.Instant;
import java.util.List;

/** RSA keys are slow to generate, so tests share a few made once per JVM. */
public final class TestKeys {
    public static final SigningKey FIRST = SigningKeySetJson.generateKey(SigningAlgorithm.RS256,
            Instant.parse("2026-01-01T00:00:00Z"));
    public static final SigningKey SECOND = SigningKeySetJson.generateKey(SigningAlgorithm.RS256,
            Instant.parse("2026-02-01T00:00:00Z"));
    /** An ES256 (EC P-256) key, as a deployment with {@code SigningAlgorithm=ES256} makes. */
    public static final SigningKey EC_FIRST = SigningKeySetJson.generateKey(SigningAlgorithm.ES256,
            Instant.parse("2026-03-01T00:00:00Z"));
    public static final SigningKey EC_SECOND = SigningKeySetJson.generateKey(SigningAlgorithm.ES256,
            Instant.parse("2026-04-01T00:00:00Z"));

    private TestKeys() {
    }

    public static SigningKeySet only(SigningKey key) {
        return new SigningKeySet(key, List.of());
    }

    public static SigningKeySet rotated() {
        return new SigningKeySet(SECOND, List.of(FIRST));
    }
}
