package dev.gatekeeper.bench.throughput;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;

/**
 * One closed-loop load point: {@code concurrency} workers, each on its own keep-alive connection, each sending its
 * next request as soon as the previous one is answered, for a warm-up and then a measured window. A request counts
 * in the window it completes in; latency is from just before the request is written to the end of its response.
 */
final class LoadPoint {

    /** What the workers send. */
    interface Workload {
        /** The next request of this worker, as bytes; null when there is nothing left to send (a spent pool). */
        byte[] next(int worker);

        /** Whether {@link #succeeded} needs the response body. */
        default boolean keepBody() {
            return false;
        }

        /** The status a correct answer has; anything else is an error. */
        int expectedStatus();

        /** Called for every correct answer, warm-up and stragglers included. */
        default void succeeded(byte[] body) {
        }
    }

    /** The runner's CPU counters, read at the window's edges only. */
    interface CpuProbe {
        CpuProbe NONE = new CpuProbe() {
            @Override
            public long totalNanos() {
                return -1;
            }

            @Override
            public Map<String, Long> nanosByThreadGroup() {
                return Map.of();
            }
        };

        /** The process's CPU time so far; -1 if unknown. */
        long totalNanos();

        /** The same per group of threads; empty if unknown. */
        Map<String, Long> nanosByThreadGroup();
    }

