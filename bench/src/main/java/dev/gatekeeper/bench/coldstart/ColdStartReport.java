package dev.gatekeeper.bench.coldstart;

import dev.gatekeeper.bench.common.BenchSupport;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The cold-start figures as Markdown: the command, the machine, the date, and per function the spread. */
final class ColdStartReport {
    private ColdStartReport() {
    }

    /** Median, min, max and p90 (nearest rank) of a sample, in nanoseconds. */
    record Summary(double median, long min, long max, long p90) {
        static Summary of(long[] values) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
            int p90Rank = (int) Math.ceil(0.9 * n);
            return new Summary(median, sorted[0], sorted[n - 1], sorted[Math.max(0, p90Rank - 1)]);
        }
    }

    static String markdown(Map<String, List<long[]>> samples, String floorName, List<ColdStartBenchmark.Target> targets,
            int coldStarts, List<String> jvmFlags) {
        Summary floorInit = summary(samples.get(floorName), 0);
        Summary floorFirst = summary(samples.get(floorName), 1);
        StringBuilder out = new StringBuilder();
        out.append("Command: `COLD_STARTS=").append(coldStarts).append(" scripts/bench-cold-start`  \n");
        out.append("Date: ").append(ColdStartBenchmark.now()).append("  \n");
        out.append("Machine: ").append(BenchSupport.machine()).append("  \n");
        out.append("JVM: `").append(ColdStartBenchmark.javaVersion().replace("\n", " / ")).append("`  \n");
        out.append("Flags (Lambda java17 runtime at 512 MB): `").append(String.join(" ", jvmFlags)).append("`")
                .append(" plus the template's `JAVA_TOOL_OPTIONS`  \n");
        out.append("Runtime: `com.amazonaws:aws-lambda-java-runtime-interface-client:2.9.0` against a local Runtime API; ")
                .append(coldStarts).append(" fresh JVMs per function, interleaved, after one discarded start each.\n\n");
        out.append("Init = process start to the first `GET /runtime/invocation/next`; first response = process start to ")
                .append("`POST /runtime/invocation/{id}/response`. Milliseconds.\n\n");
        out.append("| function | init median | init min | init max | init p90 | first response median | first response min "
                + "| first response max | first response p90 | init ÷ floor | first response ÷ floor |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ColdStartBenchmark.Target target : targets) {
            List<long[]> runs = samples.get(target.name());
            Summary init = summary(runs, 0);
            Summary first = summary(runs, 1);
            out.append("| ").append(target.name())
                    .append(" | ").append(ms(init.median())).append(" | ").append(ms(init.min()))
                    .append(" | ").append(ms(init.max())).append(" | ").append(ms(init.p90()))
                    .append(" | ").append(ms(first.median())).append(" | ").append(ms(first.min()))
                    .append(" | ").append(ms(first.max())).append(" | ").append(ms(first.p90()))
                    .append(" | ").append(ratio(init.median() / floorInit.median()))
                    .append(" | ").append(ratio(first.median() / floorFirst.median())).append(" |\n");
        }
        return out.toString();
    }

    private static Summary summary(List<long[]> runs, int index) {
        return Summary.of(runs.stream().mapToLong(sample -> sample[index]).toArray());
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f×", value);
    }
}
