package dev.gatekeeper.bench.warm;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the AWS SDK calls a handler makes per request, by operation (GetItem, TransactWriteItems, ...), so the
 * report can say which round trips a handler's latency contains and add up their bare cost.
 *
 * <p>Registered as an SDK <em>global</em> interceptor: the harness JVM's class path starts with a directory holding
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} naming this class, and the SDK adds every
 * class listed there to every client it builds. So the handlers keep the exact DynamoDB client
 * {@code AwsClients.forConfig} builds for Lambda; no other benchmark JVM has that directory. Counting costs a map
 * lookup and an add per SDK call, nanoseconds against a round trip of a few hundred microseconds.
 */
public final class SdkCallCounter implements ExecutionInterceptor {
    /** Path of the SDK's global interceptor list inside a class path entry. */
    static final String GLOBAL_INTERCEPTORS = "software/amazon/awssdk/global/handlers/execution.interceptors";

    /** What was counted since the last {@link #drain()}, by operation name. */
    record Counts(Map<String, Long> calls, Map<String, Long> attempts, Map<String, Long> nanos) {
    }

    /** Calls by operation. */
    private static final Map<String, LongAdder> CALLS = new ConcurrentHashMap<>();
    /** HTTP attempts by operation: more than the calls when the SDK retried (after an error or a timeout). */
    private static final Map<String, LongAdder> ATTEMPTS = new ConcurrentHashMap<>();
    /** Wall time inside the calls by operation: marshalling, round trip, unmarshalling, retries. */
    private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("gatekeeperBenchStarted");
    /** Only calls made while the harness times a request are counted (not its untimed preparation). */
    private static volatile boolean recording;
    private static volatile boolean loaded;

    public SdkCallCounter() {
        loaded = true;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (recording) {
            add(ATTEMPTS, attributes, 1);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        finished(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        finished(attributes);
    }

    private static void finished(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        if (recording) {
            add(CALLS, attributes, 1);
            if (started != null) {
                add(NANOS, attributes, System.nanoTime() - started);
            }
        }
    }

    private static void add(Map<String, LongAdder> counters, ExecutionAttributes attributes, long value) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counters.computeIfAbsent(operation == null ? "?" : operation, key -> new LongAdder()).add(value);
    }

    static void recording(boolean on) {
        recording = on;
    }

    /** True once the SDK has instantiated the interceptor, i.e. the global registration works. */
    static boolean loaded() {
        return loaded;
    }

    /** What was counted since the last call, and resets. */
    static Counts drain() {
        return new Counts(drain(CALLS), drain(ATTEMPTS), drain(NANOS));
    }

    private static Map<String, Long> drain(Map<String, LongAdder> counters) {
        Map<String, Long> snapshot = new TreeMap<>();
        counters.forEach((operation, adder) -> {
            long value = adder.sumThenReset();
            if (value > 0) {
                snapshot.put(operation, value);
            }
        });
        return snapshot;
    }
}
