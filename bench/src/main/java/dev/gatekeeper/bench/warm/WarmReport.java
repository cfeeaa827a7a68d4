package dev.gatekeeper.bench.warm;

import dev.gatekeeper.bench.common.BenchSupport;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.Statistics;

/** The warm-latency figures as Markdown, in the style of the cold-start report: command, date, machine, flags. */
final class WarmReport {
    /** The operations whose bare round trip the harness measures, by SDK operation name, and their series. */
    private static final Map<String, String> BARE_SERIES = Map.of(
            "GetItem", "GetItem (organisation profile)",
            "BatchGetItem", "BatchGetItem (token, pointer, generation; consistent)",
            "TransactWriteItems", "TransactWriteItems (token insert shape, 5 actions)");
    private static final String ISSUE_SERIES = "Request token (POST /tokens)";
    private static final String AUTHORIZER_SERIES = "TokenAuthorizer (bearer token, Allow)";
    /** Below this many calls p99.9 is among the few slowest calls, and is marked as such. */
    private static final int P999_MIN_CALLS = 1_000;

    private WarmReport() {
    }

    /** Everything that went into a run, for the report. */
    record Run(WarmSettings settings, List<String> lambdaFlags, List<String> c2Flags, String javaToolOptions,
               Map<String, Collection<RunResult>> jmh, List<PassResult> passes, long elapsedSeconds) {
    }

    static String markdown(Run run) {
        WarmSettings s = run.settings();
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(s.overrides()).append("scripts/bench-warm`  \n");
        out.append("Date: ").append(BenchSupport.now()).append("  \n");
        out.append("Machine: ").append(BenchSupport.machine()).append("  \n");
        out.append("JVM: `").append(BenchSupport.javaVersion()).append("`  \n");
        out.append("Flags **Lambda** (java17 runtime at 512 MB): `").append(String.join(" ", run.lambdaFlags()))
                .append("`, and in the harness the template's `JAVA_TOOL_OPTIONS` (`").append(run.javaToolOptions())
                .append("`) as Lambda sets it  \n");
        out.append("Flags **C2**: `").append(String.join(" ", run.c2Flags()))
                .append("` (the same without `-XX:TieredStopAtLevel=1`), no `JAVA_TOOL_OPTIONS`  \n");
        String jmhSettings = s.runsJmh()
                ? String.format(Locale.ROOT, "JMH %d fork(s) per method and flag set, %d × %d s warm-up, %d × %d s "
                        + "measured", s.jmhForks(), s.jmhWarmupIterations(), s.jmhWarmupSeconds(), s.jmhIterations(),
                        s.jmhSeconds())
                : "JMH skipped";
        String harnessSettings = s.passes().isEmpty() ? "harness skipped"
                : String.format(Locale.ROOT, "harness passes %s, per series up to %d warm-up calls (at most %s s), "
                        + "then up to %d timed calls (at most %s s)", String.join(" and ", s.passes()),
                        s.handlerWarmup(), seconds(s.handlerWarmupSeconds()), s.handlerIterations(),
                        seconds(s.handlerSeconds()));
        out.append("Settings: ").append(jmhSettings).append("; ").append(harnessSettings).append(". Whole run, build "
                + "excluded: ").append(run.elapsedSeconds()).append(" s.\n\n");
        if (s.reduced()) {
            out.append("**Smoke run**: fewer iterations, less time or fewer passes than the defaults. These figures "
                    + "only show that the benchmark runs; do not quote them.\n\n");
        }
        if (!run.jmh().isEmpty()) {
            jmhTable(out, run.jmh());
        }
        for (PassResult pass : run.passes()) {
            passSection(out, pass);
        }
        return out.toString();
    }

