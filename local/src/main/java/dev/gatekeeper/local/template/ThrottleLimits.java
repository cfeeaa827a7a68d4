package dev.gatekeeper.local.template;

/**
 * A throttle as API Gateway configures one: a steady {@code rate} in requests per second and a {@code burst} of
 * requests above it (the size of the token bucket).
 */
public record ThrottleLimits(double rate, int burst) {
    public ThrottleLimits {
        if (!(rate > 0) || burst < 1) {
            throw new IllegalArgumentException("a throttle needs a rate above 0 and a burst of at least 1, not rate "
                    + rate + " burst " + burst);
        }
    }

    @Override
    public String toString() {
        String perSecond = rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
        return perSecond + " requests/s, burst " + burst;
    }
}
