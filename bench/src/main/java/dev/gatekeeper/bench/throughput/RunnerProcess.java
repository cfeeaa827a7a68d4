package dev.gatekeeper.bench.throughput;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local runner in its own JVM, started as {@code scripts/run} starts it (its main, {@code serve} and options),
 * with its stderr (the banner, one line per request, the functions' JSON logs) going straight to a file: no thread
 * of the driver copies it. Stopped with SIGTERM, which runs the runner's shutdown hook as Ctrl-C would (a background
 * process ignores SIGINT).
 */
final class RunnerProcess implements AutoCloseable, LoadPoint.CpuProbe {
    static final String MAIN_CLASS = "dev.gatekeeper.local.GatekeeperLocal";
    private static final Pattern ADMIN_LINE = Pattern.compile("Admin CLI: scripts/admin --endpoint (\\S+) --table (\\S+)");
    /** The last line of the banner, which every store prints (the admin line only DynamoDB Local's). */
    private static final Pattern DATA_LINE = Pattern.compile("Data: table (\\S+) in ");
    private static final Pattern LISTENING = Pattern.compile("Gatekeeper API on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final List<String> command;
    private final int port;
    /** Null with {@code --store memory}, which runs no DynamoDB Local. */
    private final URI dynamoDbEndpoint;
    private final String tableName;
    private final Path log;
    private final Duration startup;

    private RunnerProcess(Process process, List<String> command, int port, URI dynamoDbEndpoint, String tableName,
                          Path log, Duration startup) {
        this.process = process;
        this.command = command;
        this.port = port;
        this.dynamoDbEndpoint = dynamoDbEndpoint;
        this.tableName = tableName;
        this.log = log;
        this.startup = startup;
    }

    /**
     * Starts the runner and returns once it answers HTTP.
     *
     * @param launcher  how to start the JVM: {@code java [flags] -cp CLASSPATH} or {@code java [flags] -jar JAR}
     * @param options   the runner's options, {@code --port} and {@code --dynamodb-port} excepted (chosen here)
     * @param directory the working directory (the repository root: template.yaml and events/ are relative to it)
     * @param dynamoDb  whether the runner embeds DynamoDB Local (not with {@code --store memory})
     */
    static RunnerProcess start(List<String> launcher, boolean jar, List<String> options, Path directory, Path log,
                               boolean dynamoDb) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(launcher);
        if (!jar) {
            command.add(MAIN_CLASS);
        }
        command.add("serve");
        command.addAll(options);
        command.addAll(List.of("--port", Integer.toString(port)));
        if (dynamoDb) {
            command.addAll(List.of("--dynamodb-port", Integer.toString(freePort())));
        }
        Files.createDirectories(log.getParent());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        // A driver stopped early (Ctrl-C) still stops its runner, rather than leave it serving.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-runner"));
        long deadline = started + START_TIMEOUT.toNanos();
        try {
            Optional<Matcher> table = Optional.empty();
            while (table.isEmpty()) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the runner exited with status " + process.exitValue()
                            + " before it served; its log (" + log + ") ends:\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the runner did not start within " + START_TIMEOUT.toSeconds()
                            + " s; its log (" + log + ") ends:\n" + tail(log));
                }
                String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
                Matcher listening = LISTENING.matcher(text);
                Matcher tableLine = (dynamoDb ? ADMIN_LINE : DATA_LINE).matcher(text);
                if (listening.find() && tableLine.find()) {
                    if (Integer.parseInt(listening.group(1)) != port) {
                        throw new IllegalStateException("the runner listens on " + listening.group(1) + ", not " + port);
                    }
                    table = Optional.of(tableLine);
                } else {
                    Thread.sleep(50);
                }
            }
            awaitAnswer(port, deadline, log);
            URI endpoint = dynamoDb ? URI.create(table.get().group(1)) : null;
            String tableName = table.get().group(dynamoDb ? 2 : 1);
            return new RunnerProcess(process, command, port, endpoint, tableName, log,
                    Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            throw e;
        }
    }

    /** Until GET /openapi.yaml (the runner's own route, no storage behind it) answers 200. */
    private static void awaitAnswer(int port, long deadline, Path log) throws InterruptedException {
        byte[] request = HttpConnection.request("GET", "/openapi.yaml", port, new String[0], null);
        String last = "";
        while (System.nanoTime() < deadline) {
            try (HttpConnection connection = new HttpConnection(port)) {
                int status = connection.exchange(request, false, 200).status();
                if (status == 200) {
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the runner does not answer on 127.0.0.1:" + port + " (" + last + "); its log ("
                + log + ") ends:\n" + tail(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** Empty with {@code --store memory}. */
    Optional<URI> dynamoDbEndpoint() {
        return Optional.ofNullable(dynamoDbEndpoint);
    }

    String tableName() {
        return tableName;
    }

    long pid() {
        return process.pid();
    }

    List<String> command() {
        return command;
    }

    Duration startup() {
        return startup;
    }

    /**
     * The runner's CPU time so far (user + system, all its threads, DynamoDB Local's included), from
     * /proc/PID/stat as the JDK reads it; -1 if unknown.
     */
    @Override
    public long totalNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * The runner's CPU time so far per group of threads, from /proc/PID/task/TID/stat (user + system, in clock
     * ticks of 10 ms, the Linux default): threads that have ended count no more, which makes the groups a
     * breakdown, not an exact sum. Empty if /proc cannot be read.
     */
    @Override
    public java.util.Map<String, Long> nanosByThreadGroup() {
        java.util.Map<String, Long> groups = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open) {
                    continue;
                }
                String name = stat.substring(open + 1, close);
                String[] fields = stat.substring(close + 2).split(" ");
                // After the name: state is field 3 of stat(5), utime 14 and stime 15, so indexes 11 and 12 here.
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                groups.merge(threadGroup(name), ticks * 10_000_000L, Long::sum);
            }
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        }
        return groups;
    }

    /** The thread groups of the breakdown, by the (15-character) thread names Linux keeps. */
    static final List<String> THREAD_GROUPS = List.of("HTTP server + functions + SDK client", "token signing",
            "DynamoDB Local (request threads)", "DynamoDB Local (SQLite queue)", "JIT compilers", "GC", "other");

    static String threadGroup(String name) {
        if (name.startsWith("api-gateway") || name.startsWith("HTTP-Dispatcher") || name.startsWith("sdk-")
                || name.startsWith("idle-")) {
            return THREAD_GROUPS.get(0);
        }
        // "gatekeeper-signing" as /proc shows it: a thread's name cut to 15 characters.
        if (name.startsWith("gatekeeper-sign")) {
            return THREAD_GROUPS.get(1);
        }
        if (name.startsWith("qtp")) {
            return THREAD_GROUPS.get(2);
        }
        if (name.startsWith("SQLiteQueue")) {
            return THREAD_GROUPS.get(3);
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return THREAD_GROUPS.get(4);
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return THREAD_GROUPS.get(5);
        }
        return THREAD_GROUPS.get(6);
    }

    /** SIGTERM, and SIGKILL if it has not exited 20 s later. */
    @Override
    public void close() {
        try {
            stop(process);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    private static void stop(Process process) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
