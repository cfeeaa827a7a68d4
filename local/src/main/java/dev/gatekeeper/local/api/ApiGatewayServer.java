package dev.gatekeeper.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatekeeper.local.lambda.FunctionError;
import dev.gatekeeper.local.lambda.LambdaJson;
import dev.gatekeeper.local.lambda.LocalFunction;
import dev.gatekeeper.local.lambda.LocalLambdaContext;
import dev.gatekeeper.local.template.GatewayResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A REST API with Lambda proxy integrations, on 127.0.0.1: each request becomes the proxy event, the function's
 * handler runs in this JVM, and its proxy response becomes the HTTP response. What API Gateway itself refuses
 * (no such resource, a body over 10 MB, a function that fails) is answered as the template's gateway responses say.
 */
public final class ApiGatewayServer implements AutoCloseable {
    /** API Gateway's payload limit. */
    static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** Enough for a developer's parallel requests on a two-core machine; requests mostly wait on DynamoDB. */
    private static final int THREADS = 16;
    /** A client that keeps sending past the limit is cut off after this much, rather than read forever. */
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;
    /** The JDK server's switch for TCP_NODELAY on the connections it accepts; read once, when it is first used. */
    static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and its body in two sends. With Nagle's algorithm on (its
        // default) the body waits for the client to acknowledge the headers, which a client acknowledges late
        // (delayed ACK, about 40 ms on Linux): every response on a kept-alive connection took 40 ms more
        // (scripts/bench-throughput measured 48 ms for the authorizer at one worker, 8.6 ms with this). Set before
        // this class creates its first server; an explicit -Dsun.net.httpserver.nodelay=false still wins.
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Routes routes;
    private final Map<String, LocalFunction> functions;
    private final Map<String, LocalIntegration> integrations;
    private final GatewayErrors errors;
    private final String region;
    private final Clock clock;
    private final PrintStream log;
    private final RequestThrottle throttle;
    private final AtomicInteger inFlight = new AtomicInteger();

