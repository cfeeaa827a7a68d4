package dev.gatekeeper.bench.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What every benchmark of issue 7 shares, so their figures are taken and reported alike: the Lambda runtime's JVM
 * flags, the seeded table, and the description of the machine and JVM a figure was measured on.
 */
public final class BenchSupport {
    private BenchSupport() {
    }

    /**
     * The flags the Lambda Java runtime starts its JVM with for a given MemorySize: heap 85 %, metaspace 10 % and
     * code cache 5 % of the memory (the java11 runtime's published command line, 222823k / 26214k / 13107k at
     * 256 MB, scaled), the serial collector, the JDK's CDS archive, and, since java17, C1 only.
     */
    public static List<String> lambdaJvmFlags(int memoryMb) {
        long kb = memoryMb * 1024L;
        return List.of(
                "-XX:MaxHeapSize=" + ((kb * 85 + 99) / 100) + "k",
                "-XX:MaxMetaspaceSize=" + (kb * 10 / 100) + "k",
                "-XX:ReservedCodeCacheSize=" + (kb * 5 / 100) + "k",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true");
    }

    /** The {@code java} of the running JVM: every child JVM of a benchmark is the same build. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -version} of {@link #javaBinary()}, on one line. */
    public static String javaVersion() {
        try {
            Process process = new ProcessBuilder(javaBinary(), "-version").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            process.waitFor();
            return text.replace("\n", " / ");
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e + ")";
        }
    }

    public static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    /** "CPU model, nproc N, RAM X GiB", as the reports' Machine line. */
    public static String machine() {
        return cpuModel() + ", nproc " + Runtime.getRuntime().availableProcessors() + ", RAM " + memTotal();
    }

    private static String cpuModel() {
        return procLine(Path.of("/proc/cpuinfo"), "model name").orElse("CPU unknown");
    }

    private static String memTotal() {
        return procLine(Path.of("/proc/meminfo"), "MemTotal")
                .map(value -> String.format(Locale.ROOT, "%.1f GiB",
                        Long.parseLong(value.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                .orElse("unknown");
    }

    private static Optional<String> procLine(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Replaces what lies between {@code begin} and {@code end} in {@code file} with {@code block}; false (file left
     * alone) if the markers are missing, so a hand-edited BENCHMARKS.md is never overwritten wholesale.
     */
    public static boolean replaceBetweenMarkers(Path file, String begin, String end, String block) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        String text = Files.readString(file);
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            return false;
        }
        Files.writeString(file, text.substring(0, from) + begin + "\n" + block.strip() + "\n"
                + text.substring(to));
        return true;
    }
}
