package dev.gatekeeper.core.keys;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The container's cache of the private signing keys (see {@link KeyCache} for when it reloads): only in the functions
 * that sign tokens. They verify bearer tokens with the public halves of the same set.
 */
public final class SigningKeys implements VerificationKeys {
    private final KeyCache<SigningKeySet> cache;

    public SigningKeys(SigningKeySource source, Clock clock, Duration maxAge, Duration minRefreshInterval) {
        this.cache = new KeyCache<>(source, SigningKeySet::verificationKeys, clock, maxAge, minRefreshInterval);
    }

    @Override
    public Duration maxAge() {
        return cache.maxAge();
    }

    /** The key set, loaded on first use and reloaded once it is older than {@code maxAge}. */
    public SigningKeySet current() {
        return cache.current();
    }

    @Override
    public VerificationKeySet publicKeys() {
        return cache.current().verificationKeys();
    }

    /** The key for a {@code kid}; an unknown kid triggers at most one reload per {@code minRefreshInterval}. */
    @Override
    public Optional<VerificationKey> verificationKey(String kid) {
        return cache.verificationKey(kid);
    }
}
