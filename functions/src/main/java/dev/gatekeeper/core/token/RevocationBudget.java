package dev.gatekeeper.core.token;

import java.time.Duration;

/**
 * What one revocation may spend on the tokens minted below the revoked token: a number of steps (see
 * {@link TokenStore#revokeMintedWith}) and, in a request, a time, whichever runs out first. The time is there because
 * steps do not count every round trip and round trips are slow when the table is: a walk that ran into the function's
 * timeout would end in a 502 with no response, no metric and nothing saying more remain.
 */
public final class RevocationBudget {
    private final int steps;
    private final long deadlineNanos;
    private final boolean timed;

    private RevocationBudget(int steps, long deadlineNanos, boolean timed) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must not be negative: " + steps);
        }
        this.steps = steps;
        this.deadlineNanos = deadlineNanos;
        this.timed = timed;
    }

    /** At most {@code steps} steps, however long they take (the admin CLI, which has no timeout). */
    public static RevocationBudget ofSteps(int steps) {
        return new RevocationBudget(steps, 0, false);
    }

    /** At most {@code steps} steps, and no step begun once {@code time} from now has passed. */
    public static RevocationBudget of(int steps, Duration time) {
        // Measured on the monotonic clock: the wall clock may be a test's fixed one, or step backwards.
        return new RevocationBudget(steps, System.nanoTime() + Math.max(0, time.toNanos()), true);
    }

    /** Whether another step may begin after {@code taken} steps. */
    public boolean allowsAnotherStep(long taken) {
        return taken < steps && (!timed || System.nanoTime() - deadlineNanos < 0);
    }
}
