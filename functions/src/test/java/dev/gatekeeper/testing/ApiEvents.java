package dev.gatekeeper.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.ProxyRequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent.RequestIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds API Gateway REST proxy events the way API Gateway fills them: both header maps (the single-value map
 * keeps the last value of a repeated header), path parameters, and a request context with the source address.
 */
public final class ApiEvents {
    private final String method;
    private final String resource;
    private final String path;
    private final Map<String, String> pathParameters = new LinkedHashMap<>();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private String body;
    private String sourceIp = "127.0.0.1";
    private boolean base64;

    private ApiEvents(String method, String resource, String path) {
        this.method = method;
        this.resource = resource;
        this.path = path;
        header("Host", "gatekeeper.test");
        header("User-Agent", "gatekeeper-tests");
    }

    /** A POST to a resource template such as {@code /organisations/{encodedOrganisationId}/tokens}. */
    public static ApiEvents post(String resource, String... pathParameterPairs) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String path = resource;
        for (int i = 0; i < pathParameterPairs.length; i += 2) {
            parameters.put(pathParameterPairs[i], pathParameterPairs[i + 1]);
            path = path.replace("{" + pathParameterPairs[i] + "}", pathParameterPairs[i + 1]);
        }
        ApiEvents events = new ApiEvents("POST", resource, path);
        events.pathParameters.putAll(parameters);
        return events;
    }

    /** A GET of a resource without path parameters, such as {@code /.well-known/jwks.json}. */
    public static ApiEvents get(String resource) {
        return new ApiEvents("GET", resource, resource);
    }

    public static String basic(String apiKey) {
        return "Basic " + Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public ApiEvents apiKey(String apiKey) {
        return header("Authorization", basic(apiKey));
    }

    public ApiEvents bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    public ApiEvents header(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    public ApiEvents json(String json) {
        this.body = json;
        return header("Content-Type", "application/json");
    }

    /** An OAuth form body, already encoded, declared as {@code application/x-www-form-urlencoded}. */
    public ApiEvents form(String encoded) {
        this.body = encoded;
        return header("Content-Type", "application/x-www-form-urlencoded");
    }

    public ApiEvents body(String raw) {
        this.body = raw;
        return this;
    }

    public ApiEvents base64Body(String raw) {
        this.body = Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        this.base64 = true;
        return this;
    }

    public ApiEvents from(String sourceIp) {
        this.sourceIp = sourceIp;
        return this;
    }

    public APIGatewayProxyRequestEvent build() {
        Map<String, String> single = new LinkedHashMap<>();
        headers.forEach((name, values) -> single.put(name, values.get(values.size() - 1)));
        Map<String, List<String>> multi = new LinkedHashMap<>();
        headers.forEach((name, values) -> multi.put(name, List.copyOf(values)));
        return new APIGatewayProxyRequestEvent()
                .withResource(resource)
                .withPath(path)
                .withHttpMethod(method)
                .withHeaders(single)
                .withMultiValueHeaders(multi)
                .withPathParameters(pathParameters.isEmpty() ? null : Map.copyOf(pathParameters))
                .withBody(body)
                .withIsBase64Encoded(base64)
                .withRequestContext(new ProxyRequestContext()
                        .withRequestId(UUID.randomUUID().toString())
                        .withResourcePath(resource)
                        .withHttpMethod(method)
                        .withPath("/v1" + path)
                        .withStage("v1")
                        .withIdentity(new RequestIdentity().withSourceIp(sourceIp).withUserAgent("gatekeeper-tests")));
    }
}
