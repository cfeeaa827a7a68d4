package dev.gatekeeper.core.keys;

import dev.gatekeeper.core.error.GatekeeperException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's cache of one key set, private or public. Keys are loaded once and reused; they are reloaded when
 * older than {@code maxAge} (so a rotation reaches every container) or when a token names an unknown {@code kid}.
 * Reloads for unknown kids are rate-limited, so a flood of forged kids cannot turn into a flood of Secrets Manager
 * calls. If no keys can be loaded the service fails closed with 503.
 */
final class KeyCache<S> {
    private static final Logger LOG = LoggerFactory.getLogger(KeyCache.class);

    private final KeySource<S> source;
    private final Function<S, VerificationKeySet> publicHalves;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRefreshInterval;

    private volatile S cached;
    private volatile Instant loadedAt = Instant.MIN;

    KeyCache(KeySource<S> source, Function<S, VerificationKeySet> publicHalves, Clock clock, Duration maxAge,
             Duration minRefreshInterval) {
        this.source = source;
        this.publicHalves = publicHalves;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRefreshInterval = minRefreshInterval;
    }

    Duration maxAge() {
        return maxAge;
    }

    S current() {
        S keys = cached;
        if (keys == null || clock.instant().isAfter(loadedAt.plus(maxAge))) {
            keys = reload(keys);
        }
        return keys;
    }

    Optional<VerificationKey> verificationKey(String kid) {
        S keys = current();
        Optional<VerificationKey> key = publicHalves.apply(keys).find(kid);
        if (key.isPresent()) {
            return key;
        }
        if (clock.instant().isBefore(loadedAt.plus(minRefreshInterval))) {
            return Optional.empty();
        }
        return publicHalves.apply(reload(keys)).find(kid);
    }

    private synchronized S reload(S seen) {
        if (cached != seen && cached != null) {
            return cached; // another thread reloaded while we waited
        }
        try {
            S fresh = source.load();
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
    private S keepOrFail(RuntimeException cause) {
        if (cached != null && !(cause instanceof InvalidSigningKeysException)) {
            loadedAt = clock.instant();
            return cached;
        }
        throw GatekeeperException.unavailable("Signing keys are unavailable", cause);
    }
}
