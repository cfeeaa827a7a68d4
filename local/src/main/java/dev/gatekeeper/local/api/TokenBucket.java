package dev.gatekeeper.local.api;

import java.util.function.LongSupplier;

/**
 * API Gateway's throttling algorithm: a bucket of {@code burst} tokens, full at first, refilled at {@code rate}
 * tokens a second and never beyond {@code burst}; each request takes one token or is refused. Thread-safe.
 */
final class TokenBucket {
    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double rate;
    private final int burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    /**
     * @param rate     tokens added per second
     * @param burst    the most tokens the bucket holds
     * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their own)
     */
    TokenBucket(double rate, int burst, LongSupplier nanoTime) {
        if (!(rate > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be above 0 and burst at least 1, not " + rate + " and " + burst);
        }
        this.rate = rate;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Takes a token: 0 if there was one, else the nanoseconds until there will be one (nothing is taken). */
    synchronized long tryAcquire() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / rate * NANOS_PER_SECOND));
    }

    /** Gives back a token taken for a request that another limiter then refused. */
    synchronized void refund() {
        tokens = Math.min(burst, tokens + 1);
    }

    /** Whether the bucket has refilled completely: forgetting it would change nothing. */
    synchronized boolean isFull() {
        refill();
        return tokens >= burst;
    }

    /** Tokens available now (fractions are a token refilling). */
    synchronized double available() {
        refill();
        return tokens;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed / NANOS_PER_SECOND * rate);
            refilledAt = now;
        }
    }
}
