package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.GROUP_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartnerTokenHandlersTest {
    private static final UUID TOKEN_ID = UUID.fromString("6a1d2c1e-3f4b-4c5d-8e9f-0a1b2c3d4e5f");
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private Response organisationToken(String organisation, ApiEvents event) {
        return gk.invoke(RequestOrganisationTokenHandler::new, event.build());
    }

    private static ApiEvents forOrganisation(String organisation) {
        return ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", organisation);
    }

    private static ApiEvents applicationFor(String organisation) {
        return ApiEvents.post("/organisations/{encodedOrganisationId}/applications/tokens", "encodedOrganisationId", organisation);
    }

    @Test
    void aPartnerGetsATokenForItsMerchant() {
        gk.nextTokenIds(TOKEN_ID);
        Response response = organisationToken("merchant01", forOrganisation("merchant01").apiKey(PARTNER_KEY)
                .json("{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":120}"));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body().get("uri").asText()).isEqualTo("/organisations/merchant01/tokens/" + TOKEN_ID);
        JsonNode data = response.data();
        assertThat(data.get("accessType").asText()).isEqualTo("CR");
        assertThat(data.get("requestingAccessType").asText()).isEqualTo("BN");
        assertThat(data.get("requestedOrganisation").asText()).isEqualTo("merchant01");
        assertThat(data.get("requestingOrganisation").asText()).isEqualTo("partner001");
        assertThat(data.get("parentId").asText()).isEqualTo("partner001");
        assertThat(data.get("links").get(0).get("uri").asText()).isEqualTo("/tokens/" + TOKEN_ID + "/revoke");
    }

    @Test
    void aPartnerGroupGetsATokenForAMerchantOfItsPartner() {
        Response response = organisationToken("merchant01", forOrganisation("merchant01").apiKey(GROUP_KEY).json("{\"scopes\":[\"admin\"]}"));
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.data().get("requestingAccessType").asText()).isEqualTo("BG");
    }

    @Test
    void aMerchantMayNotUseThePartnerOperation() {
        Response response = organisationToken("merchant01", forOrganisation("merchant01").apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}"));
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.returnCode()).isEqualTo("FORBIDDEN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"merchant99", "partner002", "unknown001", "pgroup0001", "..%2Fmerch", "MERCHANT01", "merchant01 "})
    void anOrganisationOutsideThePartnersTreeIsNotFoundWhetherOrNotItExists(String organisation) {
        Response response = organisationToken(organisation, forOrganisation(organisation).apiKey(PARTNER_KEY).json("{\"scopes\":[\"admin\"]}"));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.returnCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void anotherPartnerCannotReachOurMerchant() {
        assertThat(organisationToken("merchant01", forOrganisation("merchant01").apiKey(OTHER_PARTNER_KEY)
                .json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(404);
    }

    @Test
    void scopesAreCheckedAgainstTheMerchant() {
        Response response = organisationToken("merchant01", forOrganisation("merchant01").apiKey(PARTNER_KEY).json("{\"scopes\":[\"bankadmin\"]}"));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.body().get("details").get(0).get("field").asText()).isEqualTo("scopes[0]");
    }

    @Test
    void aPartnerBearerTokenNeedsTheBankadminScope() {
        String bankadmin = gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").apiKey(PARTNER_KEY)
                .json("{\"scopes\":[\"bankadmin\"],\"expiresIn\":60}").build()).accessToken();
        String pisp = gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").apiKey(PARTNER_KEY)
                .json("{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":60}").build()).accessToken();

        assertThat(organisationToken("merchant01", forOrganisation("merchant01").bearer(bankadmin).json("{\"scopes\":[\"admin\"]}")).status())
                .isEqualTo(201);
        assertThat(organisationToken("merchant01", forOrganisation("merchant01").bearer(pisp).json("{\"scopes\":[\"admin\"]}")).status())
                .isEqualTo(403);
    }

    @Test
    void aTokenMintedWithABearerTokenExpiresWithIt() {
        Response parent = gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").apiKey(PARTNER_KEY)
                .json("{\"scopes\":[\"bankadmin\"],\"expiresIn\":60}").build());
        long parentExpiry = parent.data().get("expiryTime").asLong();

        Response minted = organisationToken("merchant01", forOrganisation("merchant01").bearer(parent.accessToken())
                .json("{\"scopes\":[\"admin\"],\"expiresIn\":31556926}"));

        assertThat(minted.status()).isEqualTo(201);
        // The JWT's exp is whole seconds, so the child ends at most a second before its parent's record does.
        assertThat(minted.data().get("expiryTime").asLong()).isBetween(parentExpiry - 1_000, parentExpiry);
        gk.clock.advance(java.time.Duration.ofSeconds(61));
        assertThat(organisationToken("merchant01", forOrganisation("merchant01").bearer(minted.accessToken())
                .json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(401);
    }

    @Test
    void aMerchantGetsAnApplicationTokenForItself() {
        Response response = gk.invoke(RequestApplicationTokenHandler::new, ApiEvents.post("/applications/tokens").apiKey(MERCHANT_KEY)
                .json("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"8ow24y2pdx\"}").build());
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body().get("uri").asText()).isEqualTo("/tokens/" + response.tokenId());
        assertThat(response.data().get("applicationToken").asBoolean()).isTrue();
        assertThat(response.data().get("resourceId").asText()).isEqualTo("8ow24y2pdx");
        assertThat(response.data().get("ipFiltering").asBoolean()).isFalse();
        assertThat(response.data().get("scopes")).extracting(JsonNode::asText).containsExactly("open_banking_pis");
    }

    @Test
    void aPartnerMayNotUseTheMerchantsApplicationTokenOperation() {
        Response response = gk.invoke(RequestApplicationTokenHandler::new, ApiEvents.post("/applications/tokens").apiKey(PARTNER_KEY)
                .json("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"8ow24y2pdx\"}").build());
        assertThat(response.status()).isEqualTo(403);
    }

    @Test
    void aPartnerGetsAnApplicationTokenForItsMerchant() {
        Response response = gk.invoke(RequestOrganisationApplicationTokenHandler::new, applicationFor("merchant01").apiKey(PARTNER_KEY)
                .json("{\"products\":[\"direct_debits\"],\"resourceId\":\"merchant01\"}").build());
        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body().get("uri").asText())
                .isEqualTo("/organisations/merchant01/applications/tokens/" + response.tokenId());
        assertThat(response.data().get("requestingOrganisation").asText()).isEqualTo("partner001");
        assertThat(response.data().get("applicationToken").asBoolean()).isTrue();
    }

    @Test
    void applicationTokenRequestsAreValidated() {
        Response unknownProduct = gk.invoke(RequestOrganisationApplicationTokenHandler::new, applicationFor("merchant01").apiKey(PARTNER_KEY)
                .json("{\"products\":[\"nuapay_accounts\"],\"resourceId\":\"merchant01\"}").build());
        Response extraField = gk.invoke(RequestOrganisationApplicationTokenHandler::new, applicationFor("merchant01").apiKey(PARTNER_KEY)
                .json("{\"products\":[\"direct_debits\"],\"resourceId\":\"merchant01\",\"scopes\":[\"admin\"]}").build());
        assertThat(unknownProduct.status()).isEqualTo(422);
        assertThat(unknownProduct.body().get("details").get(0).get("field").asText()).isEqualTo("products[0]");
        assertThat(extraField.status()).isEqualTo(422);
        assertThat(extraField.body().get("details").get(0).get("code").asText()).isEqualTo("UNKNOWN_FIELD");
    }

    @Test
    void anApplicationTokenCannotManageTokens() {
        String applicationToken = gk.invoke(RequestApplicationTokenHandler::new, ApiEvents.post("/applications/tokens").apiKey(MERCHANT_KEY)
                .json("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"merchant01\",\"expiresIn\":60}").build()).accessToken();
        assertThat(gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(applicationToken)
                .json("{\"scopes\":[\"admin\"]}").build()).status()).isEqualTo(403);
        assertThat(gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").bearer(applicationToken).build()).status())
                .isEqualTo(403);
    }
}