    private static void jmhTable(StringBuilder out, Map<String, Collection<RunResult>> jmh) {
        out.append("#### Core paths, no I/O (JMH, SampleTime)\n\n");
        out.append("Microseconds. Each method in its own fork per flag set. n = samples; JMH times each sampled call "
                + "with `System.nanoTime`, so the revoke decision's figures are mostly the timer's own resolution.\n\n");
        List<String> labels = List.copyOf(jmh.keySet());
        out.append("| path |");
        for (String label : labels) {
            out.append(' ').append(label).append(" n | ").append(label).append(" p50 | ").append(label)
                    .append(" p99 | ").append(label).append(" p99.9 | ").append(label).append(" max |");
        }
        if (labels.size() == 2) {
            out.append(' ').append(labels.get(0)).append(" ÷ ").append(labels.get(1)).append(" (p50) |");
        }
        out.append('\n').append("|---|").append("---:|".repeat(labels.size() * 5 + (labels.size() == 2 ? 1 : 0)))
                .append('\n');
        Map<String, Map<String, Statistics>> byMethod = new LinkedHashMap<>();
        for (String label : labels) {
            for (RunResult result : jmh.get(label)) {
                String benchmark = result.getParams().getBenchmark();
                String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                byMethod.computeIfAbsent(method, key -> new LinkedHashMap<>())
                        .put(label, result.getPrimaryResult().getStatistics());
            }
        }
        for (Map.Entry<String, Map<String, Statistics>> entry : byMethod.entrySet()) {
            out.append("| ").append(describe(entry.getKey())).append(" |");
            for (String label : labels) {
                Statistics stats = entry.getValue().get(label);
                if (stats == null) {
                    out.append(" — | — | — | — | — |");
                    continue;
                }
                out.append(' ').append(stats.getN()).append(" | ").append(us(stats.getPercentile(50)))
                        .append(" | ").append(us(stats.getPercentile(99))).append(" | ")
                        .append(us(stats.getPercentile(99.9))).append(" | ").append(us(stats.getMax())).append(" |");
            }
            if (labels.size() == 2) {
                Statistics first = entry.getValue().get(labels.get(0));
                Statistics second = entry.getValue().get(labels.get(1));
                out.append(' ').append(first == null || second == null ? "—"
                        : String.format(Locale.ROOT, "%.2f×", first.getPercentile(50) / second.getPercentile(50)))
                        .append(" |");
            }
            out.append('\n');
        }
        out.append('\n');
    }

    private static String describe(String method) {
        return switch (method) {
            case "rs256Sign" -> "RS256 sign, `JwtAccessTokenSigner.sign` (claims, signature, serialised JWT)";
            case "es256Sign" -> "ES256 sign, same claims (Nimbus `ECDSASigner`, P-256)";
            case "rs256Verify" -> "RS256 verify, `JwtAccessTokenVerifier.verify` (parse, claims, signature)";
            case "es256Verify" -> "ES256 verify (Nimbus parse, `ECDSAVerifier`, claims)";
            case "revokeDecision" -> "revoke decision (generation, `TokenRecord.isLiveAt`, `describes`)";
            default -> method;
        };
    }

