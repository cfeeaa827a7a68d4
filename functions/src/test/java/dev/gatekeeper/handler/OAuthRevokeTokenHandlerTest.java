package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OAuthRevokeTokenHandlerTest {
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private Response revoke(String apiKey, String token) {
        return gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(apiKey).form("token=" + token).build());
    }

    /** The token used as a credential: the real test of whether it still works. */
    private int useAsBearer(String token) {
        return gk.invoke(RequestTokenHandler::new, ApiEvents.post("/tokens").bearer(token).json("{\"scopes\":[\"admin\"]}").build()).status();
    }

    private TokenRecord stored(String organisation, String tokenId) {
        return gk.gatekeeper.tokenStore().findForOrganisation(new OrganisationId(organisation), new TokenId(tokenId)).orElseThrow();
    }

    private static void assertEmptyOk(Response response) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.raw().getBody()).isEqualTo("{}");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void anOrganisationRevokesItsOwnTokenAndItStopsWorking() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        assertThat(useAsBearer(issued.accessToken())).isEqualTo(201);
        gk.clock.advance(Duration.ofSeconds(5));

        assertEmptyOk(revoke(MERCHANT_KEY, issued.accessToken()));

        assertThat(useAsBearer(issued.accessToken())).isEqualTo(401);
        assertThat(stored("merchant01", issued.tokenId()).revokedAt()).isEqualTo(START.plusSeconds(5));
    }

    @Test
    void revokingTwiceIsStill200AndKeepsTheFirstRevocationTime() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        revoke(MERCHANT_KEY, issued.accessToken());
        gk.clock.advance(Duration.ofSeconds(10));

        assertEmptyOk(revoke(MERCHANT_KEY, issued.accessToken()));
        assertThat(stored("merchant01", issued.tokenId()).revokedAt()).isEqualTo(START);
    }

    @Test
    void aPartnerRevokesATokenItRequestedForItsMerchant() {
        var issued = gk.requestTokenFor(PARTNER_KEY, "merchant01", "{\"scopes\":[\"admin\"],\"expiresIn\":600}");

        assertEmptyOk(revoke(PARTNER_KEY, issued.accessToken()));

        assertThat(useAsBearer(issued.accessToken())).isEqualTo(401);
    }

    @Test
    void aForeignTokenIsAnswered200AndKeepsWorking() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");

        assertEmptyOk(revoke(OTHER_MERCHANT_KEY, issued.accessToken()));
        assertEmptyOk(revoke(OTHER_PARTNER_KEY, issued.accessToken()));

        assertThat(useAsBearer(issued.accessToken())).isEqualTo(201);
        assertThat(stored("merchant01", issued.tokenId()).revokedAt()).isNull();
    }

    /** Same rule as POST /tokens/{tokenId}/revoke; a partner revokes its merchants' own tokens through the organisation path. */
    @Test
    void aPartnerCannotRevokeATokenItsMerchantRequestedItself() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");

        assertEmptyOk(revoke(PARTNER_KEY, issued.accessToken()));

        assertThat(useAsBearer(issued.accessToken())).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "3fe40be4-8139-4bcc-a6fc-9fc6df927b31"})
    void garbageIsAnswered200AndChangesNothing(String token) {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");

        assertEmptyOk(revoke(MERCHANT_KEY, token));
        assertEmptyOk(revoke(MERCHANT_KEY, issued.tokenId()));

        assertThat(useAsBearer(issued.accessToken())).isEqualTo(201);
    }

    /** Every forgery keeps the real token's jti: only a verified signature may name the token to revoke. */
    @ParameterizedTest
    @EnumSource(ForgedToken.class)
    void aForgedTokenCarryingARealIdRevokesNothing(ForgedToken forgery) {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");

        assertEmptyOk(revoke(MERCHANT_KEY, forgery.from(issued.accessToken(), gk.clock.instant())));

        assertThat(stored("merchant01", issued.tokenId()).revokedAt()).isNull();
        assertThat(useAsBearer(issued.accessToken())).isEqualTo(201);
    }

    @Test
    void anExpiredTokenIsAnswered200() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        gk.clock.advance(Duration.ofSeconds(601));
        assertEmptyOk(revoke(MERCHANT_KEY, issued.accessToken()));
    }

    @Test
    void aBearerTokenIsNotAcceptedAsTheCallersCredential() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        Response response = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke")
                .bearer(issued.accessToken()).form("token=" + issued.accessToken()).build());

        assertThat(response.status()).isEqualTo(401);
        assertThat(useAsBearer(issued.accessToken())).isEqualTo(201);
    }

    @Test
    void aMissingOrRepeatedTokenIsABadRequestAndAJsonBodyIs415() {
        Response missing = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY).form("").build());
        Response repeated = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                .form("token=a&token=b").build());
        Response json = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                .json("{\"token\":\"a\"}").build());

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.returnCode()).isEqualTo("BAD_REQUEST");
        assertThat(repeated.status()).isEqualTo(400);
        assertThat(json.status()).isEqualTo(415);
    }
}
