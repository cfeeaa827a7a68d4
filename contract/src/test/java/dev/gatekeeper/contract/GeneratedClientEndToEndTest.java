package dev.gatekeeper.contract;

import static dev.gatekeeper.contract.LocalGatekeeper.MERCHANT_KEY;
import static dev.gatekeeper.contract.LocalGatekeeper.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatekeeper.contract.client.ApiClient;
import dev.gatekeeper.contract.client.ApiException;
import dev.gatekeeper.contract.client.api.OAuthTokensManagementApi;
import dev.gatekeeper.contract.client.model.ApplicationTokenRequest;
import dev.gatekeeper.contract.client.model.ErrorDetail;
import dev.gatekeeper.contract.client.model.ErrorResponse;
import dev.gatekeeper.contract.client.model.TokenRequest;
import dev.gatekeeper.contract.client.model.TokenResponseData;
import dev.gatekeeper.contract.client.model.TokenResponseData.AccessTypeEnum;
import dev.gatekeeper.contract.client.model.TokenResponseData.RequestingAccessTypeEnum;
import dev.gatekeeper.contract.client.model.TokenResponseData.StatusEnum;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java client generated from openapi.yaml, driving the local runner end to end with the demo API keys. */
class GeneratedClientEndToEndTest {
    private static LocalGatekeeper gatekeeper;
    private static OAuthTokensManagementApi merchant;
    private static OAuthTokensManagementApi partner;

    @BeforeAll
    static void start() {
        gatekeeper = LocalGatekeeper.start();
        merchant = tokensApi(MERCHANT_KEY);
        partner = tokensApi(PARTNER_KEY);
    }

    @AfterAll
    static void stop() {
        if (gatekeeper != null) {
            gatekeeper.close();
        }
    }

    @Test
    void aMerchantIssuesItsOwnTokenAndRevokesIt() throws ApiException {
        TokenResponseData issued = merchant.requestTokenUsingPOST(
                new TokenRequest().scopes(List.of("openbanking_pisp")).expiresIn(300)).getData();

        assertThat(issued.getStatus()).isEqualTo(StatusEnum.ACTIVE);
        assertThat(issued.getAccessToken()).startsWith("eyJ");
        assertThat(issued.getRequestedOrganisation()).isEqualTo("merchant01");
        assertThat(issued.getRequestingOrganisation()).isEqualTo("merchant01");
        assertThat(issued.getAccessType()).isEqualTo(AccessTypeEnum.CR);
        assertThat(issued.getParentId()).isEqualTo("partner001");
        assertThat(issued.getScopes()).containsExactly("openbanking_pisp");
        assertThat(issued.getExpiryTime() - issued.getCreatedTimestamp()).isEqualTo(300_000L);
        assertThat(issued.getLinks()).singleElement().satisfies(link -> {
            assertThat(link.getResourceType()).isEqualTo("revoketoken");
            assertThat(link.getUri()).isEqualTo("/tokens/" + issued.getId() + "/revoke");
        });

        TokenResponseData revoked = merchant.revokeTokenUsingPOST(issued.getId()).getData();

        assertThat(revoked.getId()).isEqualTo(issued.getId());
        assertThat(revoked.getStatus()).isEqualTo(StatusEnum.REVOKED);
        assertThat(revoked.getRevokedTimestamp()).isNotNull();
        assertThat(revoked.getAccessToken()).isNull();
    }

    @Test
    void aPartnerIssuesATokenForItsMerchantAndRevokesIt() throws ApiException {
        TokenResponseData issued = partner.requestTokensForOrganisationUsingPOST("merchant01",
                new TokenRequest().scopes(List.of("openbanking_aisp"))).getData();

        assertThat(issued.getStatus()).isEqualTo(StatusEnum.ACTIVE);
        assertThat(issued.getRequestedOrganisation()).isEqualTo("merchant01");
        assertThat(issued.getRequestingOrganisation()).isEqualTo("partner001");
        assertThat(issued.getAccessType()).isEqualTo(AccessTypeEnum.CR);
        assertThat(issued.getRequestingAccessType()).isEqualTo(RequestingAccessTypeEnum.BN);

        TokenResponseData revoked = partner.revokeTokenForOrganisationUsingPOST("merchant01", issued.getId()).getData();

        assertThat(revoked.getId()).isEqualTo(issued.getId());
        assertThat(revoked.getStatus()).isEqualTo(StatusEnum.REVOKED);
    }

    @Test
    void revokeAllCountsTheTokensStillActiveOwnAndForAMerchant() throws ApiException {
        merchant.revokeAllTokensUsingPOST();
        merchant.requestTokenUsingPOST(new TokenRequest().scopes(List.of("admin")));
        merchant.requestTokenUsingPOST(new TokenRequest().scopes(List.of("openbanking_pisp")));

        assertThat(merchant.revokeAllTokensUsingPOST().getData().getRevokedTokensCount()).isEqualTo(2);
        assertThat(merchant.revokeAllTokensUsingPOST().getData().getRevokedTokensCount()).isZero();

        merchant.requestTokenUsingPOST(new TokenRequest().scopes(List.of("admin")));
        partner.requestTokensForOrganisationUsingPOST("merchant01", new TokenRequest().scopes(List.of("openbanking_pisp")));
        partner.requestTokensForOrganisationUsingPOST("merchant01", new TokenRequest().scopes(List.of("openbanking_aisp")));

        assertThat(partner.revokeTokensForOrganisationUsingPOST("merchant01").getData().getRevokedTokensCount())
                .isEqualTo(3);
        assertThat(merchant.revokeAllTokensUsingPOST().getData().getRevokedTokensCount()).isZero();
    }

    @Test
    void aMerchantGetsAnApplicationTokenForOneOfItsProducts() throws ApiException {
        TokenResponseData issued = merchant.requestApplicationTokenUsingPOST(
                new ApplicationTokenRequest().products(Set.of("open_banking_pis")).resourceId("pis-7f3a9c")).getData();

        assertThat(issued.getApplicationToken()).isTrue();
        assertThat(issued.getResourceId()).isEqualTo("pis-7f3a9c");
        assertThat(issued.getScopes()).containsExactly("open_banking_pis");
        assertThat(issued.getIpFiltering()).isFalse();
        assertThat(issued.getStatus()).isEqualTo(StatusEnum.ACTIVE);
    }

    @Test
    void aScopeTheMerchantMayNotHaveIsRefusedWithTheFieldNamed() throws Exception {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> merchant.requestTokenUsingPOST(
                new TokenRequest().scopes(List.of("openbanking_pisp", "bankadmin"))));

        assertThat(refused.getCode()).isEqualTo(422);
        ErrorResponse error = ApiClient.createDefaultObjectMapper().readValue(refused.getResponseBody(),
                ErrorResponse.class);
        assertThat(error.getReturnCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(error.getDetails()).extracting(ErrorDetail::getCode, ErrorDetail::getField)
                .containsExactly(tuple("NOT_ALLOWED", "scopes[1]"));
    }

    private static OAuthTokensManagementApi tokensApi(String apiKey) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(gatekeeper.baseUri().toString());
        client.setRequestInterceptor(request -> request.header("Authorization", LocalGatekeeper.basic(apiKey)));
        return new OAuthTokensManagementApi(client);
    }
}
