package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.AUDIENCE;
import static dev.gatekeeper.testing.GatekeeperFixture.GROUP_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.ISSUER;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class IntrospectTokenHandlerTest {
    private static final UUID TOKEN_ID = UUID.fromString("6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b");
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private Response introspect(String apiKey, String formBody) {
        return gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(apiKey).form(formBody).build());
    }

    private Response introspectToken(String apiKey, String token) {
        return introspect(apiKey, "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    private String merchantToken() {
        return gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
    }

    private void assertInactive(Response response) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.raw().getBody()).isEqualTo("{\"active\":false}");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void anActiveTokenIsDescribedWithTheStandardMembersAndTheOrganisationClaims() throws Exception {
        gk.nextTokenIds(TOKEN_ID);
        String token = gk.requestTokenFor(PARTNER_KEY, "merchant01",
                "{\"scopes\":[\"openbanking_pisp\",\"openbanking_aisp\"],\"expiresIn\":600}").accessToken();
        gk.clock.advance(Duration.ofSeconds(30));

        Response response = introspectToken(PARTNER_KEY, token);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
        JsonNode expected = new ObjectMapper().readTree("""
                {"active": true, "scope": "openbanking_pisp openbanking_aisp", "client_id": "partner001",
                 "token_type": "Bearer", "exp": %d, "iat": %d, "sub": "merchant01", "aud": "%s", "iss": "%s",
                 "jti": "%s", "org_id": "merchant01", "originator_org_id": "partner001", "access_type": "CR",
                 "requesting_access_type": "BN", "ip_filtering": false, "mtls_filter": false}
                """.formatted(START.plusSeconds(600).getEpochSecond(), START.getEpochSecond(), AUDIENCE, ISSUER, TOKEN_ID));
        assertThat(response.body()).isEqualTo(expected);
    }

    @Test
    void anApplicationTokenAlsoCarriesItsResourceId() {
        Response issued = gk.invoke(RequestApplicationTokenHandler::new, ApiEvents.post("/applications/tokens")
                .apiKey(MERCHANT_KEY).json("{\"products\":[\"direct_debits\"],\"resourceId\":\"mandate-42\"}").build());

        JsonNode body = introspectToken(MERCHANT_KEY, issued.accessToken()).body();

        assertThat(body.get("active").asBoolean()).isTrue();
        assertThat(body.get("scope").asText()).isEqualTo("direct_debits");
        assertThat(body.get("application_token").asBoolean()).isTrue();
        assertThat(body.get("resource_id").asText()).isEqualTo("mandate-42");
    }

    @Test
    void theOrganisationItselfAndEveryOrganisationAboveItMayIntrospect() {
        String token = merchantToken();
        for (String caller : new String[] {MERCHANT_KEY, PARTNER_KEY, GROUP_KEY}) {
            assertThat(introspectToken(caller, token).body().get("active").asBoolean()).as(caller).isTrue();
        }
    }

    @Test
    void theMerchantMayIntrospectATokenAPartnerRequestedForIt() {
        String token = gk.requestTokenFor(PARTNER_KEY, "merchant01", "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        assertThat(introspectToken(MERCHANT_KEY, token).body().get("active").asBoolean()).isTrue();
    }

    @Test
    void aForeignCallerLearnsNothingAboutAnotherOrganisationsToken() {
        String token = merchantToken();
        assertInactive(introspectToken(OTHER_MERCHANT_KEY, token));
        assertInactive(introspectToken(OTHER_PARTNER_KEY, token));
    }

    @Test
    void anOrganisationBelowCannotIntrospectItsPartnersToken() {
        String partnerToken = gk.requestToken(PARTNER_KEY, "{\"scopes\":[\"bankadmin\"],\"expiresIn\":600}").accessToken();
        assertInactive(introspectToken(MERCHANT_KEY, partnerToken));
        assertThat(introspectToken(PARTNER_KEY, partnerToken).body().get("active").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ForgedToken.class)
    void aForgedOrMisdirectedTokenIsInactive(ForgedToken forgery) {
        assertInactive(introspectToken(MERCHANT_KEY, forgery.from(merchantToken(), gk.clock.instant())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9..", " "})
    void malformedTokensAreInactive(String token) {
        assertInactive(introspectToken(MERCHANT_KEY, token));
    }

    @Test
    void anExpiredTokenIsInactive() {
        String token = merchantToken();
        gk.clock.advance(Duration.ofSeconds(599));
        assertThat(introspectToken(MERCHANT_KEY, token).body().get("active").asBoolean()).isTrue();
        gk.clock.advance(Duration.ofSeconds(1));
        assertInactive(introspectToken(MERCHANT_KEY, token));
    }

    @Test
    void aTokenRevokedOnItsOwnIsInactive() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId())
                .apiKey(MERCHANT_KEY).build());
        assertInactive(introspectToken(MERCHANT_KEY, issued.accessToken()));
    }

    @Test
    void aTokenRevokedByRevokeAllIsInactive() {
        String token = merchantToken();
        gk.invoke(RevokeOrganisationTokensHandler::new, ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/revoke",
                "encodedOrganisationId", "merchant01").apiKey(PARTNER_KEY).build());
        assertInactive(introspectToken(MERCHANT_KEY, token));
    }

    @Test
    void theHintIsIgnoredAndTheTokenMayBePercentEncodedThroughout() {
        String token = merchantToken();
        StringBuilder encoded = new StringBuilder();
        for (byte b : token.getBytes(StandardCharsets.US_ASCII)) {
            encoded.append('%').append(String.format("%02X", b));
        }
        Response response = introspect(MERCHANT_KEY, "token_type_hint=refresh_token&token=" + encoded);
        assertThat(response.body().get("active").asBoolean()).isTrue();
    }

    @Test
    void aBase64EncodedBodyIsDecodedFirst() {
        String token = merchantToken();
        Response response = gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(MERCHANT_KEY)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .base64Body("token=" + token).build());
        assertThat(response.body().get("active").asBoolean()).isTrue();
    }

    @Test
    void aBearerTokenIsNotAcceptedAsTheCallersCredential() {
        String token = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        Response response = gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").bearer(token)
                .form("token=" + token).build());
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.returnCode()).isEqualTo("UNAUTHORIZED");
        assertThat(response.header("WWW-Authenticate")).contains("Basic");
    }

    @Test
    void missingOrUnknownCredentialsAre401() {
        Response none = gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").form("token=x").build());
        Response unknown = introspect("gk_no_such_key", "token=x");
        assertThat(none.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "token=", "token_type_hint=access_token", "tok=abc"})
    void aMissingTokenParameterIsABadRequest(String body) {
        Response response = introspect(MERCHANT_KEY, body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.returnCode()).isEqualTo("BAD_REQUEST");
        assertThat(response.body().get("returnDescription").asText()).isEqualTo("The token parameter is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=a&token=b", "token=a&token=a", "token=%zz", "token=%E2%82", "=x&token=a"})
    void aRepeatedOrMalformedParameterIsABadRequest(String body) {
        Response response = introspect(MERCHANT_KEY, body);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.returnCode()).isEqualTo("BAD_REQUEST");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "application/x-www-form-urlencoded; charset=ISO-8859-1", "multipart/form-data"})
    void anyOtherContentTypeIs415(String contentType) {
        Response response = gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(MERCHANT_KEY)
                .header("Content-Type", contentType).body("token=abc").build());
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.body().get("returnDescription").asText())
                .isEqualTo("Content-Type must be application/x-www-form-urlencoded");
    }
}
