package dev.gatekeeper.bench.throughput;

import dev.gatekeeper.bench.common.BenchSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The throughput figures as Markdown, and their place in BENCHMARKS.md. */
final class ThroughputReport {
    /** Keycloak 26's client-credentials issuance on the same 2 cores, as issue 7 gives it. */
    static final double KEYCLOAK_LOW = 1300;
    static final double KEYCLOAK_HIGH = 2200;

    private ThroughputReport() {
    }

    static String markdown(ThroughputBenchmark.Config config, List<ThroughputBenchmark.ScenarioResult> scenarios,
                           String runnerCommand, Duration runnerStartup, Duration total, String loadBefore,
                           List<String> problems) {
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(config.command()).append("`  \n");
        out.append("Date: ").append(BenchSupport.now()).append("  \n");
        out.append("Machine: ").append(BenchSupport.machine()).append("; load average just before the run: ")
                .append(loadBefore).append("  \n");
        out.append("JVM (runner and driver): `").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append("`  \n");
        out.append("Runner: `").append(runnerCommand).append("`, answering ")
                .append(String.format(Locale.ROOT, "%.1f", runnerStartup.toMillis() / 1000.0))
                .append(" s after its start; one runner process for all scenarios, run in the order below  \n");
        out.append("Load: closed loop on 127.0.0.1, each worker on one keep-alive HTTP/1.1 connection sending its next "
                        + "request when the previous one is answered. Per scenario ").append(seconds(config.preWarm()))
                .append(" s of pre-warm at up to 16 workers (in no figure), then per point ").append(seconds(config.warmUp()))
                .append(" s warm-up and ").append(seconds(config.measured()))
                .append(" s measured. The driver is a second JVM on the same cores (its CPU is in the last column). ")
                .append("Whole run: ").append(String.format(Locale.ROOT, "%.0f", total.toMillis() / 1000.0))
                .append(" s.\n\n");
        out.append("Store: ").append(config.dynamoDbLocal()
                ? "DynamoDB Local, embedded in the runner (`--in-memory`), reached through the AWS SDK as deployed"
                : "the runner's own memory (`--store memory`: `MemoryTable` behind the functions' storage ports; no "
                        + "SDK, no DynamoDB Local)").append(".  \n");
        out.append("Latency: from writing the request to the end of its response, of the requests completed in the "
                + "measured window. Runner CPU: user + system time of the runner process (its HTTP server, the "
                + "functions").append(config.dynamoDbLocal() ? " and the embedded DynamoDB Local" : " and their store")
                .append(") over the window, from `/proc/PID/stat`.\n\n");
        out.append("| scenario | workers | requests/s | p50 ms | p99 ms | max ms | errors | runner CPU, cores "
                + "| runner CPU per request, ms | driver CPU, cores |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ThroughputBenchmark.ScenarioResult scenario : scenarios) {
            for (LoadPoint.Result point : scenario.points()) {
                double runnerCores = LoadPoint.Result.cores(point.runnerCpu(), point.window());
                double cpuPerRequest = point.runnerCpu().map(cpu -> point.requests() == 0 ? Double.NaN
                        : cpu.toNanos() / 1e6 / point.requests()).orElse(Double.NaN);
                out.append("| ").append(scenario.name())
                        .append(" | ").append(point.concurrency())
                        .append(" | ").append(String.format(Locale.ROOT, "%,.0f", point.perSecond()))
                        .append(point.exhausted() ? " (ran out after " + point.window().toMillis() + " ms)" : "")
                        .append(" | ").append(millis(point.percentileMillis(50)))
                        .append(" | ").append(millis(point.percentileMillis(99)))
                        .append(" | ").append(millis(point.maxMillis()))
                        .append(" | ").append(errors(point))
                        .append(" | ").append(decimal(runnerCores, 2))
                        .append(" | ").append(decimal(cpuPerRequest, 3))
                        .append(" | ").append(decimal(LoadPoint.Result.cores(point.driverCpu(), point.window()), 2))
                        .append(" |\n");
            }
        }
        out.append('\n');
        out.append("Where the runner's CPU goes, in ms of CPU per request in the window, by its threads (from "
                + "`/proc/PID/task/*/stat`; \"HTTP server + functions + SDK client\" is the runner's request threads, "
                + "which run the handler and its DynamoDB client calls; \"token signing\" is the issuing functions' "
                + "signing threads, which compute a token's signature while its record is stored; DynamoDB Local's "
                + "request threads (Jetty's pool) "
                + "parse, validate and carry out those calls; its one SQLite queue thread runs every statement against "
                + "the one shared database, so it is a serial point; JIT and GC are the JVM's own):"
                + "\n\n");
        out.append("| scenario | workers |");
        RunnerProcess.THREAD_GROUPS.forEach(group -> out.append(' ').append(group).append(" |"));
        out.append("\n|---|---:|");
        RunnerProcess.THREAD_GROUPS.forEach(group -> out.append("---:|"));
        out.append('\n');
        for (ThroughputBenchmark.ScenarioResult scenario : scenarios) {
            for (LoadPoint.Result point : scenario.points()) {
                out.append("| ").append(scenario.name()).append(" | ").append(point.concurrency()).append(" |");
                for (String group : RunnerProcess.THREAD_GROUPS) {
                    Long nanos = point.runnerCpuByThreadGroup().get(group);
                    out.append(' ').append(nanos == null || point.requests() == 0 ? "–"
                            : decimal(nanos / 1e6 / point.requests(), 3)).append(" |");
                }
                out.append('\n');
            }
        }
        out.append('\n');
        for (ThroughputBenchmark.ScenarioResult scenario : scenarios) {
            out.append("- **").append(scenario.name()).append("**: ").append(scenario.request()).append(". ");
            out.append(String.join(" ", scenario.notes())).append('\n');
        }
        scenarios.stream().filter(scenario -> scenario.name().equals("issue")).findFirst()
                .ifPresent(issue -> out.append('\n').append(againstTarget(issue)).append('\n'));
        if (!problems.isEmpty()) {
            out.append("\n**FLAGGED: this run had problems; its figures are not to be trusted as they are.**\n");
            problems.forEach(problem -> out.append("- ").append(problem.replace("\n", " ")).append('\n'));
        }
        return out.toString();
    }