    private static void passSection(StringBuilder out, PassResult pass) {
        String label = pass.pass().equals("lambda") ? "Lambda flags" : "C2";
        out.append("#### Handlers in-process against DynamoDB Local, ").append(label).append("\n\n");
        out.append("Milliseconds. Every series was warmed up (all of them in turn) before any was timed; each row is "
                + "sequential calls, every response checked. SDK calls: per timed call, by operation, with "
                + "the mean ms inside each (and SDK retries, if any); in SDK: their mean sum per call. Floor: the bare p50s of "
                + "those calls (rows below, same JVM) plus one " + HandlerHarness.signingAlgorithm()
                + " signature where the call signs; — where a call "
                + "makes an operation not measured bare.");
        out.append(" p99.9 marked * comes from fewer than ").append(P999_MIN_CALLS)
                .append(" calls, i.e. from the slowest few.\n\n");
        out.append("| call | checked | n | p50 | p99 | p99.9 | max | p99 ÷ p50 | SDK calls | in SDK | floor "
                + "| p50 − floor |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (PassResult.Series series : pass.series()) {
            Latencies l = series.latencies();
            Optional<Double> floor = series.bare() ? Optional.empty() : floor(pass, series);
            out.append("| ").append(series.bare() ? series.kind() + ": " : "").append(series.name())
                    .append(" | ").append(series.expected())
                    .append(" | ").append(l.n())
                    .append(" | ").append(ms(l.p50())).append(" | ").append(ms(l.p99()))
                    .append(" | ").append(ms(l.p999())).append(l.n() < P999_MIN_CALLS ? "*" : "")
                    .append(" | ").append(ms(l.max()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", l.p99() / (double) l.p50()))
                    .append(" | ").append(calls(series.callsPerRequest(), series.sdkMillis()))
                    .append(series.retries() > 0 ? String.format(Locale.ROOT, "; %.3f retries", series.retries()) : "")
                    .append(" | ").append(series.callsPerRequest().isEmpty() ? "" : String.format(Locale.ROOT,
                            "%.3f", series.sdkMillisTotal()))
                    .append(" | ").append(series.bare() ? "" : floor.map(WarmReport::ms).orElse("—"))
                    .append(" | ").append(series.bare() ? "" : floor.map(f -> ms(l.p50() - f)).orElse("—"))
                    .append(" |\n");
        }
        out.append('\n');
        targets(out, pass);
        memory(out, pass);
    }

    /** The sum of the bare p50s of the calls the series made (and of the signature if it signs), in nanoseconds. */
    private static Optional<Double> floor(PassResult pass, PassResult.Series series) {
        double floor = 0;
        if (series.signs()) {
            Optional<PassResult.Series> sign = find(pass, HandlerHarness.signSeries());
            if (sign.isEmpty()) {
                return Optional.empty();
            }
            floor += sign.get().latencies().p50();
        }
        for (Map.Entry<String, Double> call : series.callsPerRequest().entrySet()) {
            String bare = BARE_SERIES.get(call.getKey());
            Optional<PassResult.Series> measured = bare == null ? Optional.empty() : find(pass, bare);
            if (measured.isEmpty()) {
                return Optional.empty();
            }
            floor += call.getValue() * measured.get().latencies().p50();
        }
        return Optional.of(floor);
    }

    /** Issue 7's warm targets, as far as this pass shows them. */
    private static void targets(StringBuilder out, PassResult pass) {
        Optional<PassResult.Series> issue = find(pass, ISSUE_SERIES);
        Optional<Double> issueFloor = issue.flatMap(series -> floor(pass, series));
        if (issue.isPresent() && issueFloor.isPresent()) {
            Latencies l = issue.get().latencies();
            double gap = (l.p50() - issueFloor.get()) / 1e6;
            double tail = l.p99() / (double) l.p50();
            out.append(String.format(Locale.ROOT, "Issue-token target (p50 within 0.3 ms of sign + round trips): p50 "
                            + "%s ms − floor %s ms = %.3f ms, **%s**; p99 ÷ p50 = %.2f (at most 3): **%s**.  \n",
                    ms(l.p50()), ms(issueFloor.get()), gap, gap <= 0.3 ? "met" : String.format(Locale.ROOT,
                            "missed by %.3f ms", gap - 0.3), tail, tail <= 3 ? "met" : "missed"));
        }
        Optional<PassResult.Series> authorizer = find(pass, AUTHORIZER_SERIES);
        Optional<PassResult.Series> read = find(pass, BARE_SERIES.get("BatchGetItem"));
        if (authorizer.isPresent() && read.isPresent()) {
            double limit = 1e6 + read.get().latencies().p50();
            long p50 = authorizer.get().latencies().p50();
            out.append(String.format(Locale.ROOT, "Authorizer target (p50 at most 1 ms + one storage read, here the "
                            + "bare BatchGetItem): p50 %s ms against %s ms: **%s**.  \n",
                    ms(p50), ms(limit), p50 <= limit ? "met" : String.format(Locale.ROOT, "missed by %.3f ms",
                            (p50 - limit) / 1e6)));
        }
        out.append('\n');
    }

    private static void memory(StringBuilder out, PassResult pass) {
        Map<String, Long> m = pass.memory();
        out.append(String.format(Locale.ROOT, "Heap: %s MB live after a full GC at the end of the timed load "
                        + "(%s MB after the warm-up), peak %s MB during the timed load (sum of the heap pools' peaks: "
                        + "mostly the young generation filling up before each collection, so it follows the heap size "
                        + "rather than the need), of %s MB max. All seven functions' services share this JVM, so one "
                        + "function's live set is smaller.",
                mb(m.get("heapAfterLoadGc")), mb(m.get("heapAfterWarmupGc")), mb(m.get("heapPeakSumOfPools")),
                mb(m.get("heapMax"))));
        StringBuilder gcs = new StringBuilder();
        m.forEach((key, value) -> {
            if (key.startsWith("gc.") && key.endsWith(".count")) {
                String name = key.substring(3, key.length() - ".count".length());
                gcs.append(gcs.length() == 0 ? "" : ", ").append(name.replace('_', ' ')).append(' ').append(value)
                        .append(" (").append(m.getOrDefault("gc." + name + ".millis", 0L)).append(" ms)");
            }
        });
        if (gcs.length() > 0) {
            out.append(" Collections during the load: ").append(gcs).append('.');
        }
        out.append("\n\n");
    }

    private static Optional<PassResult.Series> find(PassResult pass, String name) {
        return pass.series().stream().filter(series -> series.name().equals(name)).findFirst();
    }

    /** "1 GetItem (2.41), 1 TransactWriteItems (4.50)": calls per request, and their mean ms in the SDK. */
    private static String calls(Map<String, Double> calls, Map<String, Double> sdkMillis) {
        if (calls.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        calls.forEach((operation, count) -> out.append(out.length() == 0 ? "" : ", ")
                .append(count == Math.rint(count) ? String.format(Locale.ROOT, "%.0f", count)
                        : String.format(Locale.ROOT, "%.2f", count))
                .append(' ').append(operation)
                .append(String.format(Locale.ROOT, " (%.2f)", sdkMillis.getOrDefault(operation, 0.0))));
        return out.toString();
    }

    private static String seconds(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : Double.toString(value);
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String us(double micros) {
        return micros >= 100 ? String.format(Locale.ROOT, "%.0f", micros)
                : micros >= 1 ? String.format(Locale.ROOT, "%.1f", micros)
                : String.format(Locale.ROOT, "%.3f", micros);
    }

    private static String mb(Long bytes) {
        return bytes == null ? "?" : String.format(Locale.ROOT, "%.1f", bytes / 1024.0 / 1024.0);
    }
}
