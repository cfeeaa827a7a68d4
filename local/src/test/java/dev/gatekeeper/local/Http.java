package dev.gatekeeper.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A real HTTP client for a running runner, with the Gatekeeper authentication schemes. */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public Http(URI base) {
        this.base = base;
    }

    public static String basic(String apiKey) {
        return "Basic " + Base64.getEncoder().encodeToString((apiKey + ":").getBytes(StandardCharsets.UTF_8));
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    }

    /** A JSON POST authenticated with an API key. */
    public Reply postJson(String path, String apiKey, String json) {
        return send(request(path).header("Authorization", basic(apiKey)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A POST without a body, authenticated with an API key. */
    public Reply post(String path, String apiKey) {
        return send(request(path).header("Authorization", basic(apiKey)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Reply(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        public JsonNode data() {
            return json().get("data");
        }

        public String returnCode() {
            return json().path("returnCode").asText();
        }

        public String accessToken() {
            return data().get("accessToken").asText();
        }

        public String tokenId() {
            return data().get("id").asText();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
