package dev.gatekeeper.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import com.sun.net.httpserver.HttpExchange;
import dev.gatekeeper.local.template.ApiRoute;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns an HTTP request into the event a REST API's Lambda proxy integration sends: both header maps, decoded
 * query and path parameters, the body as text, and the request context with the stage, request id, time and the
 * caller's address. The path stays percent-encoded, as API Gateway passes it.
 */
final class ProxyEvents {
    static final String ACCOUNT_ID = "123456789012";
    static final String API_ID = "local";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private ProxyEvents() {
    }

    static APIGatewayProxyRequestEvent from(HttpExchange exchange, Routes.Found match, byte[] body, String requestId,
                                            Instant now) {
        ApiRoute route = match.route();
        String method = exchange.getRequestMethod();
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        Map<String, List<String>> headers = headers(exchange, sourceIp, now);
        Map<String, String> lastValues = new LinkedHashMap<>();
        headers.forEach((name, values) -> lastValues.put(name, values.get(values.size() - 1)));
        Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
        Map<String, String> lastQueryValues = new LinkedHashMap<>();
        query.forEach((name, values) -> lastQueryValues.put(name, values.get(values.size() - 1)));
        String userAgent = lastValues.get("User-Agent");
        return new APIGatewayProxyRequestEvent()
                .withResource(route.path())
                .withPath(match.path())
                .withHttpMethod(method)
                .withHeaders(lastValues)
                .withMultiValueHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : lastQueryValues)
                .withMultiValueQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(match.pathParameters().isEmpty() ? null : match.pathParameters())
                .withStageVariables(null)
                .withBody(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8))
                .withIsBase64Encoded(false)
                .withRequestContext(new ProxyRequestContext()
                        .withAccountId(ACCOUNT_ID)
                        .withApiId(API_ID)
                        .withResourceId(HexFormat.of().toHexDigits(route.path().hashCode()).substring(2))
                        .withResourcePath(route.path())
                        .withHttpMethod(method)
                        .withStage(route.stage())
                        .withPath("/" + route.stage() + match.path())
                        .withRequestId(requestId)
                        .withExtendedRequestId(requestId)
                        .withRequestTime(REQUEST_TIME.format(now))
                        .withRequestTimeEpoch(now.toEpochMilli())
                        .withProtocol(exchange.getProtocol())
                        .withDomainName(lastValues.getOrDefault("Host", "127.0.0.1"))
                        .withDomainPrefix(API_ID)
                        .withIdentity(new RequestIdentity().withSourceIp(sourceIp).withUserAgent(userAgent)));
    }

    /**
     * The request's headers, plus the ones API Gateway adds. The JDK server lower-cases header names after the
     * first letter ({@code Content-type}); they are given back their usual form ({@code Content-Type}), which is what
     * clients send. Handlers match names case-insensitively in any case, as they must.
     */
    private static Map<String, List<String>> headers(HttpExchange exchange, String sourceIp, Instant now) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(canonical(name), new ArrayList<>(values)));
        List<String> forwardedFor = headers.computeIfAbsent("X-Forwarded-For", name -> new ArrayList<>());
        if (forwardedFor.isEmpty()) {
            forwardedFor.add(sourceIp);
        } else {
            forwardedFor.set(forwardedFor.size() - 1, forwardedFor.get(forwardedFor.size() - 1) + ", " + sourceIp);
        }
        headers.put("X-Forwarded-Port", new ArrayList<>(List.of(String.valueOf(exchange.getLocalAddress().getPort()))));
        headers.put("X-Forwarded-Proto", new ArrayList<>(List.of("http")));
        headers.computeIfAbsent("X-Amzn-Trace-Id", name -> new ArrayList<>(List.of(traceId(now))));
        headers.replaceAll((name, values) -> List.copyOf(values));
        return headers;
    }

    static String canonical(String name) {
        StringBuilder canonical = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            canonical.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return canonical.toString();
    }

    private static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeQuery(pair.substring(equals + 1));
            parameters.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        parameters.replaceAll((name, values) -> List.copyOf(values));
        return parameters;
    }

    private static String decodeQuery(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    /** The X-Ray trace header API Gateway adds: {@code Root=1-<epoch seconds, hex>-<96 random bits, hex>}. */
    private static String traceId(Instant now) {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return "Root=1-" + Long.toHexString(now.getEpochSecond()) + "-" + HexFormat.of().formatHex(random);
    }
}
