package dev.gatekeeper.bench.coldstart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Lambda Runtime API (2018-06-01) as far as one cold start needs it, on 127.0.0.1: the first
 * {@code /invocation/next} hands out the event and marks the end of init; the response (or error) ends the
 * invocation. Later {@code /next} calls are left waiting, as Lambda leaves a frozen sandbox, until the process is
 * stopped. One invocation at a time: the benchmark starts one JVM after the other.
 */
final class LocalRuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "runtime-api");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<Invocation> current = new AtomicReference<>();

    /** What one cold start reported, in {@link System#nanoTime()} of this JVM. */
    record Outcome(long firstNextNanos, long responseNanos, String kind, String body) {
        boolean succeeded() {
            return kind.equals("response");
        }
    }

    private static final class Invocation {
        final String requestId = UUID.randomUUID().toString();
        final String event;
        final String functionArn;
        volatile long firstNextNanos;
        volatile boolean delivered;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        Invocation(String event, String functionArn) {
            this.event = event;
            this.functionArn = functionArn;
        }
    }

    LocalRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    String address() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Arms the API with the next cold start's event; the outcome completes when the function answers. */
    CompletableFuture<Outcome> expect(String event, String functionArn) {
        Invocation invocation = new Invocation(event, functionArn);
        current.set(invocation);
        return invocation.outcome;
    }

    static Outcome await(CompletableFuture<Outcome> outcome, Duration timeout) throws Exception {
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no response within " + timeout.toSeconds() + " s", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String method = exchange.getRequestMethod();
        byte[] body = readAll(exchange.getRequestBody());
        Invocation invocation = current.get();
        if (invocation == null) {
            send(exchange, 500, "{\"errorMessage\":\"no invocation armed\"}");
            return;
        }
        if (method.equals("GET") && path.equals("invocation/next")) {
            if (invocation.delivered) {
                // A frozen sandbox: this call is never answered; the process is stopped instead.
                return;
            }
            invocation.delivered = true;
            invocation.firstNextNanos = now;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
            exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                    Long.toString(System.currentTimeMillis() + 10_000));
            exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", invocation.functionArn);
            exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id",
                    "Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=0");
            send(exchange, 200, invocation.event);
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (method.equals("POST") && path.equals("invocation/" + invocation.requestId + "/response")) {
            send(exchange, 202, "{\"status\":\"OK\"}");
            invocation.outcome.complete(new Outcome(invocation.firstNextNanos, now, "response", text));
        } else if (method.equals("POST") && path.equals("invocation/" + invocation.requestId + "/error")) {
            send(exchange, 202, "{\"status\":\"OK\"}");
            invocation.outcome.complete(new Outcome(invocation.firstNextNanos, now, "invocation error", text));
        } else if (method.equals("POST") && path.equals("init/error")) {
            send(exchange, 202, "{\"status\":\"OK\"}");
            invocation.outcome.complete(new Outcome(0, now, "init error", text));
        } else {
            send(exchange, 404, "{\"errorMessage\":\"unknown path " + path + "\"}");
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
