package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.local.Http.Reply;
import dev.gatekeeper.local.template.ApiRoute;
import dev.gatekeeper.local.template.SamTemplate;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner end to end, over real HTTP: started in this JVM on a free port, in memory, with the organisations
 * and keys of events/seed.json, serving the real template's functions.
 */
class LocalApiTest {
    static final String GROUP_KEY = "gk_demo_partner_group_key_0000000000000000000000";
    static final String PARTNER_KEY = "gk_demo_partner_key_00000000000000000000000000";
    static final String MERCHANT_KEY = "gk_demo_merchant_key_0000000000000000000000000";
    static final String FILTERED_MERCHANT_KEY = "gk_demo_merchant2_key_000000000000000000000000";

    private static final Console console = new Console();
    private static LocalApi api;
    private static Http http;

    @BeforeAll
    static void start() {
        api = console.runner().serve("--port", "0", "--in-memory", "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString());
        http = new Http(api.baseUri());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void everyApiRouteOfTheTemplateReachesItsFunction() {
        List<ApiRoute> routes = SamTemplate.load(Repository.template()).routes();
        assertThat(routes).isNotEmpty();
        for (ApiRoute route : routes) {
            String path = route.path().replaceAll("\\{[^}]+}", "merchant01");
            Reply reply = http.send(http.request(path).method(route.method(), HttpRequest.BodyPublishers.noBody()));

            // Whatever the function thinks of a request without credentials, it is the function that answers.
            assertThat(reply.headers().firstValue("x-amzn-ErrorType")).as(route.toString()).isEmpty();
            assertThat(reply.status()).as(route.toString()).isBetween(200, 499).isNotEqualTo(405);
            assertThat(console.err()).contains(route.method() + " " + path + " " + reply.status());
        }
    }

    @Test
    void aMerchantExchangesItsApiKeyForATokenAndRevokesIt() {
        Reply issued = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"openbanking_pisp\"], \"expiresIn\": 360}");
        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.data().get("requestedOrganisation").asText()).isEqualTo("merchant01");
        assertThat(issued.data().get("accessToken").asText()).startsWith("eyJ");
        assertThat(issued.headers().firstValue("Content-Type")).hasValue("application/json");

        Reply revoked = http.post("/tokens/" + issued.tokenId() + "/revoke", MERCHANT_KEY);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(revoked.data().get("id").asText()).isEqualTo(issued.tokenId());
    }

    @Test
    void aMerchantGetsAnApplicationTokenForOneOfItsProducts() {
        Reply issued = http.postJson("/applications/tokens", MERCHANT_KEY,
                "{\"products\": [\"open_banking_pis\"], \"resourceId\": \"merchant01\"}");

        assertThat(issued.status()).isEqualTo(201);
        assertThat(issued.data().get("applicationToken").asBoolean()).isTrue();
    }

