package dev.gatekeeper.bench.warm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long the warm-latency benchmark runs, from environment variables. The defaults keep a whole run (JMH under two
 * flag sets, two harness passes) under five minutes on a 2-core machine: each handler series stops at its call count
 * or its time cap, whichever comes first, and the report gives the number of calls behind every percentile. At the
 * defaults the slow series (issuing under C1 only) get a few hundred calls, so their p99.9 is among their slowest
 * few; {@code WARM_SECONDS=30} gives them thousands.
 *
 * @param handlerWarmup        untimed calls before each series ({@code WARM_WARMUP})
 * @param handlerIterations    timed calls per series at most ({@code WARM_ITERATIONS})
 * @param handlerWarmupSeconds cap on each warm-up ({@code WARM_WARMUP_SECONDS})
 * @param handlerSeconds       cap on each timed series ({@code WARM_SECONDS})
 * @param passes               harness passes to run, of {@code lambda} and {@code c2} ({@code WARM_PASSES})
 */
record WarmSettings(int handlerWarmup, int handlerIterations, double handlerWarmupSeconds, double handlerSeconds,
                    List<String> passes, int jmhWarmupIterations, int jmhWarmupSeconds, int jmhIterations,
                    int jmhSeconds, int jmhForks) {

    static final WarmSettings DEFAULTS = new WarmSettings(2_000, 20_000, 2, 5, List.of("lambda", "c2"), 3, 1, 4, 1, 1);

    static WarmSettings fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new WarmSettings(
                integer(env, "WARM_WARMUP", DEFAULTS.handlerWarmup()),
                integer(env, "WARM_ITERATIONS", DEFAULTS.handlerIterations()),
                decimal(env, "WARM_WARMUP_SECONDS", DEFAULTS.handlerWarmupSeconds()),
                decimal(env, "WARM_SECONDS", DEFAULTS.handlerSeconds()),
                passes(env.getOrDefault("WARM_PASSES", String.join(",", DEFAULTS.passes()))),
                integer(env, "WARM_JMH_WARMUP_ITERATIONS", DEFAULTS.jmhWarmupIterations()),
                integer(env, "WARM_JMH_WARMUP_SECONDS", DEFAULTS.jmhWarmupSeconds()),
                integer(env, "WARM_JMH_ITERATIONS", DEFAULTS.jmhIterations()),
                integer(env, "WARM_JMH_SECONDS", DEFAULTS.jmhSeconds()),
                integer(env, "WARM_JMH_FORKS", DEFAULTS.jmhForks()));
    }

    /** JMH is skipped with {@code WARM_JMH_ITERATIONS=0}, the harness with {@code WARM_PASSES=none}. */
    boolean runsJmh() {
        return jmhIterations > 0 && jmhForks > 0;
    }

    /** Fewer calls or less time than the defaults anywhere: the report then says it is a smoke run. */
    boolean reduced() {
        return handlerWarmup < DEFAULTS.handlerWarmup || handlerIterations < DEFAULTS.handlerIterations
                || handlerWarmupSeconds < DEFAULTS.handlerWarmupSeconds || handlerSeconds < DEFAULTS.handlerSeconds
                || !passes.containsAll(DEFAULTS.passes) || jmhWarmupIterations < DEFAULTS.jmhWarmupIterations
                || jmhWarmupSeconds < DEFAULTS.jmhWarmupSeconds || jmhIterations < DEFAULTS.jmhIterations
                || jmhSeconds < DEFAULTS.jmhSeconds || jmhForks < DEFAULTS.jmhForks;
    }

    /** The variables that differ from the defaults, as a command prefix ({@code WARM_SECONDS=30 ...}). */
    String overrides() {
        List<String> set = new ArrayList<>();
        for (String name : List.of("WARM_WARMUP", "WARM_ITERATIONS", "WARM_WARMUP_SECONDS", "WARM_SECONDS",
                "WARM_PASSES", "WARM_JMH_WARMUP_ITERATIONS", "WARM_JMH_WARMUP_SECONDS", "WARM_JMH_ITERATIONS",
                "WARM_JMH_SECONDS", "WARM_JMH_FORKS")) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                set.add(name + "=" + value.strip());
            }
        }
        return set.isEmpty() ? "" : String.join(" ", set) + " ";
    }

    /** Arguments for the harness JVM, which reads its settings from them rather than from its environment. */
    List<String> harnessArguments() {
        return List.of(Integer.toString(handlerWarmup), Integer.toString(handlerIterations),
                Double.toString(handlerWarmupSeconds), Double.toString(handlerSeconds));
    }

    static WarmSettings forHarness(String[] args, int offset) {
        return new WarmSettings(Integer.parseInt(args[offset]), Integer.parseInt(args[offset + 1]),
                Double.parseDouble(args[offset + 2]), Double.parseDouble(args[offset + 3]), List.of(), 0, 0, 0, 0, 0);
    }

    private static List<String> passes(String value) {
        if (value.isBlank() || value.strip().equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> passes = Arrays.stream(value.split(",")).map(s -> s.strip().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).toList();
        for (String pass : passes) {
            if (!pass.equals("lambda") && !pass.equals("c2")) {
                throw new IllegalArgumentException("WARM_PASSES: unknown pass " + pass + " (lambda, c2 or none)");
            }
        }
        return passes;
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }

    private static double decimal(Map<String, String> env, String name, double fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : Double.parseDouble(value.strip());
    }
}