    private static String againstTarget(ThroughputBenchmark.ScenarioResult issue) {
        LoadPoint.Result best = issue.points().stream().max(Comparator.comparingDouble(LoadPoint.Result::perSecond))
                .orElseThrow();
        double rate = best.perSecond();
        String verdict;
        if (rate >= KEYCLOAK_HIGH) {
            verdict = String.format(Locale.ROOT, "**met**: above the whole range (%.2f× its top)", rate / KEYCLOAK_HIGH);
        } else if (rate >= KEYCLOAK_LOW) {
            verdict = String.format(Locale.ROOT, "**met at the range's low end**: within it, %.2f× its bottom, %.2f× "
                    + "its top", rate / KEYCLOAK_LOW, rate / KEYCLOAK_HIGH);
        } else {
            verdict = String.format(Locale.ROOT, "**missed**: %,.0f tokens/s (%.0f %%) short of the range's bottom; "
                    + "%.2f× of it", KEYCLOAK_LOW - rate, 100 * (KEYCLOAK_LOW - rate) / KEYCLOAK_LOW, rate / KEYCLOAK_LOW);
        }
        return String.format(Locale.ROOT, "Against issue 7's target (at least Keycloak 26's 1,300–2,200 "
                + "client-credentials tokens/s on the same 2 cores, while storing every token): best issuance "
                + "%,.0f tokens/s, at %d workers, %s.", rate, best.concurrency(), verdict);
    }

    /** Replaces what is between the markers; without them, appends a section that has them. */
    static void updateBenchmarksFile(Path file, String block, boolean dynamoDbLocal) throws IOException {
        String begin = dynamoDbLocal ? ThroughputBenchmark.BEGIN_MARKER : ThroughputBenchmark.MEMORY_BEGIN_MARKER;
        String end = dynamoDbLocal ? ThroughputBenchmark.END_MARKER : ThroughputBenchmark.MEMORY_END_MARKER;
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        String updated;
        if (from < 0 || to < from) {
            updated = text + (text.endsWith("\n") ? "" : "\n") + "\n## Throughput\n\n" + begin + "\n" + block + end + "\n";
        } else {
            updated = text.substring(0, from + begin.length()) + "\n" + block + text.substring(to);
        }
        Files.writeString(file, updated);
        System.out.println("Updated the throughput figures in " + file);
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String errors(LoadPoint.Result point) {
        if (point.allErrors() == 0) {
            return "0";
        }
        return point.errors() + " ⚠" + (point.allErrors() != point.errors() ? " (" + point.allErrors() + " with warm-up)" : "");
    }

    static String seconds(Duration duration) {
        double value = duration.toMillis() / 1000.0;
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String millis(double value) {
        return decimal(value, 2);
    }

    private static String decimal(double value, int places) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + places + "f", value);
    }


}
