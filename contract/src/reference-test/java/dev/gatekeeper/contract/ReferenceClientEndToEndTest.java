package dev.gatekeeper.contract;

import static dev.gatekeeper.contract.LocalGatekeeper.MERCHANT_KEY;
import static dev.gatekeeper.contract.LocalGatekeeper.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatekeeper.contract.reference.ApiClient;
import dev.gatekeeper.contract.reference.ApiException;
import dev.gatekeeper.contract.reference.api.OAuthTokensManagementApi;
import dev.gatekeeper.contract.reference.model.ApplicationTokenRequest;
import dev.gatekeeper.contract.reference.model.ErrorDetail;
import dev.gatekeeper.contract.reference.model.ErrorResponse;
import dev.gatekeeper.contract.reference.model.TokenRequest;
import dev.gatekeeper.contract.reference.model.TokenResponseData;
import dev.gatekeeper.contract.reference.model.TokenResponseData.AccessTypeEnum;
import dev.gatekeeper.contract.reference.model.TokenResponseData.RequestingAccessTypeEnum;
import dev.gatekeeper.contract.reference.model.TokenResponseData.StatusEnum;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wire compatibility with existing Gatekeeper integrations: the Java client generated from the public Gatekeeper
 * spec (../shared/reference/gatekeeper-api-swagger.yaml), unchanged, drives the local runner end to end. Compiled
 * only where that spec is present (the build's reference-spec profile).
 */
class ReferenceClientEndToEndTest {
    private static LocalGatekeeper gatekeeper;
    private static OAuthTokensManagementApi merchant;
    private static OAuthTokensManagementApi partner;

    @BeforeAll
    static void start() {
        if (!Files.isRegularFile(LocalGatekeeper.referenceSpec())) {
            String reason = "Skipped: no reference Gatekeeper spec at " + LocalGatekeeper.referenceSpec();
            System.out.println(reason);
            Assumptions.abort(reason);
        }
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
                new TokenRequest().scopes(List.of("openbanking_pisp")).expiresIn(360)).getData();

        assertThat(issued.getStatus()).isEqualTo(StatusEnum.ACTIVE);
        assertThat(issued.getAccessToken()).startsWith("eyJ");
        assertThat(issued.getTokenType()).isEqualTo(TokenResponseData.TokenTypeEnum.BEARER);
        assertThat(issued.getRequestedOrganisation()).isEqualTo("merchant01");
        assertThat(issued.getAccessType()).isEqualTo(AccessTypeEnum.CR);
        assertThat(issued.getExpiryTime() - issued.getCreatedTimestamp()).isEqualTo(360_000L);
        assertThat(issued.getLinks()).singleElement()
                .satisfies(link -> assertThat(link.getUri()).isEqualTo("/tokens/" + issued.getId() + "/revoke"));

        TokenResponseData revoked = merchant.revokeTokenUsingPOST(issued.getId()).getData();

        assertThat(revoked.getId()).isEqualTo(issued.getId());
        assertThat(revoked.getStatus()).isEqualTo(StatusEnum.REVOKED);
        assertThat(revoked.getRevokedTimestamp()).isNotNull();
    }

    @Test
    void aPartnerIssuesATokenForItsMerchantAndRevokesIt() throws ApiException {
        TokenResponseData issued = partner.requestTokensForOrganisationUsingPOST("merchant01",
                new TokenRequest().scopes(List.of("openbanking_aisp"))).getData();

        assertThat(issued.getRequestedOrganisation()).isEqualTo("merchant01");
        assertThat(issued.getRequestingOrganisation()).isEqualTo("partner001");
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

        partner.requestTokensForOrganisationUsingPOST("merchant01", new TokenRequest().scopes(List.of("openbanking_pisp")));

        assertThat(partner.revokeTokensForOrganisationUsingPOST("merchant01").getData().getRevokedTokensCount())
                .isEqualTo(1);
    }

    @Test
    void aMerchantGetsAnApplicationTokenForOneOfItsProducts() throws ApiException {
        TokenResponseData issued = merchant.requestApplicationTokenUsingPOST(
                new ApplicationTokenRequest().products(Set.of("open_banking_ais")).resourceId("ais-consent-42")).getData();

        // The reference spec has no applicationToken field: its client reads past it.
        assertThat(issued.getResourceId()).isEqualTo("ais-consent-42");
        assertThat(issued.getScopes()).containsExactly("open_banking_ais");
        assertThat(issued.getStatus()).isEqualTo(StatusEnum.ACTIVE);
    }

    @Test
    void aLifetimeBelowTheMinimumIsRefusedWithTheFieldNamed() throws Exception {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> merchant.requestTokenUsingPOST(
                new TokenRequest().scopes(List.of("openbanking_pisp")).expiresIn(5)));

        assertThat(refused.getCode()).isEqualTo(422);
        ErrorResponse error = ApiClient.createDefaultObjectMapper().readValue(refused.getResponseBody(),
                ErrorResponse.class);
        assertThat(error.getReturnCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(error.getDetails()).extracting(ErrorDetail::getCode, ErrorDetail::getField)
                .containsExactly(tuple("OUT_OF_RANGE", "expiresIn"));
    }

    private static OAuthTokensManagementApi tokensApi(String apiKey) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(gatekeeper.baseUri().toString());
        client.setRequestInterceptor(request -> request.header("Authorization", LocalGatekeeper.basic(apiKey)));
        return new OAuthTokensManagementApi(client);
    }
}
