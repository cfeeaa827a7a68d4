package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.GROUP_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.TestLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens remember the API key they descend from, through the API: obtained with it, or minted with a token that
 * was. Revoking the key (deactivate, then sweep, as {@code admin key revoke} does) ends them all and only them, and
 * a request that passed the key check just before the key was revoked stores nothing.
 */
class KeyRevocationHandlersTest {
    private static final OrganisationId GROUP = new OrganisationId("pgroup0001");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final KeyLineage MERCHANTS_KEY = new KeyLineage(MERCHANT, ApiKeyHash.of(MERCHANT_KEY).keyId());
    private static final KeyLineage PARTNERS_KEY = new KeyLineage(PARTNER, ApiKeyHash.of(PARTNER_KEY).keyId());
    private static final KeyLineage GROUPS_KEY = new KeyLineage(GROUP, ApiKeyHash.of(GROUP_KEY).keyId());
    /** A second key of the merchant, which its first key's revocation must leave alone. */
    private static final String SECOND_MERCHANT_KEY = "gk_test_second_merchant_key_0000000000000000000";
    private static final String ADMIN_TOKEN = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";
    private static final String BANKADMIN_TOKEN = "{\"scopes\":[\"bankadmin\"],\"expiresIn\":600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final TokenStore tokens = gk.gatekeeper.tokenStore();
    /** One authorizer container across a test's requests. */
    private final TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.gatekeeper);

    @Test
    void aTokenObtainedWithAnApiKeyRemembersTheKey() {
        Response issued = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);

        assertThat(stored(MERCHANT, issued).lineage()).isEqualTo(MERCHANTS_KEY);
    }

    @Test
    void aPartnersTokenForItsMerchantRemembersThePartnersKey() {
        Response issued = gk.requestTokenFor(PARTNER_KEY, "merchant01", ADMIN_TOKEN);

        assertThat(stored(MERCHANT, issued).lineage()).isEqualTo(PARTNERS_KEY);
        assertThat(stored(PARTNER, issued).lineage()).isEqualTo(PARTNERS_KEY);
    }

    @Test
    void aTokenMintedWithABearerTokenInheritsTheKeyOfThatToken() {
        Response parent = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);

        Response child = gk.requestTokenWithBearer(parent.accessToken(), ADMIN_TOKEN);

        assertThat(stored(MERCHANT, child).lineage()).isEqualTo(MERCHANTS_KEY);
    }

    @Test
    void aMerchantMintingWithAPartnerObtainedTokenPassesOnThePartnersKey() {
        Response fromPartner = gk.requestTokenFor(PARTNER_KEY, "merchant01", ADMIN_TOKEN);

        Response minted = gk.requestTokenWithBearer(fromPartner.accessToken(), ADMIN_TOKEN);

        TokenRecord record = stored(MERCHANT, minted);
        assertThat(record.requestingOrganisation()).isEqualTo(MERCHANT);
        assertThat(record.lineage()).isEqualTo(PARTNERS_KEY);
        // The partner reaches it only to revoke its key's lineage: it did not request it, so it cannot see it.
        assertThat(tokens.findForOrganisation(PARTNER, record.id())).isEmpty();
    }

    @Test
    void revokingAKeyEndsEveryTokenOfItsLineageAndOnlyThose() {
        gk.apiKeys.add(new ApiKeyRecord(ApiKeyHash.of(SECOND_MERCHANT_KEY), MERCHANT, true, gk.clock.instant(),
                "second"));
        Response own = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response mintedWithOwn = gk.requestTokenWithBearer(own.accessToken(), ADMIN_TOKEN);
        Response otherKeys = gk.requestToken(SECOND_MERCHANT_KEY, ADMIN_TOKEN);
        Response partners = gk.requestTokenFor(PARTNER_KEY, "merchant01", ADMIN_TOKEN);
        assertAllowed(own, mintedWithOwn, otherKeys, partners);

        long swept = revokeKey(MERCHANTS_KEY);

        assertThat(swept).isEqualTo(2);
        assertRefused(own, mintedWithOwn);
        assertAllowed(otherKeys, partners);
        assertThat(introspect(SECOND_MERCHANT_KEY, own).raw().getBody()).isEqualTo("{\"active\":false}");
        assertThat(introspect(SECOND_MERCHANT_KEY, mintedWithOwn).raw().getBody()).isEqualTo("{\"active\":false}");
        assertThat(introspect(SECOND_MERCHANT_KEY, otherKeys).body().get("active").asBoolean()).isTrue();
        // Its tokens are gone with it; the revoke-all that used to be needed now finds only the others.
        assertThat(tokens.revokeAll(MERCHANT, gk.clock.instant())).isEqualTo(2);
    }

    @Test
    void revokingAPartnersKeyEndsItsTokensInItsMerchantsPartitionsAndWhatTheyMintedWithThem() {
        Response forMerchant = gk.requestTokenFor(PARTNER_KEY, "merchant01", ADMIN_TOKEN);
        Response mintedByMerchant = gk.requestTokenWithBearer(forMerchant.accessToken(), ADMIN_TOKEN);
        Response merchantsOwn = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        assertAllowed(forMerchant, mintedByMerchant, merchantsOwn);

        assertThat(revokeKey(PARTNERS_KEY)).isEqualTo(2);

        assertRefused(forMerchant, mintedByMerchant);
        assertAllowed(merchantsOwn);
        assertThat(revokeKey(PARTNERS_KEY)).as("a second sweep").isZero();
    }

    @Test
    void revokingAGroupsKeyReachesTokensItsPartnerMintedForAMerchantWithAGroupObtainedToken() {
        Response forPartner = gk.requestTokenFor(GROUP_KEY, "partner001", BANKADMIN_TOKEN);
        Response mintedByPartner = gk.invoke(RequestOrganisationTokenHandler::new,
                ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                        .bearer(forPartner.accessToken()).json(ADMIN_TOKEN).build());
        assertThat(mintedByPartner.status()).as(mintedByPartner.raw().getBody()).isEqualTo(201);
        TokenRecord minted = stored(MERCHANT, mintedByPartner);
        assertThat(minted.requestingOrganisation()).isEqualTo(PARTNER);
        assertThat(minted.lineage()).isEqualTo(GROUPS_KEY);
        assertThat(tokens.findForOrganisation(GROUP, minted.id())).isEmpty();

        assertThat(revokeKey(GROUPS_KEY)).isEqualTo(2);

        assertRefused(forPartner, mintedByPartner);
        assertThat(tokens.findForOrganisation(PARTNER, minted.id()).orElseThrow().revokedAt()).isEqualTo(gk.clock.instant());
    }

    @Test
    void eachSweptTokenLeavesItsOwnRevocationRecordNamingTheKey() {
        Response own = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response forMerchant = gk.requestTokenFor(PARTNER_KEY, "merchant01", ADMIN_TOKEN);
        gk.clock.advance(Duration.ofSeconds(5));

        revokeKey(MERCHANTS_KEY);
        revokeKey(PARTNERS_KEY);

        List<AuditEvent> revocations = gk.gatekeeper.auditLog()
                .find("merchant01", Instant.EPOCH, GatekeeperFixture.START.plus(Duration.ofDays(1)), 100).stream()
                .filter(record -> record.action() == AuditAction.TOKEN_REVOKED).toList();
        assertThat(revocations).extracting(AuditEvent::tokenId)
                .containsExactlyInAnyOrder(own.tokenId(), forMerchant.tokenId());
        assertThat(revocations).extracting(AuditEvent::reason).containsExactlyInAnyOrder(
                "API key " + MERCHANTS_KEY.keyId() + " of merchant01 revoked",
                "API key " + PARTNERS_KEY.keyId() + " of partner001 revoked");
        assertThat(revocations).allSatisfy(record -> assertThat(record.time()).isEqualTo(gk.clock.instant()));
    }

    @Test
    void aKeyRevokedWhileItsRequestIsServedIsRefusedAsAnInactiveKeyAndNothingIsStored() {
        gk.whenNextTokenIdIsDrawn(() -> revokeKey(MERCHANTS_KEY));

        Response raced = requestToken(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY));
        Response afterwards = requestToken(ApiEvents.post("/tokens").apiKey(MERCHANT_KEY));

        assertThat(raced.status()).isEqualTo(401);
        assertThat(raced.raw().getBody()).isEqualTo(afterwards.raw().getBody());
        assertThat(afterwards.status()).isEqualTo(401);
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).isEmpty();
        // Nothing counted either: a revoke-all finds no active token.
        assertThat(tokens.revokeAll(MERCHANT, gk.clock.instant())).isZero();
        assertThat(refusals("merchant01")).extracting(AuditEvent::reason).containsExactly("invalid_api_key", "invalid_api_key");
    }

    @Test
    void aPartnersKeyRevokedWhileItRequestsForItsMerchantStoresNeitherTokenNorPointer() {
        gk.whenNextTokenIdIsDrawn(() -> revokeKey(PARTNERS_KEY));

        Response raced = gk.invoke(RequestOrganisationTokenHandler::new,
                ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                        .apiKey(PARTNER_KEY).json(ADMIN_TOKEN).build());

        assertThat(raced.status()).isEqualTo(401);
        assertThat(raced.returnCode()).isEqualTo("UNAUTHORIZED");
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).isEmpty();
        assertThat(tokens.revokeAll(MERCHANT, gk.clock.instant())).isZero();
    }

    @Test
    void aTokenMintingWhileItsKeyIsRevokedIsRefusedAsARevokedTokenAndNothingIsStored() {
        Response parent = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        gk.whenNextTokenIdIsDrawn(() -> revokeKey(MERCHANTS_KEY));

        Response raced = requestToken(ApiEvents.post("/tokens").bearer(parent.accessToken()));

        assertThat(raced.status()).isEqualTo(401);
        assertThat(raced.returnCode()).isEqualTo("UNAUTHORIZED");
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).singleElement()
                .satisfies(record -> assertThat(record.id().value()).isEqualTo(parent.tokenId()))
                .satisfies(record -> assertThat(record.revokedAt()).isNotNull());
        assertThat(refusals("merchant01")).extracting(AuditEvent::reason).containsExactly("revoked_token");
    }

    @Test
    void aTokenKeptWhenItsKeyWasRevokedStillWorksButMintsNothing() {
        Response kept = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        assertThat(gk.apiKeys.deactivate(MERCHANT, MERCHANTS_KEY.keyId(), gk.clock.instant())).isTrue();

        Response minted = requestToken(ApiEvents.post("/tokens").bearer(kept.accessToken()));

        assertAllowed(kept);
        assertThat(minted.status()).isEqualTo(401);
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).hasSize(1);
    }

    /** What {@code admin key revoke} does: deactivate the key, then sweep its tokens. */
    private long revokeKey(KeyLineage key) {
        assertThat(gk.apiKeys.deactivate(key.owner(), key.keyId(), gk.clock.instant())).isTrue();
        return tokens.revokeByApiKey(key.owner(), key.keyId(), gk.clock.instant());
    }

    private Response requestToken(ApiEvents event) {
        return gk.invoke(RequestTokenHandler::new, event.json(ADMIN_TOKEN).build());
    }

    private TokenRecord stored(OrganisationId organisation, Response issued) {
        return tokens.findForOrganisation(organisation, new TokenId(issued.tokenId())).orElseThrow();
    }

    private Response introspect(String apiKey, Response issued) {
        return gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(apiKey)
                .form("token=" + URLEncoder.encode(issued.accessToken(), StandardCharsets.UTF_8)).build());
    }

    private List<AuditEvent> refusals(String organisation) {
        return gk.gatekeeper.auditLog()
                .find(organisation, Instant.EPOCH, GatekeeperFixture.START.plus(Duration.ofDays(1)), 100).stream()
                .filter(record -> record.action() == AuditAction.CREDENTIAL_REFUSED).toList();
    }

    private void assertAllowed(Response... issued) {
        for (Response token : issued) {
            IamPolicyResponseV1 policy = authorizer.handleRequest(
                    AuthorizerEvents.request().bearer(token.accessToken()).build(),
                    new TestLambdaContext("TokenAuthorizerFunction"));
            @SuppressWarnings("unchecked")
            Map<String, Object> statement = ((Map<String, Object>[]) policy.getPolicyDocument().get("Statement"))[0];
            assertThat(statement.get("Effect")).as(token.tokenId()).isEqualTo("Allow");
        }
    }

    private void assertRefused(Response... issued) {
        for (Response token : issued) {
            assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request().bearer(token.accessToken()).build(),
                    new TestLambdaContext("TokenAuthorizerFunction")))
                    .as(token.tokenId())
                    .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
        }
    }
}
