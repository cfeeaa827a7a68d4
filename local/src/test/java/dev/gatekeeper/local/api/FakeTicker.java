package dev.gatekeeper.local.api;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test moves it. */
final class FakeTicker implements LongSupplier {
    private long nanos = 1_000_000_000L;

    @Override
    public synchronized long getAsLong() {
        return nanos;
    }

    synchronized void advanceMillis(long millis) {
        nanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
