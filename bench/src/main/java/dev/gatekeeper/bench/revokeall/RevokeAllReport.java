package dev.gatekeeper.bench.revokeall;

import dev.gatekeeper.bench.common.BenchSupport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The revoke-all figures as Markdown: command, machine, date, and per size the call's spread and the checks. */
final class RevokeAllReport {
    private RevokeAllReport() {
    }

    /**
     * One organisation size: the revoke-all call of every round (nanoseconds), and from the last round the count,
     * the tokens active, the first refusal after the call started, and how many of the tokens were refused.
     */
    record Row(int size, long active, long count, List<Long> callNanos, long firstRefusalNanos, long refused,
               int stored) {
        double median() {
            long[] sorted = callNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        }

        long min() {
            return callNanos.stream().mapToLong(Long::longValue).min().orElseThrow();
        }

        long max() {
            return callNanos.stream().mapToLong(Long::longValue).max().orElseThrow();
        }
    }

    static String markdown(List<Row> rows, int rounds, String command, String plotFile) {
        double base = rows.get(0).median();
        StringBuilder out = new StringBuilder();
        out.append("Command: `").append(command).append("`  \n");
        out.append("Date: ").append(BenchSupport.now()).append("  \n");
        out.append("Machine: ").append(BenchSupport.machine()).append("  \n");
        out.append("JVM: `").append(BenchSupport.javaVersion().replace("\n", " / ")).append("`, default flags; ")
                .append("DynamoDB Local in a child JVM.  \n");
        out.append(rounds).append(" rounds per size, each storing that many fresh tokens and then revoking all of them;")
                .append(" the refusal checks are from the last round.\n\n");
        out.append("| tokens stored | active at the revoke-all | revoke-all median (ms) | min | max | ÷ smallest | count answered | first check refused at (ms) "
                + "| tokens refused afterwards |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "| %,d | %,d | %.2f | %.2f | %.2f | %.2f× | %,d | %.2f | %,d of %,d |%n",
                    row.size(), row.active(), row.median() / 1e6, row.min() / 1e6, row.max() / 1e6, row.median() / base,
                    row.count(), row.firstRefusalNanos() / 1e6, row.refused(), row.stored()));
        }
        out.append("\n![revoke-all time against active tokens](").append(plotFile).append(")\n");
        return out.toString();
    }

    static void replaceSection(Path file, String begin, String end, String report) throws IOException {
        if (!BenchSupport.replaceBetweenMarkers(file, begin, end, report)) {
            System.out.println(file.getFileName() + " has no revoke-all markers; results left in bench/target/revoke-all/");
        }
    }
}
