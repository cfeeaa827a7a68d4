package dev.gatekeeper.testing;

import com.nimbusds.jose.jwk.RSAKey;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import java.time.Instant;
import java.util.List;

/** RSA keys are slow to generate, so tests share a few made once per JVM. */
public final class TestKeys {
    public static final RSAKey FIRST = SigningKeySetJson.generateKey(Instant.parse("2026-01-01T00:00:00Z"));
    public static final RSAKey SECOND = SigningKeySetJson.generateKey(Instant.parse("2026-02-01T00:00:00Z"));

    private TestKeys() {
    }

    public static SigningKeySet only(RSAKey key) {
        return new SigningKeySet(key, List.of());
    }

    public static SigningKeySet rotated() {
        return new SigningKeySet(SECOND, List.of(FIRST));
    }
}