    private ApiGatewayServer(HttpServer server, ExecutorService executor, Routes routes, Map<String, LocalFunction> functions,
                             Map<String, LocalIntegration> integrations, GatewayErrors errors, String region, Clock clock,
                             PrintStream log, RequestThrottle throttle) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
        this.functions = Map.copyOf(functions);
        this.integrations = Map.copyOf(integrations);
        this.errors = errors;
        this.region = region;
        this.clock = clock;
        this.log = log;
        this.throttle = throttle;
    }

    /**
     * @param port      on 127.0.0.1; 0 for any free port
     * @param functions the handlers of the routes, by function logical id
     * @param log       where the one line per request goes, and the failures of functions
     */
    public static ApiGatewayServer start(int port, Routes routes, Map<String, LocalFunction> functions,
                                         Map<String, GatewayResponse> gatewayResponses,
                                         String region, Clock clock, PrintStream log) {
        return start(port, routes, functions, Map.of(), gatewayResponses, region, clock, log, RequestThrottle.none());
    }

    /**
     * @param integrations the routes' integrations the runner provides itself, by the route's function id; a route
     *                     whose id is in neither map is not served
     * @param throttle     admits the requests to the functions' routes, or has them answered 429 (the runner's own
     *                     integrations are not throttled)
     */
    public static ApiGatewayServer start(int port, Routes routes, Map<String, LocalFunction> functions,
                                         Map<String, LocalIntegration> integrations,
                                         Map<String, GatewayResponse> gatewayResponses,
                                         String region, Clock clock, PrintStream log, RequestThrottle throttle) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + port
                    + " (is another runner using it? pass --port to choose another)", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "api-gateway-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ApiGatewayServer api = new ApiGatewayServer(server, executor, routes, functions, integrations,
                new GatewayErrors(gatewayResponses), region, clock, log, throttle);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Gives the requests in flight a second to finish, then stops listening and stops the threads. */
    @Override
    public void close() {
        // HttpServer.stop(1) would wait the whole second whenever a client keeps an idle connection open.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String requestId = UUID.randomUUID().toString();
        String function = "-";
        try {
            Routes.Match match = routes.match(method, path);
            byte[] body = readBody(exchange);
            Outgoing response;
            if (body == null) {
                response = gatewayReply(errors.requestTooLarge());
            } else if (match instanceof Routes.Found found) {
                function = found.route().functionId();
                Optional<Duration> throttled = isThrottled(found) ? throttle.admit(authorization(exchange)) : Optional.empty();
                response = throttled.isPresent()
                        ? gatewayReply(errors.throttled(retryAfterSeconds(throttled.get())))
                        : invoke(exchange, found, body, requestId);
            } else if (match instanceof Routes.MethodNotAllowed notAllowed) {
                response = gatewayReply(errors.methodNotAllowed(notAllowed.resource(),
                        new ArrayList<>(notAllowed.allowedMethods())));
            } else {
                response = gatewayReply(errors.noSuchResource());
            }
            // Logged before the response leaves, so the line is there by the time the client has its answer.
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            log.println(method + " " + path + " " + response.status() + " " + millis + "ms " + function);
            write(exchange, requestId, response);
        } catch (IOException | UncheckedIOException e) {
            log.println(method + " " + path + " (client gone) " + function);
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    /** Only the template's functions are behind the stage's throttle; the runner's own routes are not. */
    private boolean isThrottled(Routes.Found found) {
        return !integrations.containsKey(found.route().functionId());
    }

    private static List<String> authorization(HttpExchange exchange) {
        List<String> values = exchange.getRequestHeaders().get("Authorization");
        return values == null ? List.of() : values;
    }

    /** Retry-After is in whole seconds: the wait rounded up, at least 1. */
    private static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toNanos() + 999_999_999L) / 1_000_000_000L);
    }

    /** A response ready to send. */
    private record Outgoing(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private Outgoing invoke(HttpExchange exchange, Routes.Found found, byte[] body, String requestId) {
        LocalIntegration integration = integrations.get(found.route().functionId());
        if (integration != null) {
            return integrate(integration, ProxyEvents.from(exchange, found, body, requestId, clock.instant()));
        }
        LocalFunction function = functions.get(found.route().functionId());
        String functionId = function.definition().logicalId();
        Instant now = clock.instant();
        APIGatewayProxyRequestEvent event = ProxyEvents.from(exchange, found, body, requestId, now);
        long started = System.currentTimeMillis();
        LocalLambdaContext context = new LocalLambdaContext(function.definition(), requestId, region, started, log);
        APIGatewayProxyResponseEvent response;
        try {
            response = proxyResponse(function.invoke(event, context));
        } catch (FunctionError e) {
            log.println(functionId + " " + requestId + " failed: " + LambdaJson.write(e.payload()));
            return gatewayReply(errors.badLambdaResponse());
        } catch (RuntimeException e) {
            log.println(functionId + " " + requestId + " Malformed Lambda proxy response: " + e);
            return gatewayReply(errors.badLambdaResponse());
        }
        long elapsed = System.currentTimeMillis() - started;
        if (elapsed > function.definition().timeoutSeconds() * 1000L) {
            // Lambda would have stopped the function at its timeout; the client would have had a 502.
            log.println(functionId + " " + requestId + " Task timed out after "
                    + String.format(Locale.ROOT, "%.2f", function.definition().timeoutSeconds() * 1.0) + " seconds");
            return gatewayReply(errors.badLambdaResponse());
        }
        Integer status = response == null ? null : response.getStatusCode();
        if (status == null || status < 100 || status > 599) {
            log.println(functionId + " " + requestId + " Malformed Lambda proxy response: "
                    + (response == null ? "null" : "statusCode " + status));
            return gatewayReply(errors.badLambdaResponse());
        }
        byte[] responseBody;
        try {
            responseBody = responseBody(response);
        } catch (IllegalArgumentException e) {
            log.println(functionId + " " + requestId + " Malformed Lambda proxy response: isBase64Encoded, but the "
                    + "body is not base64");
            return gatewayReply(errors.badLambdaResponse());
        }
        Map<String, List<String>> headers = responseHeaders(response);
        // API Gateway's default for proxy responses that name no type.
        headers.putIfAbsent("Content-Type", List.of("application/json"));
        return new Outgoing(status, headers, responseBody);
    }

    private Outgoing integrate(LocalIntegration integration, APIGatewayProxyRequestEvent event) {
        APIGatewayProxyResponseEvent response;
        try {
            response = integration.handle(event);
        } catch (RuntimeException e) {
            log.println(event.getResource() + " " + event.getRequestContext().getRequestId() + " failed: " + e);
            return gatewayReply(errors.badLambdaResponse());
        }
        Map<String, List<String>> headers = responseHeaders(response);
        headers.putIfAbsent("Content-Type", List.of("application/json"));
        return new Outgoing(response.getStatusCode(), headers, responseBody(response));
    }

    private static Outgoing gatewayReply(GatewayErrors.Reply reply) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        reply.errorType().ifPresent(type -> headers.put("x-amzn-ErrorType", List.of(type)));
        reply.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        return new Outgoing(reply.status(), headers, reply.body().getBytes(StandardCharsets.UTF_8));
    }

    /** The handler's result; anything other than a proxy response event is read from its JSON, as API Gateway does. */
    private static APIGatewayProxyResponseEvent proxyResponse(Object result) {
        if (result == null || result instanceof APIGatewayProxyResponseEvent) {
            return (APIGatewayProxyResponseEvent) result;
        }
        String json = result instanceof String text ? text : LambdaJson.write(result);
        return LambdaJson.read(json, APIGatewayProxyResponseEvent.class);
    }

    /**
     * {@code headers} and {@code multiValueHeaders} merged as API Gateway merges them: every multi-value entry, and
     * a single-value entry unless the multi-value map already has that value for that name.
     */
    static Map<String, List<String>> responseHeaders(APIGatewayProxyResponseEvent response) {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> {
                if (name != null && values != null) {
                    merged.computeIfAbsent(ProxyEvents.canonical(name), key -> new ArrayList<>()).addAll(values);
                }
            });
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (name != null && value != null) {
                    List<String> values = merged.computeIfAbsent(ProxyEvents.canonical(name), key -> new ArrayList<>());
                    if (!values.contains(value)) {
                        values.add(value);
                    }
                }
            });
        }
        return merged;
    }

    private static byte[] responseBody(APIGatewayProxyResponseEvent response) {
        String body = response.getBody();
        if (body == null) {
            return new byte[0];
        }
        return Boolean.TRUE.equals(response.getIsBase64Encoded())
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(HttpExchange exchange, String requestId, Outgoing response) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        response.headers().forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
        headers.set("x-amzn-RequestId", requestId);
        byte[] body = response.body();
        int status = response.status();
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The whole body, or null if it is over the limit (what is left of it is read and dropped). */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) != -1) {
                total += read;
                if (total > MAX_BODY_BYTES) {
                    // Read on so the client, still sending, gets to see the answer; up to a point.
                    if (total > MAX_BODY_BYTES + MAX_DRAIN_BYTES) {
                        return null;
                    }
                    continue;
                }
                body.write(buffer, 0, read);
            }
            return total > MAX_BODY_BYTES ? null : body.toByteArray();
        }
    }
}
