package dev.gatekeeper.contract;

import static dev.gatekeeper.contract.LocalGatekeeper.MERCHANT_KEY;
import static dev.gatekeeper.contract.LocalGatekeeper.PARTNER_KEY;
import static dev.gatekeeper.contract.LocalGatekeeper.basic;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.interaction.ApiOperationResolver;
import com.atlassian.oai.validator.model.ApiOperationMatch;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live responses of the local runner, for every operation of openapi.yaml and its main error statuses, validated
 * against the document by swagger-request-validator: the status is declared, the body matches its schema, the
 * content type and the required headers are those documented.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNKNOWN_TOKEN_ID = "00000000-0000-4000-8000-000000000000";
    /** The error statuses every operation is checked for, where the document declares them. */
    private static final Set<String> MAIN_STATUSES = Set.of("400", "401", "403", "404", "415", "422");
    /**
     * Declared but not reachable from this test: the OAuth endpoints answer 403 only from a source address outside
     * the organisation's allow-list, and the runner sees every request from 127.0.0.1.
     */
    private static final Set<String> UNREACHABLE = Set.of("introspectToken 403", "revokeTokenOAuth 403");

    private static LocalGatekeeper gatekeeper;
    private static OpenAPI document;
    private static OpenApiInteractionValidator validator;
    private static ApiOperationResolver operations;
    private static final HttpClient http = HttpClient.newHttpClient();
    /** "operationId status" of every response validated. */
    private static final Set<String> validated = new TreeSet<>();

    @BeforeAll
    static void start() {
        String location = LocalGatekeeper.openApiDocument().toUri().toString();
        document = new OpenAPIV3Parser().read(location);
        // Routes are served from the root (the runner's stage prefix is optional), not the servers' /{stage}.
        validator = OpenApiInteractionValidator.createForSpecificationUrl(location).withBasePathOverride("/").build();
        operations = new ApiOperationResolver(document, "/", true);
        gatekeeper = LocalGatekeeper.start();
    }

    @AfterAll
    static void stop() {
        if (gatekeeper != null) {
            gatekeeper.close();
        }
    }

    @Test
    void issuingOperationsAnswerAsDocumented() {
        String scopes = "{\"scopes\": [\"openbanking_pisp\"], \"expiresIn\": 300}";
        String products = "{\"products\": [\"open_banking_pis\"], \"resourceId\": \"pis-7f3a9c\"}";
        for (String path : new String[] {"/tokens", "/organisations/merchant01/tokens"}) {
            String key = path.startsWith("/organisations") ? PARTNER_KEY : MERCHANT_KEY;
            post(path, basic(key), "application/json", scopes, 201);
            post(path, basic(key), "application/json", "{\"scopes\": [", 400);
            post(path, null, "application/json", scopes, 401);
            post(path, basic("gk_unknown_key_000000000000000000000000000000"), "application/json", scopes, 401);
            post(path, basic(key), "text/plain", scopes, 415);
            post(path, basic(key), "application/json", "{\"scopes\": [\"openbanking_pisp\", \"pgroup_only\"]}", 422);
            post(path, basic(key), "application/json", "{\"scopes\": [\"openbanking_pisp\"], \"expiresIn\": 5}", 422);
        }
        // A token without admin or bankadmin may not ask for more tokens.
        post("/tokens", bearer(merchantToken("openbanking_pisp")), "application/json", scopes, 403);
        post("/organisations/merchant01/tokens", basic(MERCHANT_KEY), "application/json", scopes, 403);
        post("/organisations/pgroup0001/tokens", basic(PARTNER_KEY), "application/json", scopes, 404);

        for (String path : new String[] {"/applications/tokens", "/organisations/merchant01/applications/tokens"}) {
            String key = path.startsWith("/organisations") ? PARTNER_KEY : MERCHANT_KEY;
            post(path, basic(key), "application/json", products, 201);
            post(path, basic(key), "application/json", "[]", 400);
            post(path, null, "application/json", products, 401);
            post(path, basic(key), "application/x-www-form-urlencoded", "products=open_banking_pis", 415);
            post(path, basic(key), "application/json", "{}", 422);
            post(path, basic(key), "application/json",
                    "{\"products\": [\"open_banking_pis\"], \"resourceId\": \"has space\"}", 422);
        }
        post("/applications/tokens", basic(PARTNER_KEY), "application/json", products, 403);
        post("/organisations/merchant01/applications/tokens", basic(MERCHANT_KEY), "application/json", products, 403);
        post("/organisations/pgroup0001/applications/tokens", basic(PARTNER_KEY), "application/json", products, 404);
    }

    @Test
    void revokingOperationsAnswerAsDocumented() {
        String readOnly = bearer(merchantToken("openbanking_pisp"));

        String own = tokenId(post("/tokens", basic(MERCHANT_KEY), "application/json", "{\"scopes\": [\"admin\"]}", 201));
        post("/tokens/" + own + "/revoke", basic(MERCHANT_KEY), null, null, 200);
        post("/tokens/" + own + "/revoke", basic(MERCHANT_KEY), null, null, 200);
        post("/tokens/" + own + "/revoke", null, null, null, 401);
        post("/tokens/" + own + "/revoke", readOnly, null, null, 403);
        post("/tokens/" + UNKNOWN_TOKEN_ID + "/revoke", basic(MERCHANT_KEY), null, null, 404);
        post("/tokens/" + own + "/revoke", basic(MERCHANT_KEY), "text/plain", "revoke", 415);

        String forMerchant = tokenId(post("/organisations/merchant01/tokens", basic(PARTNER_KEY), "application/json",
                "{\"scopes\": [\"openbanking_aisp\"]}", 201));
        String path = "/organisations/merchant01/tokens/" + forMerchant + "/revoke";
        post(path, basic(PARTNER_KEY), "application/json", "{}", 200);
        post(path, null, null, null, 401);
        post(path, basic(MERCHANT_KEY), null, null, 403);
        post("/organisations/merchant01/tokens/" + UNKNOWN_TOKEN_ID + "/revoke", basic(PARTNER_KEY), null, null, 404);
        post("/organisations/pgroup0001/tokens/" + forMerchant + "/revoke", basic(PARTNER_KEY), null, null, 404);
        post(path, basic(PARTNER_KEY), "text/plain", "revoke", 415);

        post("/tokens/revoke", basic(MERCHANT_KEY), null, null, 200);
        post("/tokens/revoke", null, null, null, 401);
        post("/tokens/revoke", bearer(merchantToken("openbanking_aisp")), null, null, 403);
        post("/tokens/revoke", basic(MERCHANT_KEY), "text/plain", "all", 415);

        post("/organisations/merchant01/tokens/revoke", basic(PARTNER_KEY), null, null, 200);
        post("/organisations/merchant01/tokens/revoke", null, null, null, 401);
        post("/organisations/merchant01/tokens/revoke", basic(MERCHANT_KEY), null, null, 403);
        post("/organisations/pgroup0001/tokens/revoke", basic(PARTNER_KEY), null, null, 404);
        post("/organisations/merchant01/tokens/revoke", basic(PARTNER_KEY), "text/plain", "all", 415);
    }

    @Test
    void oauthEndpointsAnswerAsDocumented() {
        get("/.well-known/jwks.json", 200);

        String form = "application/x-www-form-urlencoded";
        String application = accessToken(post("/applications/tokens", basic(MERCHANT_KEY), "application/json",
                "{\"products\": [\"open_banking_pis\"], \"resourceId\": \"pis-7f3a9c\"}", 201));
        String token = merchantToken("openbanking_pisp");
        for (String path : new String[] {"/oauth2/introspect", "/oauth2/revoke"}) {
            post(path, basic(MERCHANT_KEY), form, "token=not-a-jwt", 200);
            post(path, basic(MERCHANT_KEY), form, "token_type_hint=access_token", 400);
            post(path, basic(MERCHANT_KEY), form, "token=a&token=b", 400);
            post(path, null, form, "token=" + encode(token), 401);
            post(path, bearer(token), form, "token=" + encode(token), 401);
            post(path, basic(MERCHANT_KEY), "application/json", "{\"token\": \"x\"}", 415);
        }
        JsonNode active = body(post("/oauth2/introspect", basic(PARTNER_KEY), form, "token=" + encode(application), 200));
        assertThat(active.get("active").asBoolean()).isTrue();
        post("/oauth2/revoke", basic(MERCHANT_KEY), form, "token=" + encode(token) + "&token_type_hint=access_token", 200);
        JsonNode inactive = body(post("/oauth2/introspect", basic(MERCHANT_KEY), form, "token=" + encode(token), 200));
        assertThat(inactive.get("active").asBoolean()).isFalse();
    }

    /** Last: it reads what the other tests validated. */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyOperationAndItsMainErrorStatusesWereValidated() {
        Map<String, Set<String>> declared = new TreeMap<>();
        document.getPaths().values().forEach(item -> item.readOperations().forEach(operation -> declared.put(
                operation.getOperationId(), mainStatuses(operation))));

        Set<String> validatedOperations = validated.stream().map(entry -> entry.split(" ")[0])
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(validatedOperations).as("operations validated").isEqualTo(declared.keySet());

        Set<String> expected = declared.entrySet().stream()
                .flatMap(entry -> entry.getValue().stream().map(status -> entry.getKey() + " " + status))
                .filter(entry -> !UNREACHABLE.contains(entry))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(validated).as("operation and status pairs validated").containsAll(expected);
    }

    private static Set<String> mainStatuses(Operation operation) {
        return operation.getResponses().keySet().stream()
                .filter(status -> status.startsWith("2") || MAIN_STATUSES.contains(status))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static HttpResponse<String> post(String path, String authorization, String contentType, String body,
            int expectedStatus) {
        HttpRequest.Builder request = request(path)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return exchange(request.build(), Request.Method.POST, path, expectedStatus);
    }

    private static HttpResponse<String> get(String path, int expectedStatus) {
        return exchange(request(path).GET().build(), Request.Method.GET, path, expectedStatus);
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(gatekeeper.baseUri().resolve(path)).timeout(Duration.ofSeconds(30));
    }

    /** Sends the request and validates its response against the operation the document has for the path. */
    private static HttpResponse<String> exchange(HttpRequest request, Request.Method method, String path,
            int expectedStatus) {
        HttpResponse<String> response = send(request);
        String description = method + " " + path + " -> " + response.statusCode() + " " + response.body();
        assertThat(response.statusCode()).as(description).isEqualTo(expectedStatus);

        ApiOperationMatch match = operations.findApiOperation(path, method);
        assertThat(match.isPathFound() && match.isOperationAllowed()).as("in the document: " + description).isTrue();
        // The validator checks the content type against the declared ones only when there is one: require it.
        assertThat(response.headers().firstValue("Content-Type")).as(description).isPresent();

        SimpleResponse.Builder live = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().map().forEach(live::withHeader);
        ValidationReport report = validator.validateResponse(path, method, live.build());
        assertThat(report.getMessages()).as(description).isEmpty();

        validated.add(match.getApiOperation().getOperation().getOperationId() + " " + response.statusCode());
        return response;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(request.uri() + " interrupted", e);
        }
    }

    private static String merchantToken(String scope) {
        return accessToken(post("/tokens", basic(MERCHANT_KEY), "application/json",
                "{\"scopes\": [\"" + scope + "\"], \"expiresIn\": 600}", 201));
    }

    private static String bearer(String accessToken) {
        return "Bearer " + accessToken;
    }

    private static String accessToken(HttpResponse<String> issued) {
        return body(issued).path("data").path("accessToken").asText();
    }

    private static String tokenId(HttpResponse<String> issued) {
        return body(issued).path("data").path("id").asText();
    }

    private static JsonNode body(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.body(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
