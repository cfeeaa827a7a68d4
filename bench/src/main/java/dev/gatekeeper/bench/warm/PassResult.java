package dev.gatekeeper.bench.warm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one harness pass (one JVM, one set of flags) measured, as the harness JVM hands it to the driver: a small
 * tab-separated file, so the two JVMs share no classes' serialised form.
 *
 * @param jvmArguments the harness JVM's input arguments as the JVM itself reports them
 * @param series       the handlers, then the bare operations, in the order they ran
 * @param memory       heap figures in bytes, and GC counts and times, by name
 */
record PassResult(String pass, List<String> jvmArguments, List<Series> series, Map<String, Long> memory) {

    /**
     * One series of sequential calls.
     *
     * @param expected        what every call was checked to return (never an error path)
     * @param signs           whether the call signs a token (its floor then includes one RS256 signature)
     * @param callsPerRequest SDK calls per timed call, by operation
     * @param retries         SDK attempts beyond the first, per timed call (the SDK retries inside one call)
     * @param sdkMillis       mean wall time per timed call spent inside SDK calls, round trips included, by operation
     */
    record Series(String name, String kind, String expected, boolean signs, Latencies latencies,
                  Map<String, Double> callsPerRequest, double retries, Map<String, Double> sdkMillis) {

        double sdkMillisTotal() {
            return sdkMillis.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** A part of the handlers (a bare SDK call, the store's write, the signature), not a handler. */
        boolean bare() {
            return !"handler".equals(kind);
        }
    }

    void write(Path file) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("pass\t").append(pass).append('\n');
        out.append("jvm\t").append(String.join(" ", jvmArguments)).append('\n');
        for (Series s : series) {
            Latencies l = s.latencies();
            out.append(String.join("\t", "series", s.name(), s.kind(), s.expected(), Boolean.toString(s.signs()),
                    Integer.toString(l.n()), Long.toString(l.p50()), Long.toString(l.p99()), Long.toString(l.p999()),
                    Long.toString(l.max()), String.format(Locale.ROOT, "%.1f", l.mean()), encode(s.callsPerRequest()),
                    String.format(Locale.ROOT, "%.4f", s.retries()), encode(s.sdkMillis())))
                    .append('\n');
        }
        memory.forEach((key, value) -> out.append("memory\t").append(key).append('\t').append(value).append('\n'));
        Files.writeString(file, out.toString());
    }

    static PassResult read(Path file) throws IOException {
        String pass = null;
        List<String> jvm = List.of();
        List<Series> series = new ArrayList<>();
        Map<String, Long> memory = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "pass" -> pass = f[1];
                case "jvm" -> jvm = List.of(f[1].split(" "));
                case "series" -> {
                    series.add(new Series(f[1], f[2], f[3], Boolean.parseBoolean(f[4]),
                            new Latencies(Integer.parseInt(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                                    Long.parseLong(f[8]), Long.parseLong(f[9]), Double.parseDouble(f[10])),
                            decode(f[11]), Double.parseDouble(f[12]), decode(f[13])));
                }
                case "memory" -> memory.put(f[1], Long.parseLong(f[2]));
                default -> throw new IOException("unexpected line in " + file + ": " + line);
            }
        }
        return new PassResult(pass, jvm, series, memory);
    }

    private static String encode(Map<String, Double> values) {
        StringBuilder out = new StringBuilder();
        values.forEach((key, value) -> out.append(out.length() == 0 ? "" : ";").append(key).append('=')
                .append(String.format(Locale.ROOT, "%.4f", value)));
        return out.toString();
    }

    private static Map<String, Double> decode(String text) {
        Map<String, Double> values = new LinkedHashMap<>();
        if (!text.isEmpty()) {
            for (String entry : text.split(";")) {
                String[] pair = entry.split("=", 2);
                values.put(pair[0], Double.parseDouble(pair[1]));
            }
        }
        return values;
    }
}
