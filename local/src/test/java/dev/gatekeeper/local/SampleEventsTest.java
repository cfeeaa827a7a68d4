package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.local.template.FunctionDefinition;
import dev.gatekeeper.local.template.SamTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample event in events/, run through {@code invoke} with the function events/README.md names for it, the
 * way a developer runs it, against the organisations of events/seed.json in one data directory. A stale event (its
 * route is not that function's in the template) or a route whose handler does something else fails here.
 */
class SampleEventsTest {
    static final UUID TOKEN_OF_THE_REVOKE_EVENTS = UUID.fromString("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern README_ROW = Pattern.compile("(?m)^\\| `([^`]+\\.json)` \\| `([A-Za-z0-9]+)` \\|");
    private static final List<String> NOT_EVENTS = List.of("env.json", "seed.json");

    /** Beyond a 2xx: what each known event's response shows when the right handler answered it. */
    private static final Map<String, Consumer<JsonNode>> EXPECTED = Map.of(
            "request-token.json", body -> assertToken(body, "merchant01", false),
            "request-organisation-token.json", body -> assertToken(body, "partner001", false),
            "request-application-token.json", body -> assertToken(body, "merchant01", true),
            "request-organisation-application-token.json", body -> assertToken(body, "partner001", true),
            "revoke-token.json", SampleEventsTest::assertRevokedTheEventsToken,
            "revoke-organisation-token.json", SampleEventsTest::assertRevokedTheEventsToken,
            "revoke-all-tokens.json", body -> assertThat(body.get("data").has("revokedTokensCount")).isTrue(),
            "revoke-organisation-tokens.json", body -> assertThat(body.get("data").has("revokedTokensCount")).isTrue(),
            "jwks.json", body -> assertThat(body.get("keys")).isNotEmpty());

    @TempDir
    static Path data;

    private static final SamTemplate template = SamTemplate.load(Repository.template());

    @BeforeAll
    static void issueTheTokenTheRevokeEventsName() {
        Deque<UUID> ids = new ArrayDeque<>(List.of(TOKEN_OF_THE_REVOKE_EVENTS));
        Invocation issued = invoke(() -> Optional.ofNullable(ids.poll()).orElseGet(UUID::randomUUID),
                documentedFunction("request-token.json"), Repository.event("request-token.json"));

        assertThat(issued.status()).as(issued.console().err()).isZero();
        assertThat(issued.body().get("data").get("id").asText()).isEqualTo(TOKEN_OF_THE_REVOKE_EVENTS.toString());
    }

    @TestFactory
    Stream<DynamicTest> everyApiEventSucceedsThroughTheFunctionItIsDocumentedFor() throws IOException {
        List<Path> events;
        try (Stream<Path> files = Files.list(Repository.events())) {
            events = files.filter(file -> file.toString().endsWith(".json"))
                    .filter(file -> !NOT_EVENTS.contains(file.getFileName().toString()))
                    .sorted()
                    .toList();
        }
        assertThat(events).hasSizeGreaterThanOrEqualTo(8);
        // Events of functions without an Api event (rotation, authorizer) are run by NonApiEventsTest; make sure
        // no other event lands there unnoticed.
        List<Path> apiEvents = events.stream().filter(file -> isApiFunctionEvent(file)).toList();
        assertThat(events.stream().filter(file -> !apiEvents.contains(file)).map(file -> file.getFileName().toString()))
                .containsExactlyInAnyOrder("rotate-signing-key.json", "token-authorizer.json");
        return apiEvents.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
    }

    private static boolean isApiFunctionEvent(Path file) {
        String functionId = documentedFunction(file.getFileName().toString());
        return template.function(functionId).map(FunctionDefinition::hasApiEvent).orElse(true);
    }

    private static void run(Path file) {
        String name = file.getFileName().toString();
        String functionId = documentedFunction(name);
        Optional<FunctionDefinition> function = template.function(functionId);
        assertThat(function).as(functionId + ", named for " + name + " in events/README.md, is not in the template").isPresent();
        JsonNode event = read(file);
        assertThat(function.get().routes())
                .as(name + " is a " + event.path("httpMethod").asText() + " of " + event.path("resource").asText()
                        + ", which is not a route of " + functionId + " in the template")
                .anyMatch(route -> route.path().equals(event.path("resource").asText())
                        && route.accepts(event.path("httpMethod").asText()));

        Invocation invocation = invoke(UUID::randomUUID, functionId, file);

        assertThat(invocation.status()).as(invocation.console().err()).isZero();
        int statusCode = invocation.response().get("statusCode").asInt();
        assertThat(statusCode).as(name + " answered " + invocation.console().out()).isBetween(200, 299);
        EXPECTED.getOrDefault(name, any -> { }).accept(invocation.body());
    }

    @Test
    void everyEventFileIsDocumentedWithItsFunction() throws IOException {
        try (Stream<Path> files = Files.list(Repository.events())) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".json") && !NOT_EVENTS.contains(name))
                    .forEach(SampleEventsTest::documentedFunction);
        }
    }

    record Invocation(int status, Console console) {
        /** What invoke printed: the proxy response. */
        JsonNode response() {
            return readJson(console.out());
        }

        /** The body of the proxy response. */
        JsonNode body() {
            return readJson(response().get("body").asText());
        }
    }

    static Invocation invoke(Supplier<UUID> tokenIds, String functionId, Path event) {
        Console console = new Console();
        int status = console.runner(Clock.systemUTC(), tokenIds).run("invoke", functionId, "-e", event.toString(),
                "--data-dir", data.toString(), "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString());
        return new Invocation(status, console);
    }

    /** The function events/README.md names for an event file. */
    static String documentedFunction(String eventFile) {
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher row = README_ROW.matcher(readText(Repository.event("README.md")));
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        assertThat(documented).as("events/README.md documents no function for " + eventFile).containsKey(eventFile);
        return documented.get(eventFile);
    }

    private static void assertToken(JsonNode body, String requestingOrganisation, boolean applicationToken) {
        JsonNode data = body.get("data");
        assertThat(data.get("accessToken").asText()).startsWith("eyJ");
        assertThat(data.get("requestedOrganisation").asText()).isEqualTo("merchant01");
        assertThat(data.get("requestingOrganisation").asText()).isEqualTo(requestingOrganisation);
        assertThat(data.path("applicationToken").asBoolean()).isEqualTo(applicationToken);
    }

    private static void assertRevokedTheEventsToken(JsonNode body) {
        assertThat(body.get("data").get("id").asText()).isEqualTo(TOKEN_OF_THE_REVOKE_EVENTS.toString());
        assertThat(body.get("data").get("status").asText()).isEqualTo("REVOKED");
    }

    private static JsonNode read(Path file) {
        return readJson(readText(file));
    }

    static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
