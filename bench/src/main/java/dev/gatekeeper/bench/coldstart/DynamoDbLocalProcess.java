package dev.gatekeeper.bench.coldstart;

import dev.gatekeeper.local.storage.EmbeddedDynamoDb;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB Local, in memory, in its own JVM, so the functions under test share no CPU time or heap with it beyond
 * what a separate service would. The child is the local runner's {@link EmbeddedDynamoDb} (bound to 127.0.0.1
 * only: DynamoDB Local's own {@code ServerRunner} listens on every interface); it prints its endpoint and stops
 * when its standard input closes.
 */
public final class DynamoDbLocalProcess implements AutoCloseable {
    private static final String ENDPOINT_LINE = "endpoint=";

    private final Process process;
    private final URI endpoint;

    private DynamoDbLocalProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static DynamoDbLocalProcess start(String classpath, Path log) throws IOException {
        Process process = new ProcessBuilder(List.of(javaBinary(), "-Xmx512m", "-cp", classpath,
                DynamoDbLocalProcess.class.getName()))
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(ENDPOINT_LINE)) {
                return new DynamoDbLocalProcess(process, URI.create(line.substring(ENDPOINT_LINE.length())));
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("DynamoDB Local did not start; see " + log);
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: serve until standard input closes. */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        try (EmbeddedDynamoDb database = EmbeddedDynamoDb.start(Optional.empty())) {
            System.out.println(ENDPOINT_LINE + database.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Wait for the parent to go away.
            }
        }
    }
}
