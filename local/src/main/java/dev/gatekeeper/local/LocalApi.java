package dev.gatekeeper.local;

import dev.gatekeeper.local.api.ApiGatewayServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** A running {@code serve}: the API, the functions and their storage, stopped together. */
public final class LocalApi implements AutoCloseable {
    private final ApiGatewayServer server;
    private final FunctionHost functions;
    private final Consumer<String> log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    LocalApi(ApiGatewayServer server, FunctionHost functions, Consumer<String> log) {
        this.server = server;
        this.functions = functions;
        this.log = log;
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:PORT}, the base of every route (the stage prefix is optional). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** Stops the API, then the functions and their storage; what was stored stays in the data directory. */
    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        Optional<Path> dataDirectory = functions.usedDataDirectory();
        server.close();
        functions.close();
        log.accept("Stopped" + dataDirectory.map(directory -> "; the data stays in " + directory).orElse(""));
        stopped.countDown();
    }

    void awaitClose() throws InterruptedException {
        stopped.await();
    }
}
