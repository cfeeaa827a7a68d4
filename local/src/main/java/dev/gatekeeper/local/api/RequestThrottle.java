package dev.gatekeeper.local.api;

import dev.gatekeeper.local.template.ThrottleLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The gateway's throttling, before any function runs: first a token bucket per caller, then one for the whole
 * stage. The caller is its credential, the {@code Authorization} header, known here only by its SHA-256 (the raw
 * value is never kept): an API key is one organisation's, so one organisation's flood empties its own bucket and
 * no one else's. A request the caller's bucket admits then needs a token of the stage's; if the stage refuses it,
 * the caller's token is given back (a refused request costs nothing). Requests without credentials count only
 * against the stage, as deployed, where API Gateway's usage plans limit nothing that carries no API key.
 */
public final class RequestThrottle {
    /** Beyond this many callers' buckets, the full ones (idle long enough to have refilled) are forgotten. */
    private static final int MAX_TRACKED_CALLERS = 10_000;

    private final Optional<ThrottleLimits> perCaller;
    private final Optional<ThrottleLimits> stage;
    private final LongSupplier nanoTime;
    private final Optional<TokenBucket> stageBucket;
    private final Map<String, TokenBucket> callers = new ConcurrentHashMap<>();

    /**
     * @param perCaller the bucket each credential gets; empty for none
     * @param stage     the bucket all requests share; empty for none
     * @param nanoTime  a monotonic clock in nanoseconds
     */
    public RequestThrottle(Optional<ThrottleLimits> perCaller, Optional<ThrottleLimits> stage, LongSupplier nanoTime) {
        this.perCaller = perCaller;
        this.stage = stage;
        this.nanoTime = nanoTime;
        this.stageBucket = stage.map(limits -> new TokenBucket(limits.rate(), limits.burst(), nanoTime));
    }

    /** No throttling at all. */
    public static RequestThrottle none() {
        return new RequestThrottle(Optional.empty(), Optional.empty(), System::nanoTime);
    }

    public Optional<ThrottleLimits> perCaller() {
        return perCaller;
    }

    public Optional<ThrottleLimits> stage() {
        return stage;
    }

    /**
     * Admits a request or refuses it.
     *
     * @param authorization every value of the request's {@code Authorization} header (empty without one)
     * @return empty if admitted; else how long until the bucket that refused has a token again
     */
    public Optional<Duration> admit(List<String> authorization) {
        Optional<TokenBucket> caller = callerBucket(authorization);
        if (caller.isPresent()) {
            long wait = caller.get().tryAcquire();
            if (wait > 0) {
                return Optional.of(Duration.ofNanos(wait));
            }
        }
        if (stageBucket.isPresent()) {
            long wait = stageBucket.get().tryAcquire();
            if (wait > 0) {
                caller.ifPresent(TokenBucket::refund);
                return Optional.of(Duration.ofNanos(wait));
            }
        }
        return Optional.empty();
    }

    /** How many callers have a bucket now. */
    int trackedCallers() {
        return callers.size();
    }

    private Optional<TokenBucket> callerBucket(List<String> authorization) {
        if (perCaller.isEmpty() || authorization.isEmpty()) {
            return Optional.empty();
        }
        if (callers.size() >= MAX_TRACKED_CALLERS) {
            // Random credentials must not grow the map without bound; a full bucket is one nobody needs remembered.
            callers.values().removeIf(TokenBucket::isFull);
        }
        ThrottleLimits limits = perCaller.get();
        return Optional.of(callers.computeIfAbsent(fingerprint(authorization),
                key -> new TokenBucket(limits.rate(), limits.burst(), nanoTime)));
    }

    /** The SHA-256 of the header's values: the same credential, the same bucket; the credential itself is not kept. */
    private static String fingerprint(List<String> authorization) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(String.join("\n", authorization)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
