package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.GROUP_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RevocationHandlersTest {
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private Response issueOwn(String apiKey, String body) {
        Response response = gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").apiKey(apiKey).json(body).build());
        assertThat(response.status()).isEqualTo(201);
        return response;
    }

    private Response issueForMerchant(String partnerKey, String body) {
        Response response = gk.invoke(RequestOrganisationTokenHandler::new,
                ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                        .apiKey(partnerKey).json(body).build());
        assertThat(response.status()).isEqualTo(201);
        return response;
    }

    private Response revoke(String apiKey, String tokenId) {
        return gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", tokenId).apiKey(apiKey).build());
    }

    private Response revokeForOrganisation(String apiKey, String organisation, String tokenId) {
        return gk.invoke(RevokeOrganisationTokenHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                "encodedOrganisationId", organisation, "tokenId", tokenId).apiKey(apiKey).build());
    }

    private Response revokeAll(String apiKey) {
        return gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").apiKey(apiKey).build());
    }

    private Response revokeAllFor(String apiKey, String organisation) {
        return gk.invoke(RevokeOrganisationTokensHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens/revoke", "encodedOrganisationId", organisation).apiKey(apiKey).build());
    }

    @Test
    void revokingATokenReturnsItRevokedWithoutTheAccessToken() {
        Response issued = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        gk.clock.advance(Duration.ofSeconds(3));

        Response revoked = revoke(MERCHANT_KEY, issued.tokenId());

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().get("uri").asText()).isEqualTo("/tokens/" + issued.tokenId() + "/revoke");
        JsonNode data = revoked.data();
        assertThat(data.get("id").asText()).isEqualTo(issued.tokenId());
        assertThat(data.get("status").asText()).isEqualTo("REVOKED");
        assertThat(data.get("revokedTimestamp").asLong()).isEqualTo(GatekeeperFixture.START.plusSeconds(3).toEpochMilli());
        assertThat(data.get("createdTimestamp").asLong()).isEqualTo(issued.data().get("createdTimestamp").asLong());
        assertThat(data.has("accessToken")).isFalse();
        assertThat(data.get("links")).isEmpty();
    }

    @Test
    void revokingTwiceReturnsTheFirstTimestamp() {
        Response issued = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        long first = revoke(MERCHANT_KEY, issued.tokenId()).data().get("revokedTimestamp").asLong();
        gk.clock.advance(Duration.ofSeconds(30));
        Response again = revoke(MERCHANT_KEY, issued.tokenId());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("revokedTimestamp").asLong()).isEqualTo(first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"3fe40be4-8139-4bcc-a6fc-9fc6df927b31", "not-a-uuid", "../../etc/passwd", "3FE40BE4-8139-4BCC-A6FC-9FC6DF927B31"})
    void unknownOrMalformedTokenIdsAreNotFound(String tokenId) {
        Response response = revoke(MERCHANT_KEY, tokenId);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.returnCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void anotherOrganisationsTokenIsNotFound() {
        Response issued = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        assertThat(revoke(OTHER_MERCHANT_KEY, issued.tokenId()).status()).isEqualTo(404);
        assertThat(revokeForOrganisation(OTHER_PARTNER_KEY, "merchant01", issued.tokenId()).status()).isEqualTo(404);
        assertThat(revokeForOrganisation(OTHER_PARTNER_KEY, "merchant99", issued.tokenId()).status()).isEqualTo(404);
        assertThat(revoke(MERCHANT_KEY, issued.tokenId()).data().get("status").asText()).isEqualTo("REVOKED");
    }

    @Test
    void aPartnerRevokesItsMerchantsTokenThroughTheOrganisationPath() {
        Response issued = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        Response revoked = revokeForOrganisation(PARTNER_KEY, "merchant01", issued.tokenId());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.body().get("uri").asText()).isEqualTo("/organisations/merchant01/tokens/" + issued.tokenId() + "/revoke");
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
    }

    @Test
    void aPartnerFollowsTheRevokeLinkOfATokenItRequestedForAMerchant() {
        Response issued = issueForMerchant(PARTNER_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        String link = issued.data().get("links").get(0).get("uri").asText();
        assertThat(link).isEqualTo("/tokens/" + issued.tokenId() + "/revoke");

        Response revoked = revoke(PARTNER_KEY, issued.tokenId());
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.data().get("requestedOrganisation").asText()).isEqualTo("merchant01");
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
    }

    @Test
    void aMerchantCannotUseThePartnerRevocationPaths() {
        Response issued = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        assertThat(revokeForOrganisation(MERCHANT_KEY, "merchant01", issued.tokenId()).status()).isEqualTo(403);
        assertThat(revokeAllFor(MERCHANT_KEY, "merchant01").status()).isEqualTo(403);
    }

    @Test
    void revokeAllCountsOnlyTokensThatWereStillActive() {
        issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"]}");                        // expires after 10 s
        issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"]}");                        // expires after 10 s
        Response alreadyRevoked = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        revoke(MERCHANT_KEY, alreadyRevoked.tokenId());
        Response live1 = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        Response live2 = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":600}");
        Response live3 = issueForMerchant(PARTNER_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        Response othersToken = issueOwn(OTHER_MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        gk.clock.advance(Duration.ofSeconds(20));

        Response response = revokeAll(MERCHANT_KEY);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("uri").asText()).isEqualTo("/tokens/revoke");
        assertThat(response.data().get("uri").asText()).isEqualTo("/tokens/revoke");
        assertThat(response.data().get("revokedTokensCount").asLong()).isEqualTo(3);
        assertThat(response.data().get("links")).isEmpty();
        for (Response live : new Response[] {live1, live2}) {
            Response after = revoke(MERCHANT_KEY, live.tokenId());
            assertThat(after.data().get("status").asText()).isEqualTo("REVOKED");
            assertThat(after.data().get("revokedTimestamp").asLong()).isEqualTo(GatekeeperFixture.START.plusSeconds(20).toEpochMilli());
        }
        assertThat(revoke(PARTNER_KEY, live3.tokenId()).data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(othersToken.accessToken())
                .json("{\"scopes\":[\"admin\"]}").build()).status())
                .as("another organisation's token still works")
                .isEqualTo(201);
        assertThat(revokeAll(MERCHANT_KEY).data().get("revokedTokensCount").asLong()).isZero();
    }

    @Test
    void aTokenIssuedAfterRevokeAllWorks() {
        String before = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        revokeAll(MERCHANT_KEY);
        String after = issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();

        assertThat(gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(before).json("{\"scopes\":[\"admin\"]}").build()).status())
                .isEqualTo(401);
        assertThat(gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(after).json("{\"scopes\":[\"admin\"]}").build()).status())
                .isEqualTo(201);
    }

    @Test
    void aPartnerRevokesAllTokensOfItsMerchant() {
        issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        issueForMerchant(PARTNER_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        Response response = revokeAllFor(PARTNER_KEY, "merchant01");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().get("uri").asText()).isEqualTo("/organisations/merchant01/tokens/revoke");
        assertThat(response.data().get("revokedTokensCount").asLong()).isEqualTo(2);
    }

    @Test
    void aPartnerGroupRevokesAllTokensOfAMerchantBelowIt() {
        issueOwn(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        assertThat(revokeAllFor(GROUP_KEY, "merchant01").data().get("revokedTokensCount").asLong()).isEqualTo(1);
    }

    @Test
    void revokeAllForAForeignOrganisationIsNotFoundAndRevokesNothing() {
        issueOwn(OTHER_MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        assertThat(revokeAllFor(PARTNER_KEY, "merchant99").status()).isEqualTo(404);
        assertThat(revokeAll(OTHER_MERCHANT_KEY).data().get("revokedTokensCount").asLong()).isEqualTo(1);
    }

    @Test
    void revocationWithAWrongContentTypeBodyIsUnsupported() {
        Response response = gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY)
                .header("Content-Type", "application/xml").body("<revoke/>").build());
        assertThat(response.status()).isEqualTo(415);
    }
}
