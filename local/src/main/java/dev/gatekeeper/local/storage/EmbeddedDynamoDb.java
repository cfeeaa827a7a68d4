package dev.gatekeeper.local.storage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local running inside this JVM, on a port of 127.0.0.1 only (a free one unless told), with one database whatever the
 * credentials and region (DynamoDB Local's {@code -sharedDb}): kept in {@code shared-local-instance.db} in a
 * directory, or in memory.
 *
 * <p>Wired as {@code ServerRunner.createServer} wires it but with our own Jetty server, as the test harness's
 * {@code LocalDynamoDb} does: the server {@code ServerRunner} builds listens on every interface and cannot be told
 * otherwise. Bypassing {@code ServerRunner} also leaves its telemetry unconfigured.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    /** sqlite4java names a queue's thread after its database file; a shared DynamoDB Local has one file. */
    private static final String SHARED_DATABASE_QUEUE = "SQLiteQueue[shared-local-instance.db]";
    private static final Duration DATABASE_RELEASE_TIMEOUT = Duration.ofSeconds(10);

    private final Server server;
    private final AbstractLocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final DynamoDbClient client;
    private final boolean persistent;

    private EmbeddedDynamoDb(Server server, AbstractLocalDynamoDBServerHandler handler, URI endpoint, boolean persistent) {
        this.persistent = persistent;
        this.server = server;
        this.handler = handler;
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                // Any credentials do: the database is shared. Static ones keep real credentials out of the picture.
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                // Explicit: DynamoDB Local puts the URL-connection client on the classpath too.
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /**
     * Starts the database.
     *
     * @param directory where the database file lives (created by the caller); empty to keep everything in memory
     */
    public static EmbeddedDynamoDb start(Optional<Path> directory) {
        return start(directory, 0);
    }

    /**
     * Starts the database on a given port, so that other programs (the admin CLI) can find it.
     *
     * @param directory where the database file lives (created by the caller); empty to keep everything in memory
     * @param port      on 127.0.0.1; 0 for any free port
     */
    public static EmbeddedDynamoDb start(Optional<Path> directory, int port) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Server server = new Server(new InetSocketAddress(loopback, port));
        AbstractLocalDynamoDBServerHandler handler;
        try {
            handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, directory.isEmpty(),
                    directory.map(path -> path.toAbsolutePath().toString()).orElse(null), true, false), null);
            ContextHandler context = new ContextHandler();
            context.setHandler(handler);
            server.setHandler(context);
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new IllegalStateException("DynamoDB Local did not start"
                    + (port == 0 ? "" : " on 127.0.0.1:" + port + " (is the port in use? pass another --dynamodb-port)")
                    + directory.map(path -> " with its data in " + path).orElse(""), e);
        }
        int bound = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
        return new EmbeddedDynamoDb(server, handler, URI.create("http://" + loopback.getHostAddress() + ":" + bound),
                directory.isPresent());
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A real SDK client for the database, built once; safe to share between threads. */
    public DynamoDbClient client() {
        return client;
    }

    /** Stops serving and closes the database file; what was written stays in it. */
    @Override
    public void close() {
        client.close();
        stopQuietly(server);
        handler.close();
        if (persistent) {
            awaitDatabaseReleased();
        }
    }

    /**
     * DynamoDB Local's shutdown only asks sqlite4java's queue to stop; the queue thread closes the database file
     * later. A runner started again on the same data directory right away then finds the file locked
     * ("database is locked"), so wait, boundedly, for that thread to end.
     */
    private static void awaitDatabaseReleased() {
        long deadline = System.nanoTime() + DATABASE_RELEASE_TIMEOUT.toNanos();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(SHARED_DATABASE_QUEUE)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    thread.join(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping a server that failed to start, or one whose connections are already gone: nothing to keep.
        }
    }
}
