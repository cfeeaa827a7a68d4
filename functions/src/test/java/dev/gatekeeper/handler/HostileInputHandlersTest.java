package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests, as API Gateway events, through the real handlers, DynamoDB Local and moto. Every case states
 * the status it must get; every error must be an {@code ErrorResponse} that names no exception, shows no stack
 * trace and echoes at most {@value #MAX_ECHO} characters of the input; a refused request must change nothing
 * stored, and an accepted one must store exactly one token.
 */
class HostileInputHandlersTest {
    private static final int MAX_ECHO = 64;
    private static final UUID EXISTING_TOKEN_ID = UUID.fromString("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
    private static final String ID = EXISTING_TOKEN_ID.toString();
    private static final List<String> ORGANISATIONS = List.of("pgroup0001", "partner001", "merchant01", "merchant02",
            "partner002", "merchant99");
    private static final Pattern LEAK = Pattern.compile(
            "(?i)exception|\\tat |java\\.|javax\\.|dev\\.gatekeeper|software\\.amazon|com\\.amazonaws|com\\.fasterxml|jackson|nimbus|dynamodb|secretsmanager");

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    /** A token of merchant01 (scope admin) that exists before each case: a bearer credential and a revocation target. */
    private String existingAccessToken;

    @BeforeEach
    void issueATokenToAttack() {
        gk.nextTokenIds(EXISTING_TOKEN_ID);
        existingAccessToken = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
    }

    /** One row: an operation, the event sent to it (built once the fixture holds the existing token), what must come back. */
    record Case(String name, Function<Gatekeeper, ? extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> handler,
            Function<String, APIGatewayProxyRequestEvent> event, int status, String returnCode, String hostileInput) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aHostileRequestGetsItsDefinedAnswerAndChangesNothingItShouldNot(Case c) {
        List<TokenRecord> before = storedTokens();

        Response response = gk.invoke(c.handler(), c.event().apply(existingAccessToken));

        assertThat(response.status()).as("status of %s: %s", c.name(), abbreviate(response.raw().getBody())).isEqualTo(c.status());
        assertThat(response.raw().getHeaders()).allSatisfy((name, value) -> {
            assertThat(name).doesNotContain("\r", "\n").isNotEqualToIgnoringCase("X-Injected");
            assertThat(value).doesNotContain("\r", "\n");
        });
        List<TokenRecord> after = storedTokens();
        if (c.status() >= 400) {
            JsonNode body = response.body();
            assertThat(response.returnCode()).isEqualTo(c.returnCode());
            assertThat(body.path("returnDescription").asText()).isNotBlank();
            assertThat(response.raw().getBody()).doesNotContainPattern(LEAK);
            assertNoLongEcho(body, c.hostileInput());
            assertThat(after).as("a refused request stores nothing and revokes nothing").isEqualTo(before);
        } else {
            assertThat(response.data().get("status").asText()).isEqualTo("ACTIVE");
            // A token minted with the existing one marks it as having minted; nothing else of it changes.
            assertThat(after).hasSize(before.size() + 1)
                    .usingRecursiveFieldByFieldElementComparatorIgnoringFields("minted").containsAll(before);
        }
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(hugeAndMalformedBodies());
        cases.addAll(wrongTypes());
        cases.addAll(controlAndUnicodeCharactersInScopes());
        cases.addAll(hostileOrganisationIds());
        cases.addAll(hostileTokenIds());
        cases.addAll(hostileHeaders());
        cases.addAll(legalVariants());
        return cases.stream().map(Arguments::of);
    }

    private static List<Case> hugeAndMalformedBodies() {
        String oneMegabyte = "{\"scopes\":[\"admin\"],\"padding\":\"" + "a".repeat(1 << 20) + "\"}";
        String tenMegabytes = "{\"scopes\":[\"" + "b".repeat(10 << 20) + "\"]}";
        String deepArrays = "{\"scopes\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        String deepObjects = "{\"scopes\":[\"admin\"],\"x\":" + "{\"x\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}";
        String tenThousandScopes = scopes(10_000, "a");
        String tenThousandRealScopes = scopes(10_000, "admin");
        return List.of(
                ownToken("a 1 MB body", oneMegabyte, 400, "BAD_REQUEST"),
                ownToken("a 10 MB body", tenMegabytes, 400, "BAD_REQUEST"),
                ownToken("10 000 nested arrays", deepArrays, 400, "BAD_REQUEST"),
                ownToken("5 000 nested objects", deepObjects, 400, "BAD_REQUEST"),
                ownToken("duplicate keys", "{\"scopes\":[\"admin\"],\"scopes\":[\"admin\"]}", 400, "BAD_REQUEST"),
                ownToken("duplicate keys differing in escapes", "{\"scopes\":[\"admin\"],\"scop\\u0065s\":[\"admin\"]}", 400, "BAD_REQUEST"),
                ownToken("keys differing only in case", "{\"scopes\":[\"admin\"],\"Scopes\":[\"admin\"]}", 422, "VALIDATION_FAILED"),
                ownToken("trailing data", "{\"scopes\":[\"admin\"]}{\"scopes\":[\"admin\"]}", 400, "BAD_REQUEST"),
                ownToken("an empty body", "", 400, "BAD_REQUEST"),
                ownToken("a NUL body", "\u0000", 400, "BAD_REQUEST"),
                ownToken("10 000 scopes (40 KB)", tenThousandScopes, 422, "VALIDATION_FAILED"),
                ownToken("10 000 allowed scopes (80 KB, over the body limit)", tenThousandRealScopes, 400, "BAD_REQUEST"),
                new Case("a body that claims base64 but is not", RequestTokenHandler::new,
                        token -> rawBase64(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json("").build(), "%%%not base64%%%"),
                        400, "BAD_REQUEST", "%%%not base64%%%"));
    }

    private static List<Case> wrongTypes() {
        return List.of(
                ownToken("a JSON array body", "[{\"scopes\":[\"admin\"]}]", 400, "BAD_REQUEST"),
                ownToken("a JSON string body", "\"admin\"", 400, "BAD_REQUEST"),
                ownToken("a JSON null body", "null", 400, "BAD_REQUEST"),
                ownToken("scopes as a string", "{\"scopes\":\"admin\"}", 422, "VALIDATION_FAILED"),
                ownToken("scopes as null", "{\"scopes\":null}", 422, "VALIDATION_FAILED"),
                ownToken("scopes as an object", "{\"scopes\":{\"admin\":true}}", 422, "VALIDATION_FAILED"),
                ownToken("a scope as a number", "{\"scopes\":[1]}", 422, "VALIDATION_FAILED"),
                ownToken("a scope as a nested array", "{\"scopes\":[[\"admin\"]]}", 422, "VALIDATION_FAILED"),
                ownToken("expiresIn as a string", "{\"scopes\":[\"admin\"],\"expiresIn\":\"60\"}", 422, "VALIDATION_FAILED"),
                ownToken("expiresIn as a boolean", "{\"scopes\":[\"admin\"],\"expiresIn\":true}", 422, "VALIDATION_FAILED"),
                ownToken("expiresIn as a fraction", "{\"scopes\":[\"admin\"],\"expiresIn\":1.5}", 422, "VALIDATION_FAILED"),
                ownToken("expiresIn past a long", "{\"scopes\":[\"admin\"],\"expiresIn\":99999999999999999999999}", 422, "VALIDATION_FAILED"),
                ownToken("expiresIn negative", "{\"scopes\":[\"admin\"],\"expiresIn\":-1}", 422, "VALIDATION_FAILED"),
                ownToken("an unknown field with a long name", "{\"scopes\":[\"admin\"],\"" + "z".repeat(5_000) + "\":1}", 422, "VALIDATION_FAILED"),
                new Case("products as a string", RequestApplicationTokenHandler::new,
                        token -> ApiEvents.post("/applications/tokens").apiKey(MERCHANT_KEY)
                                .json("{\"products\":\"open_banking_pis\",\"resourceId\":\"pis1\"}").build(),
                        422, "VALIDATION_FAILED", "open_banking_pis"),
                new Case("resourceId as an object", RequestApplicationTokenHandler::new,
                        token -> ApiEvents.post("/applications/tokens").apiKey(MERCHANT_KEY)
                                .json("{\"products\":[\"open_banking_pis\"],\"resourceId\":{\"id\":1}}").build(),
                        422, "VALIDATION_FAILED", ""));
    }

    private static List<Case> controlAndUnicodeCharactersInScopes() {
        List<Case> cases = new ArrayList<>();
        for (String[] scope : new String[][] {
                {"NUL", "adm\\u0000in"}, {"CR/LF", "admin\\r\\nX-Injected: 1"}, {"RTL override", "\\u202Enimda"},
                {"emoji", "admin\uD83D\uDE00"}, {"fullwidth letters", "\uFF41\uFF44\uFF4D\uFF49\uFF4E"},
                {"a lone surrogate", "admin\\uD800"}, {"a 10 000 character scope", "a".repeat(10_000)}}) {
            cases.add(ownToken("a scope with " + scope[0], "{\"scopes\":[\"" + scope[1] + "\"]}", 422, "VALIDATION_FAILED"));
        }
        // Overlong UTF-8 for '/' (C0 AF) and invalid bytes, as API Gateway passes binary bodies: base64-encoded.
        byte[] overlong = concat("{\"scopes\":[\"admin".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC0, (byte) 0xAF},
                "\"]}".getBytes(StandardCharsets.US_ASCII));
        cases.add(new Case("a scope with overlong UTF-8", RequestTokenHandler::new,
                token -> rawBase64(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json("").build(), overlong), 422, "VALIDATION_FAILED", ""));
        cases.add(new Case("a resourceId with path traversal", RequestApplicationTokenHandler::new,
                token -> ApiEvents.post("/applications/tokens").apiKey(MERCHANT_KEY)
                        .json("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"../../etc/passwd\"}").build(),
                422, "VALIDATION_FAILED", "../../etc/passwd"));
        cases.add(new Case("a resourceId with CR/LF", RequestApplicationTokenHandler::new,
                token -> ApiEvents.post("/applications/tokens").apiKey(MERCHANT_KEY)
                        .json("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"pis1\\r\\nX-Injected: 1\"}").build(),
                422, "VALIDATION_FAILED", ""));
        return cases;
    }

    private static List<Case> hostileOrganisationIds() {
        List<Case> cases = new ArrayList<>();
        for (String id : List.of("merchant01\u0000", "merchant01\r\nX-Injected: 1", "\u202E10tnahcrem", "merchant01\uD83D\uDE00",
                "\uFF4Derchant01", "MERCHANT01", "merchant01 ", "../merchant01", "..%2Fmerchant01", "%2e%2e%2fmerchant01",
                "partner001/../merchant99", "merchant99", "merchant01%00", "m".repeat(10_000), "")) {
            String shown = id.length() > 40 ? id.substring(0, 40) + "..." : id;
            cases.add(new Case("organisation id " + printable(shown), RequestOrganisationTokenHandler::new,
                    token -> ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", id)
                            .apiKey(PARTNER_KEY).json("{\"scopes\":[\"admin\"]}").build(),
                    404, "NOT_FOUND", id));
            cases.add(new Case("revoke-all for organisation id " + printable(shown), RevokeOrganisationTokensHandler::new,
                    token -> ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/revoke", "encodedOrganisationId", id)
                            .apiKey(PARTNER_KEY).build(),
                    404, "NOT_FOUND", id));
        }
        return cases;
    }

    private static List<Case> hostileTokenIds() {
        List<Case> cases = new ArrayList<>();
        for (String id : List.of(ID + "\u0000", ID + "\r\nX-Injected: 1", "\u202E" + ID, ID + "\uD83D\uDE00", ID.toUpperCase(),
                "../" + ID, "..%2F" + ID, "%2e%2e%2f" + ID, "revoke/../" + ID, ID + "/../" + ID, ID + "%00", " " + ID,
                "{" + ID + "}", ID.replace("-", ""), "x".repeat(10_000), "")) {
            String shown = id.length() > 50 ? id.substring(0, 50) + "..." : id;
            cases.add(new Case("token id " + printable(shown), RevokeTokenHandler::new,
                    token -> ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", id).apiKey(MERCHANT_KEY).build(),
                    404, "NOT_FOUND", id));
            cases.add(new Case("token id " + printable(shown) + " below merchant01", RevokeOrganisationTokenHandler::new,
                    token -> ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                            "encodedOrganisationId", "merchant01", "tokenId", id).apiKey(PARTNER_KEY).build(),
                    404, "NOT_FOUND", id));
        }
        return cases;
    }

    private static List<Case> hostileHeaders() {
        String body = "{\"scopes\":[\"admin\"]}";
        String valid = ApiEvents.basic(MERCHANT_KEY);
        return List.of(
                withAuthorization("Basic with a password", body, 401, basicOf(MERCHANT_KEY + ":secret")),
                withAuthorization("Basic with a space as password", body, 401, basicOf(MERCHANT_KEY + ": ")),
                withAuthorization("Basic without the colon", body, 401, basicOf(MERCHANT_KEY)),
                withAuthorization("Basic with CR/LF after the key", body, 401, valid + "\r\nX-Injected: 1"),
                withAuthorization("Basic with CR/LF inside the encoded key", body, 401, basicOf(MERCHANT_KEY + "\r\nX-Injected: 1:")),
                withAuthorization("Basic with a NUL in the key", body, 401, basicOf(MERCHANT_KEY + "\u0000:")),
                withAuthorization("two identical valid Authorization headers", body, 401, valid, valid),
                withAuthorization("a valid and an invalid Authorization header", body, 401, valid, "Basic Z2tfbm9wZTo="),
                withAuthorization("an invalid and a valid Authorization header", body, 401, "Basic Z2tfbm9wZTo=", valid),
                withAuthorization("Basic and Bearer together", body, 401, valid, "Bearer abc.def.ghi"),
                new Case("Authorization and authorization as two header names", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").header("Authorization", valid).header("authorization", valid).json(body).build(),
                        401, "UNAUTHORIZED", ""),
                withAuthorization("Bearer with CR/LF after the token", body, 401, EXISTING_TOKEN_WITH_CRLF),
                withAuthorization("an unknown scheme", body, 401, "Digest username=\"" + MERCHANT_KEY + "\""),
                withAuthorization("a 100 000 character Authorization header", body, 401, "Basic " + "A".repeat(100_000)),
                new Case("Content-Type with CR/LF", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).header("Content-Type", "application/json\r\nX-Injected: 1")
                                .body(body).build(),
                        415, "UNSUPPORTED_MEDIA_TYPE", ""),
                new Case("Content-Type text/plain", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).header("Content-Type", "text/plain").body(body).build(),
                        415, "UNSUPPORTED_MEDIA_TYPE", ""),
                new Case("no Content-Type", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).body(body).build(),
                        415, "UNSUPPORTED_MEDIA_TYPE", ""),
                new Case("two Content-Type headers", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).header("Content-Type", "application/json")
                                .json(body).build(),
                        415, "UNSUPPORTED_MEDIA_TYPE", ""));
    }

    private static List<Case> legalVariants() {
        String body = "{\"scopes\":[\"admin\"]}";
        String encoded = Base64.getEncoder().encodeToString((MERCHANT_KEY + ":").getBytes(StandardCharsets.UTF_8));
        return List.of(
                withAuthorization("a lower-case basic scheme", body, 201, "basic " + encoded),
                withAuthorization("an upper-case BASIC scheme", body, 201, "BASIC " + encoded),
                new Case("a lower-case bearer scheme", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").header("Authorization", "bearer " + token).json(body).build(), 201, null, ""),
                new Case("Content-Type with a charset", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).header("Content-Type", "application/json; charset=utf-8")
                                .body(body).build(),
                        201, null, ""),
                new Case("a lower-case authorization header name", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").header("authorization", ApiEvents.basic(MERCHANT_KEY)).json(body).build(),
                        201, null, ""),
                new Case("CR/LF in an unrelated header", RequestTokenHandler::new,
                        token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).header("User-Agent", "x\r\nX-Injected: 1").json(body).build(),
                        201, null, ""),
                ownToken("unicode in JSON whitespace and escapes", "{ \"scop\\u0065s\" : [ \"\\u0061dmin\" ] }", 201, null));
    }

    private static Case ownToken(String name, String body, int status, String returnCode) {
        return new Case(name, RequestTokenHandler::new, token -> ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(body).build(),
                status, returnCode, body);
    }

    /** Stands for "Bearer " + the existing token + CR/LF and a header, in {@link #withAuthorization}. */
    private static final String EXISTING_TOKEN_WITH_CRLF = "existing token with CR/LF";

    /** POST /tokens with these Authorization headers, in order. */
    private static Case withAuthorization(String name, String body, int status, String... authorizations) {
        return new Case(name, RequestTokenHandler::new, token -> {
            ApiEvents event = ApiEvents.post("/tokens").json(body);
            for (String authorization : authorizations) {
                event.header("Authorization", authorization.equals(EXISTING_TOKEN_WITH_CRLF) ? "Bearer " + token + "\r\nX-Injected: 1" : authorization);
            }
            return event.build();
        }, status, status == 201 ? null : "UNAUTHORIZED", String.join("\n", authorizations));
    }

    private List<TokenRecord> storedTokens() {
        List<TokenRecord> all = new ArrayList<>();
        for (String organisation : ORGANISATIONS) {
            all.addAll(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId(organisation), 1_000));
        }
        return all;
    }

    /** No text value of the response repeats more than {@value #MAX_ECHO} consecutive characters of the input. */
    private static void assertNoLongEcho(JsonNode body, String input) {
        List<String> texts = new ArrayList<>();
        collectTexts(body, texts);
        for (String text : texts) {
            for (int i = 0; i + MAX_ECHO < text.length(); i++) {
                String window = text.substring(i, i + MAX_ECHO + 1);
                assertThat(input.contains(window)).as("the response echoes input: %s", abbreviate(text)).isFalse();
            }
        }
    }

    private static void collectTexts(JsonNode node, List<String> texts) {
        if (node.isTextual()) {
            texts.add(node.asText());
        }
        node.forEach(child -> collectTexts(child, texts));
        node.fieldNames().forEachRemaining(texts::add);
    }

    private static String scopes(int count, String scope) {
        return "{\"scopes\":[" + String.join(",", Collections.nCopies(count, "\"" + scope + "\"")) + "]}";
    }

    private static String basicOf(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static APIGatewayProxyRequestEvent rawBase64(APIGatewayProxyRequestEvent event, String notBase64) {
        return event.withBody(notBase64).withIsBase64Encoded(true);
    }

    private static APIGatewayProxyRequestEvent rawBase64(APIGatewayProxyRequestEvent event, byte[] bytes) {
        return event.withBody(Base64.getEncoder().encodeToString(bytes)).withIsBase64Encoded(true);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static String printable(String text) {
        StringBuilder shown = new StringBuilder();
        text.codePoints().forEach(c -> shown.append(c < 0x20 || c == 0x7f || (c >= 0x202a && c <= 0x202e) || c > 0xffff
                ? String.format("\\u%04X", c) : String.valueOf(Character.toChars(c))));
        return shown.isEmpty() ? "(empty)" : shown.toString();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
