package dev.gatekeeper.bench.warm;

import dev.gatekeeper.bench.common.BenchSupport;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Warm latency (issue 7), driven from {@code scripts/bench-warm}: first {@link CorePathBenchmarks} with JMH, then
 * the {@link HandlerHarness} in a JVM of its own per pass; each under the Lambda java17 runtime's flags (C1 only)
 * and again with C2, so the report shows what the template's compilation flags cost or save. Prints the Markdown
 * report and writes it into BENCHMARKS.md between its warm markers.
 *
 * <p>System properties: {@code gatekeeper.repoRoot} (default {@code ..}), {@code gatekeeper.benchTarget} (default
 * the repository's {@code bench/target}; work files go to its {@code warm/}). Settings: {@link WarmSettings}.
 */
public final class WarmBenchmark {
    static final String BEGIN_MARKER = "<!-- warm:begin (written by scripts/bench-warm) -->";
    static final String END_MARKER = "<!-- warm:end -->";
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    private WarmBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        Path repo = Path.of(System.getProperty("gatekeeper.repoRoot", "..")).toAbsolutePath().normalize();
        Path benchTarget = Path.of(System.getProperty("gatekeeper.benchTarget", repo.resolve("bench/target").toString()))
                .toAbsolutePath().normalize();
        Path work = benchTarget.resolve("warm");
        Files.createDirectories(work);
        WarmSettings settings = WarmSettings.fromEnvironment();

        // The functions' MemorySize sets the heap, metaspace and code cache, as the runtime derives them.
        FunctionDefinition issue = SamTemplate.load(repo.resolve("template.yaml")).function("RequestTokenFunction")
                .orElseThrow(() -> new IllegalStateException("no RequestTokenFunction in template.yaml"));
        List<String> lambdaFlags = BenchSupport.lambdaJvmFlags(issue.memorySizeMb());
        List<String> c2Flags = lambdaFlags.stream().filter(flag -> !flag.equals(C1_ONLY)).toList();
        String javaToolOptions = issue.environment().variables().getOrDefault("JAVA_TOOL_OPTIONS", "");

        Map<String, Collection<RunResult>> jmh = new LinkedHashMap<>();
        if (settings.runsJmh()) {
            jmh.put("Lambda", jmh(settings, lambdaFlags, work.resolve("jmh-lambda.log")));
            jmh.put("C2", jmh(settings, c2Flags, work.resolve("jmh-c2.log")));
        }
        List<PassResult> passes = new ArrayList<>();
        for (String pass : settings.passes()) {
            passes.add(harnessPass(repo, work, settings, pass,
                    pass.equals("lambda") ? lambdaFlags : c2Flags,
                    pass.equals("lambda") ? javaToolOptions : null));
        }

        long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        String report = WarmReport.markdown(new WarmReport.Run(settings, lambdaFlags, c2Flags, javaToolOptions, jmh,
                passes, elapsed));
        System.out.println();
        System.out.println(report);
        Files.writeString(work.resolve("results.md"), report);
        if (BenchSupport.replaceBetweenMarkers(repo.resolve("BENCHMARKS.md"), BEGIN_MARKER, END_MARKER, report)) {
            System.out.println("Updated the warm-latency figures in " + repo.resolve("BENCHMARKS.md"));
        } else {
            System.out.println("BENCHMARKS.md has no warm markers; results left in " + work.resolve("results.md"));
        }
    }

    /**
     * Every {@link CorePathBenchmarks} method in its own fork with exactly {@code flags}: set explicitly, because a
     * fork otherwise inherits the driver JVM's own arguments.
     */
    private static Collection<RunResult> jmh(WarmSettings settings, List<String> flags, Path log) throws Exception {
        System.out.println("== JMH core paths with " + String.join(" ", flags) + " (log: " + log + ")");
        Options options = new OptionsBuilder()
                .include(Pattern.quote(CorePathBenchmarks.class.getName() + "."))
                .mode(Mode.SampleTime)
                .timeUnit(TimeUnit.MICROSECONDS)
                .warmupIterations(settings.jmhWarmupIterations())
                .warmupTime(TimeValue.seconds(settings.jmhWarmupSeconds()))
                .measurementIterations(settings.jmhIterations())
                .measurementTime(TimeValue.seconds(settings.jmhSeconds()))
                .forks(settings.jmhForks())
                .jvm(BenchSupport.javaBinary())
                .jvmArgs(flags.toArray(String[]::new))
                .shouldFailOnError(true)
                .output(log.toString())
                .build();
        return new Runner(options).run();
    }

    /** One harness JVM with the pass's flags; its results come back in a file. */
    private static PassResult harnessPass(Path repo, Path work, WarmSettings settings, String pass, List<String> flags,
            String javaToolOptions) throws Exception {
        System.out.println("== handler harness, pass " + pass + " with " + String.join(" ", flags)
                + (javaToolOptions == null ? "" : " and JAVA_TOOL_OPTIONS=" + javaToolOptions));
        // The SDK reads its global interceptor list from the class path: this directory, first on the harness's
        // class path only, registers the call counter in every client the functions build.
        Path interceptors = work.resolve("interceptors");
        Path list = interceptors.resolve(SdkCallCounter.GLOBAL_INTERCEPTORS);
        Files.createDirectories(list.getParent());
        Files.writeString(list, SdkCallCounter.class.getName() + "\n");

        Path resultFile = work.resolve("harness-" + pass + ".tsv");
        Files.deleteIfExists(resultFile);
        List<String> command = new ArrayList<>();
        command.add(BenchSupport.javaBinary());
        command.addAll(flags);
        command.add("-cp");
        command.add(interceptors + ":" + System.getProperty("java.class.path"));
        command.add(HandlerHarness.class.getName());
        command.add(repo.toString());
        command.add(resultFile.toString());
        command.add(pass);
        command.addAll(settings.harnessArguments());
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        Map<String, String> environment = builder.environment();
        // What Lambda gives a function: credentials (DynamoDB Local takes any), region, log settings, memory.
        environment.put("AWS_ACCESS_KEY_ID", "bench");
        environment.put("AWS_SECRET_ACCESS_KEY", "bench");
        environment.put("AWS_SESSION_TOKEN", "bench");
        environment.put("AWS_REGION", "us-east-1");
        environment.put("AWS_DEFAULT_REGION", "us-east-1");
        environment.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        environment.put("AWS_LAMBDA_LOG_LEVEL", "INFO");
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        environment.put("TZ", ":UTC");
        environment.remove("_JAVA_OPTIONS");
        if (javaToolOptions == null || javaToolOptions.isBlank()) {
            environment.remove("JAVA_TOOL_OPTIONS");
        } else {
            environment.put("JAVA_TOOL_OPTIONS", javaToolOptions);
        }
        Process process = builder.start();
        int exit = process.waitFor();
        if (exit != 0 || !Files.exists(resultFile)) {
            throw new IllegalStateException("harness pass " + pass + " failed (exit " + exit + ")");
        }
        return PassResult.read(resultFile);
    }
}
