package dev.gatekeeper.core.keys;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The container's cache of the public key set (see {@link KeyCache} for when it reloads): all that a function which
 * only verifies tokens or publishes the JWKS holds. Nothing reachable from it can sign.
 */
public final class PublicKeys implements VerificationKeys {
    private final KeyCache<VerificationKeySet> cache;

    public PublicKeys(PublicKeySource source, Clock clock, Duration maxAge, Duration minRefreshInterval) {
        this.cache = new KeyCache<>(source, keys -> keys, clock, maxAge, minRefreshInterval);
    }

    @Override
    public Duration maxAge() {
        return cache.maxAge();
    }

    @Override
    public VerificationKeySet publicKeys() {
        return cache.current();
    }

    /** The key for a {@code kid}; an unknown kid triggers at most one reload per {@code minRefreshInterval}. */
    @Override
    public Optional<VerificationKey> verificationKey(String kid) {
        return cache.verificationKey(kid);
    }
}