    /**
     * @param requests      correct or not, completed in the measured window
     * @param errors        completed in the measured window with another status, or failed (status -1)
     * @param allErrors     the same over the whole point, warm-up included
     * @param statuses      status → count in the measured window
     * @param latenciesNanos sorted, of the requests completed in the measured window
     * @param exhausted     set if the workload ran out before the window ended (the window was cut short)
     * @param runnerCpu     the runner's CPU time in the window, if it could be read
     * @param driverCpu     this process's CPU time in the window
     * @param runnerCpuByThreadGroup the runner's CPU time in the window per group of its threads
     */
    record Result(int concurrency, Duration window, long requests, long errors, long allErrors,
                  TreeMap<Integer, Long> statuses, long[] latenciesNanos, boolean exhausted,
                  Optional<Duration> runnerCpu, Optional<Duration> driverCpu, Map<String, Long> runnerCpuByThreadGroup,
                  Optional<String> firstError) {
        double perSecond() {
            return window.toNanos() == 0 ? 0 : requests / (window.toNanos() / 1e9);
        }

        /** Nearest-rank percentile, in milliseconds; NaN if nothing completed. */
        double percentileMillis(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * latenciesNanos.length);
            return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, rank - 1))] / 1e6;
        }

        double maxMillis() {
            return latenciesNanos.length == 0 ? Double.NaN : latenciesNanos[latenciesNanos.length - 1] / 1e6;
        }

        /** CPU time over wall time: how many cores the process kept busy on average. */
        static double cores(Optional<Duration> cpu, Duration window) {
            return cpu.map(value -> window.toNanos() == 0 ? Double.NaN : (double) value.toNanos() / window.toNanos())
                    .orElse(Double.NaN);
        }
    }

    private LoadPoint() {
    }

    /**
     * Runs the point and returns its figures.
     *
     * @param runnerCpu the runner's CPU counters
     */
    static Result run(int port, int concurrency, Duration warmUp, Duration measured, Workload workload,
                      CpuProbe runnerCpu) throws InterruptedException {
        long start = System.nanoTime();
        long measureStart = start + warmUp.toNanos();
        long end = measureStart + measured.toNanos();
        Worker[] workers = new Worker[concurrency];
        CountDownLatch finished = new CountDownLatch(concurrency);
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong exhaustedAt = new AtomicLong(Long.MAX_VALUE);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Worker worker = new Worker(i, port, workload, measureStart, end, firstError, exhaustedAt);
            workers[i] = worker;
            Thread thread = new Thread(() -> {
                try {
                    worker.run();
                } finally {
                    finished.countDown();
                }
            }, "load-" + concurrency + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);

        // The window's edges: CPU counters are read here, by this thread, twice per point.
        sleepUntil(measureStart, finished);
        long windowStart = System.nanoTime();
        long runnerBefore = runnerCpu.totalNanos();
        Map<String, Long> groupsBefore = runnerCpu.nanosByThreadGroup();
        long driverBefore = driverCpuNanos();
        sleepUntil(end, finished);
        long windowEnd = Math.min(System.nanoTime(), end);
        if (exhaustedAt.get() != Long.MAX_VALUE) {
            windowEnd = Math.max(windowStart, Math.min(windowEnd, exhaustedAt.get()));
        }
        long runnerAfter = runnerCpu.totalNanos();
        Map<String, Long> groupsAfter = runnerCpu.nanosByThreadGroup();
        long driverAfter = driverCpuNanos();
        TreeMap<String, Long> groups = new TreeMap<>();
        groupsAfter.forEach((group, nanos) -> groups.put(group, nanos - groupsBefore.getOrDefault(group, 0L)));
        if (!finished.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the workers of the " + concurrency + "-worker point did not stop");
        }

        long requests = 0;
        long errors = 0;
        long allErrors = 0;
        TreeMap<Integer, Long> statuses = new TreeMap<>();
        int total = 0;
        for (Worker worker : workers) {
            requests += worker.measuredRequests;
            errors += worker.measuredErrors;
            allErrors += worker.allErrors;
            total += worker.latencyCount;
            for (int status = 0; status < worker.statusCounts.length; status++) {
                if (worker.statusCounts[status] > 0) {
                    statuses.merge(status == 0 ? -1 : status, worker.statusCounts[status], Long::sum);
                }
            }
        }
        long[] latencies = new long[total];
        int at = 0;
        for (Worker worker : workers) {
            System.arraycopy(worker.latencies, 0, latencies, at, worker.latencyCount);
            at += worker.latencyCount;
        }
        Arrays.sort(latencies);
        Duration window = Duration.ofNanos(Math.max(0, windowEnd - windowStart));
        return new Result(concurrency, window, requests, errors, allErrors, statuses, latencies,
                exhaustedAt.get() != Long.MAX_VALUE,
                runnerBefore < 0 || runnerAfter < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(runnerAfter - runnerBefore)),
                driverBefore < 0 || driverAfter < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(driverAfter - driverBefore)),
                groups, Optional.ofNullable(firstError.get()));
    }

    static long driverCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static void sleepUntil(long deadline, CountDownLatch finished) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left > 0) {
            finished.await(left, TimeUnit.NANOSECONDS);
        }
    }

    /** One closed loop. Its fields are read by the coordinator only after the thread has ended. */
    private static final class Worker {
        private final int index;
        private final int port;
        private final Workload workload;
        private final long measureStart;
        private final long end;
        private final AtomicReference<String> firstError;
        private final AtomicLong exhaustedAt;
        long[] latencies = new long[4096];
        int latencyCount;
        long measuredRequests;
        long measuredErrors;
        long allErrors;
        /** Index 0 holds failures without a status (connection errors). */
        final long[] statusCounts = new long[1000];

        Worker(int index, int port, Workload workload, long measureStart, long end, AtomicReference<String> firstError,
               AtomicLong exhaustedAt) {
            this.index = index;
            this.port = port;
            this.workload = workload;
            this.measureStart = measureStart;
            this.end = end;
            this.firstError = firstError;
            this.exhaustedAt = exhaustedAt;
        }

        void run() {
            boolean keepBody = workload.keepBody();
            int expected = workload.expectedStatus();
            try (HttpConnection connection = new HttpConnection(port)) {
                while (true) {
                    long sent = System.nanoTime();
                    if (sent >= end) {
                        return;
                    }
                    byte[] request = workload.next(index);
                    if (request == null) {
                        exhaustedAt.accumulateAndGet(sent, Math::min);
                        return;
                    }
                    sent = System.nanoTime();
                    int status;
                    byte[] body = null;
                    String failure = null;
                    try {
                        HttpConnection.Response response = connection.exchange(request, keepBody, expected);
                        status = response.status();
                        body = response.body();
                        if (status != expected) {
                            failure = "HTTP " + status + ": " + abbreviate(response.text());
                        }
                    } catch (IOException | RuntimeException e) {
                        status = 0;
                        failure = e.toString();
                    }
                    long done = System.nanoTime();
                    boolean ok = status == expected;
                    if (ok) {
                        workload.succeeded(body);
                    } else {
                        allErrors++;
                        firstError.compareAndSet(null, failure);
                    }
                    if (done >= measureStart && done < end) {
                        measuredRequests++;
                        statusCounts[status]++;
                        if (!ok) {
                            measuredErrors++;
                        }
                        if (latencyCount == latencies.length) {
                            latencies = Arrays.copyOf(latencies, latencies.length * 2);
                        }
                        latencies[latencyCount++] = done - sent;
                    }
                }
            }
        }

        private static String abbreviate(String text) {
            String flat = text.replaceAll("\\s+", " ");
            return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
        }
    }
}
