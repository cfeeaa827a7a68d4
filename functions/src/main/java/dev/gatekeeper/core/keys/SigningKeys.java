package dev.gatekeeper.core.keys;

import dev.gatekeeper.core.error.GatekeeperException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's cache of signing keys. Keys are loaded once and reused; they are reloaded when older than
 * {@code maxAge} (so a rotation reaches every container) or when a token names an unknown {@code kid}. Reloads for
 * unknown kids are rate-limited, so a flood of forged kids cannot turn into a flood of Secrets Manager calls.
 * If no keys can be loaded the service fails closed with 503.
 */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    private final SigningKeySource source;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRefreshInterval;

    private volatile SigningKeySet cached;
    private volatile Instant loadedAt = Instant.MIN;

    public SigningKeys(SigningKeySource source, Clock clock, Duration maxAge, Duration minRefreshInterval) {
        this.source = source;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRefreshInterval = minRefreshInterval;
    }

    /** How long a loaded key set is used before it is reloaded: how late a rotation reaches this container. */
    public Duration maxAge() {
        return maxAge;
    }

    /** The key set, loaded on first use and reloaded once it is older than {@code maxAge}. */
    public SigningKeySet current() {
        SigningKeySet keys = cached;
        if (keys == null || clock.instant().isAfter(loadedAt.plus(maxAge))) {
            keys = reload(keys);
        }
        return keys;
    }

    /** The key for a {@code kid}; an unknown kid triggers at most one reload per {@code minRefreshInterval}. */
    public Optional<SigningKey> verificationKey(String kid) {
        SigningKeySet keys = current();
        Optional<SigningKey> key = keys.find(kid);
        if (key.isPresent()) {
            return key;
        }
        if (clock.instant().isBefore(loadedAt.plus(minRefreshInterval))) {
            return Optional.empty();
        }
        return reload(keys).find(kid);
    }

    private synchronized SigningKeySet reload(SigningKeySet seen) {
        if (cached != seen && cached != null) {
            return cached; // another thread reloaded while we waited
        }
        try {
            SigningKeySet fresh = source.load();
            cached = fresh;
            loadedAt = clock.instant();
            return fresh;
        } catch (InvalidSigningKeysException e) {
            LOG.error("Signing keys are unusable: {}", e.getMessage());
            return keepOrFail(e);
        } catch (RuntimeException e) {
            LOG.error("Signing keys could not be loaded: {}", e.toString());
            return keepOrFail(e);
        }
    }

    /**
     * A failed periodic reload keeps the keys already in memory (they were valid a moment ago); with nothing in
     * memory there is nothing safe to sign or verify with, so the request fails closed.
     */
    private SigningKeySet keepOrFail(RuntimeException cause) {
        if (cached != null && !(cause instanceof InvalidSigningKeysException)) {
            loadedAt = clock.instant();
            return cached;
        }
        throw GatekeeperException.unavailable("Signing keys are unavailable", cause);
    }
}
