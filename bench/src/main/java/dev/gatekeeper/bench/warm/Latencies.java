package dev.gatekeeper.bench.warm;

import java.util.Arrays;

/**
 * The spread of one series of sequential calls, in nanoseconds. Percentiles are nearest-rank on the full sample (no
 * histogram, no interpolation): p99.9 of 20 000 calls is the 20th slowest call.
 */
record Latencies(int n, long p50, long p99, long p999, long max, double mean) {

    static Latencies of(long[] nanos, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        double sum = 0;
        for (long value : sorted) {
            sum += value;
        }
        return new Latencies(count, rank(sorted, 0.50), rank(sorted, 0.99), rank(sorted, 0.999), sorted[count - 1],
                sum / count);
    }

    private static long rank(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