    @Test
    void aPartnerIssuesAndRevokesTokensForItsMerchant() {
        Reply token = http.postJson("/organisations/merchant01/tokens", PARTNER_KEY, "{\"scopes\": [\"openbanking_pisp\"]}");
        Reply application = http.postJson("/organisations/merchant01/applications/tokens", PARTNER_KEY,
                "{\"products\": [\"open_banking_pis\"], \"resourceId\": \"merchant01\"}");
        assertThat(token.status()).isEqualTo(201);
        assertThat(token.data().get("requestingOrganisation").asText()).isEqualTo("partner001");
        assertThat(token.data().get("requestedOrganisation").asText()).isEqualTo("merchant01");
        assertThat(application.status()).isEqualTo(201);

        Reply revoked = http.post("/organisations/merchant01/tokens/" + token.tokenId() + "/revoke", PARTNER_KEY);
        Reply revokedAll = http.post("/organisations/merchant01/tokens/revoke", PARTNER_KEY);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(revokedAll.status()).isEqualTo(200);
        assertThat(revokedAll.data().get("revokedTokensCount").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aPartnerGroupActsForAMerchantTwoLevelsBelowIt() {
        Reply token = http.postJson("/organisations/merchant01/tokens", GROUP_KEY, "{\"scopes\": [\"openbanking_pisp\"]}");

        assertThat(token.status()).isEqualTo(201);
        assertThat(token.data().get("requestingOrganisation").asText()).isEqualTo("pgroup0001");
    }

    @Test
    void revokeAllRevokesEveryActiveTokenOfTheCaller() {
        http.postJson("/tokens", FILTERED_MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        http.postJson("/tokens", FILTERED_MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

        Reply revokedAll = http.post("/tokens/revoke", FILTERED_MERCHANT_KEY);

        assertThat(revokedAll.status()).isEqualTo(200);
        assertThat(revokedAll.data().get("revokedTokensCount").asLong()).isEqualTo(2);
    }

    @Test
    void aBearerTokenWorksUntilItIsRevoked() {
        Reply issued = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        assertThat(bearerTokenRequest(issued.accessToken()).status()).isEqualTo(201);
        assertThat(http.post("/tokens/" + issued.tokenId() + "/revoke", MERCHANT_KEY).status()).isEqualTo(200);

        Reply afterRevocation = bearerTokenRequest(issued.accessToken());

        assertThat(afterRevocation.status()).isEqualTo(401);
        assertThat(afterRevocation.returnCode()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void theStagePrefixOfTheDeployedUrlIsAcceptedToo() {
        Reply issued = http.postJson("/v1/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

        assertThat(issued.status()).isEqualTo(201);
    }

    @Test
    void malformedJsonIsABadRequest() {
        Reply reply = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.returnCode()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void anUnknownApiKeyIsUnauthorized() {
        Reply reply = http.postJson("/tokens", "gk_not_a_key_anyone_has_000000000000", "{\"scopes\": [\"admin\"]}");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.returnCode()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aMerchantCannotUseAPartnerOperation() {
        Reply reply = http.postJson("/organisations/merchant02/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.returnCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void anOrganisationOutsideThePartnersTreeIsNotFound() {
        Reply reply = http.postJson("/organisations/nosuchorg1/tokens", PARTNER_KEY, "{\"scopes\": [\"openbanking_pisp\"]}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.returnCode()).isEqualTo("NOT_FOUND");
        assertThat(reply.headers().firstValue("x-amzn-ErrorType")).isEmpty();
    }

    @Test
    void aPathNoRouteMatchesIsNotFoundAsTheTemplatesGatewayResponseSays() {
        Reply reply = http.postJson("/tokens/a/b/c", MERCHANT_KEY, "{}");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.returnCode()).isEqualTo("NOT_FOUND");
        assertThat(reply.json().get("returnDescription").asText()).isEqualTo("No such resource or method");
        assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(reply.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");
        assertThat(console.err()).contains("POST /tokens/a/b/c 404");
    }

    @Test
    void aMethodTheResourceDoesNotHaveIsNotAllowed() {
        Reply reply = http.send(http.request("/tokens").GET());

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.returnCode()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(reply.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void aBodyThatIsNotJsonIsAnUnsupportedMediaType() {
        Reply reply = http.send(http.request("/tokens").header("Authorization", Http.basic(MERCHANT_KEY))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("scopes=admin")));

        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.returnCode()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void anOutOfRangeLifetimeIsUnprocessable() {
        Reply reply = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"], \"expiresIn\": 999999999}");

        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.returnCode()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void aBodyOverApiGatewaysTenMegabytesIsRefusedBeforeAnyFunctionRuns() {
        String body = "{\"scopes\": [\"" + "a".repeat(10 * 1024 * 1024) + "\"]}";

        Reply reply = http.postJson("/tokens", MERCHANT_KEY, body);

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.returnCode()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(console.err()).containsPattern("POST /tokens 413 \\d+ms -");
    }

    @Test
    void eachRequestIsLoggedOnOneLineWithItsFunction() {
        http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

        assertThat(console.err()).containsPattern("(?m)^POST /tokens 201 \\d+ms RequestTokenFunction$");
    }

    private static Reply bearerTokenRequest(String token) {
        return http.send(http.request("/tokens").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\": [\"admin\"]}")));
    }
}
