package dev.gatekeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.local.Console;
import dev.gatekeeper.local.Http;
import dev.gatekeeper.local.Http.Reply;
import dev.gatekeeper.local.LocalApi;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a function receives and what its client gets back, through a function that echoes its proxy event
 * (test resource echo-template.yaml): the event is the one API Gateway's REST proxy integration sends, and the
 * proxy response (or its absence) becomes the HTTP response as API Gateway makes it.
 */
class ProxyIntegrationTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final Console console = new Console();
    private static LocalApi api;
    private static Http http;

    @BeforeAll
    static void start() throws URISyntaxException {
        Path template = Path.of(ProxyIntegrationTest.class.getResource("/echo-template.yaml").toURI());
        api = console.runner(Clock.fixed(NOW, ZoneOffset.UTC), UUID::randomUUID)
                .serve("--port", "0", "--in-memory", "--seed", dev.gatekeeper.local.Repository.seed().toString(),
                        "--template", template.toString());
        http = new Http(api.baseUri());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theEventCarriesTheRequestAsApiGatewaySendsIt() {
        Reply reply = http.send(http.request("/echo/caf%C3%A9%20au%20lait?a=1&a=2&b=x+y&flag")
                .header("X-Custom", "first").header("X-Custom", "second")
                .header("Content-Type", "application/json")
                .header("User-Agent", "echo-test/1.0")
                .method("PUT", HttpRequest.BodyPublishers.ofString("{\"hello\": \"world\"}")));
        JsonNode event = reply.json();

        assertThat(reply.status()).isEqualTo(200);
        assertThat(event.get("resource").asText()).isEqualTo("/echo/{name}");
        assertThat(event.get("path").asText()).isEqualTo("/echo/caf%C3%A9%20au%20lait");
        assertThat(event.get("httpMethod").asText()).isEqualTo("PUT");
        assertThat(event.get("pathParameters").get("name").asText()).isEqualTo("café au lait");
        assertThat(event.get("headers").get("X-Custom").asText()).isEqualTo("second");
        assertThat(event.get("multiValueHeaders").get("X-Custom")).extracting(JsonNode::asText)
                .containsExactly("first", "second");
        assertThat(event.get("headers").get("Content-Type").asText()).isEqualTo("application/json");
        assertThat(event.get("headers").get("X-Forwarded-For").asText()).isEqualTo("127.0.0.1");
        assertThat(event.get("headers").get("X-Amzn-Trace-Id").asText()).startsWith("Root=1-");
        assertThat(event.get("queryStringParameters").get("a").asText()).isEqualTo("2");
        assertThat(event.get("queryStringParameters").get("b").asText()).isEqualTo("x y");
        assertThat(event.get("queryStringParameters").get("flag").asText()).isEmpty();
        assertThat(event.get("multiValueQueryStringParameters").get("a")).extracting(JsonNode::asText)
                .containsExactly("1", "2");
        assertThat(event.get("stageVariables")).isNull();
        assertThat(event.get("body").asText()).isEqualTo("{\"hello\": \"world\"}");
        assertThat(event.get("isBase64Encoded").asBoolean()).isFalse();

        JsonNode context = event.get("requestContext");
        assertThat(context.get("stage").asText()).isEqualTo("test");
        assertThat(context.get("resourcePath").asText()).isEqualTo("/echo/{name}");
        assertThat(context.get("httpMethod").asText()).isEqualTo("PUT");
        assertThat(context.get("path").asText()).isEqualTo("/test/echo/caf%C3%A9%20au%20lait");
        assertThat(context.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(context.get("requestTime").asText()).isEqualTo("24/Nov/2026:10:00:00 +0000");
        assertThat(context.get("requestTimeEpoch").asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(UUID.fromString(context.get("requestId").asText()).toString())
                .isEqualTo(reply.headers().firstValue("x-amzn-RequestId").orElseThrow());
        assertThat(context.get("identity").get("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(context.get("identity").get("userAgent").asText()).isEqualTo("echo-test/1.0");
    }

    @Test
    void aRequestWithoutQueryOrBodyHasNullsWhereApiGatewayPutsThem() {
        JsonNode event = http.send(http.request("/echo/plain").GET()).json();

        assertThat(event.get("queryStringParameters")).isNull();
        assertThat(event.get("multiValueQueryStringParameters")).isNull();
        assertThat(event.get("body")).isNull();
    }

    @Test
    void theFunctionRunsWithTheContextItsTemplateGivesIt() {
        Reply reply = http.send(http.request("/echo/context").GET());

        assertThat(reply.headers().firstValue("X-Function")).hasValue("EchoFunction");
        assertThat(reply.headers().firstValue("X-Memory")).hasValue("256");
        assertThat(Integer.parseInt(reply.headers().firstValue("X-Remaining").orElseThrow())).isBetween(1, 1000);
        assertThat(reply.headers().firstValue("X-Request-Id")).isEqualTo(reply.headers().firstValue("x-amzn-RequestId"));
    }

    @Test
    void theStagePrefixSelectsTheSameRoute() {
        JsonNode event = http.send(http.request("/test/echo/staged").GET()).json();

        assertThat(event.get("path").asText()).isEqualTo("/echo/staged");
        assertThat(event.get("requestContext").get("path").asText()).isEqualTo("/test/echo/staged");
    }

    @Test
    void aFunctionThatThrowsIsABadGatewayWithTheErrorResponse() {
        Reply reply = http.send(http.request("/misbehave/throw").GET());

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.returnCode()).isEqualTo("INTERNAL_ERROR");
        assertThat(reply.body()).doesNotContain("the handler failed");
        assertThat(console.err()).contains("EchoFunction").contains("the handler failed");
    }

    @Test
    void aResponseWithoutStatusIsABadGateway() {
        Reply reply = http.send(http.request("/misbehave/no-status").GET());

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.returnCode()).isEqualTo("INTERNAL_ERROR");
    }

    @Test
    void aFunctionThatOutlivesItsTimeoutIsABadGateway() {
        Reply reply = http.send(http.request("/misbehave/slow").GET());

        assertThat(reply.status()).isEqualTo(502);
        assertThat(console.err()).contains("Task timed out after 1.00 seconds");
    }

    @Test
    void aBase64BodyReachesTheClientDecoded() {
        Reply reply = http.send(http.request("/misbehave/binary").GET());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("raw bytes");
        assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    }

    @Test
    void singleAndMultiValueHeadersAreMergedWithoutRepeatingAValue() {
        Reply reply = http.send(http.request("/misbehave/headers").GET());

        assertThat(reply.status()).isEqualTo(204);
        assertThat(reply.headers().allValues("X-Both")).containsExactly("a", "b");
        assertThat(reply.headers().allValues("X-Multi")).containsExactly("1", "2");
        assertThat(reply.headers().allValues("X-Single")).containsExactly("one");
        assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void withoutGatewayResponsesInTheTemplateAnUnknownPathIsTheServicesNotFound() {
        Reply reply = http.send(http.request("/nowhere").GET());

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.returnCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aMethodOfAnyAcceptsEveryMethod() {
        assertThat(http.send(http.request("/echo/any").DELETE()).status()).isEqualTo(200);
        assertThat(http.send(http.request("/echo/any").POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(200);
    }
}
