package dev.gatekeeper.admin;

import static dev.gatekeeper.admin.AdminCli.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.admin.AdminCli.Result;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenCommandsTest {
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");
    private static final Duration LIFETIME = Duration.ofHours(1);

    private static final ApiKeyHash MERCHANT_KEY_HASH = ApiKeyHash.of("gk_test_merchant_key");
    private static final ApiKeyHash PARTNER_KEY_HASH = ApiKeyHash.of("gk_test_partner_key");
    private static final KeyLineage MERCHANT_KEY = new KeyLineage(MERCHANT, MERCHANT_KEY_HASH.keyId());
    private static final KeyLineage PARTNER_KEY = new KeyLineage(PARTNER, PARTNER_KEY_HASH.keyId());

    /** Issued by the merchant two hours ago, before lineage was kept: expired, never revoked, of no known key. */
    private static final TokenRecord EXPIRED = token("00000000-0000-4000-8000-000000000001", MERCHANT, null,
            NOW.minus(Duration.ofHours(2)), "admin");
    /** Issued by the partner for the merchant 20 minutes ago, with the partner's key. */
    private static final TokenRecord FROM_PARTNER = token("00000000-0000-4000-8000-000000000002", PARTNER,
            PARTNER_KEY, NOW.minus(Duration.ofMinutes(20)), "openbanking_pisp");
    /** Issued by the merchant 10 minutes ago, with its own key. */
    private static final TokenRecord NEWEST = token("00000000-0000-4000-8000-000000000003", MERCHANT, MERCHANT_KEY,
            NOW.minus(Duration.ofMinutes(10)), "admin", "openbanking_aisp");

    private final AdminCli cli = new AdminCli();

    @BeforeEach
    void createOrganisationsAndTokens() {
        assertThat(cli.run("org", "create", "--id", "partner001", "--name", "Bank", "--type", "BN").exitCode()).isZero();
        assertThat(cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR",
                "--parent", "partner001").exitCode()).isZero();
        cli.apiKeys().add(new ApiKeyRecord(MERCHANT_KEY_HASH, MERCHANT, true, NOW, "checkout"));
        cli.apiKeys().add(new ApiKeyRecord(PARTNER_KEY_HASH, PARTNER, true, NOW, "platform"));
        for (TokenRecord token : List.of(EXPIRED, FROM_PARTNER, NEWEST)) {
            cli.tokens().insert(token);
        }
    }

    @Test
    void listShowsNewestFirstWithStatusExpiryRequesterAndTheApiKeyEachDescendsFrom() {
        Result listed = cli.run("token", "list", "merchant01");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEqualTo("""
                TOKEN ID                              STATUS  EXPIRED  CREATED               EXPIRES               \
                REQUESTED BY  API KEY                  SCOPES
                00000000-0000-4000-8000-000000000003  ACTIVE  no       2026-03-01T10:20:00Z  2026-03-01T11:20:00Z  \
                merchant01    %s             admin openbanking_aisp
                00000000-0000-4000-8000-000000000002  ACTIVE  no       2026-03-01T10:10:00Z  2026-03-01T11:10:00Z  \
                partner001    partner001/%s  openbanking_pisp
                00000000-0000-4000-8000-000000000001  ACTIVE  yes      2026-03-01T08:30:00Z  2026-03-01T09:30:00Z  \
                merchant01    -                        admin
                """.formatted(MERCHANT_KEY.keyId(), PARTNER_KEY.keyId()));
    }

    @Test
    void theListedKeyOfAnotherOrganisationIsWhatKeyRevokeTakesToEndTheToken() {
        String apiKeyCell = cli.run("token", "list", "merchant01").out().lines()
                .filter(line -> line.startsWith(FROM_PARTNER.id().value())).findFirst().orElseThrow()
                .split("\\s+")[6];
        String[] ownerAndKey = apiKeyCell.split("/");

        Result revoked = cli.run("key", "revoke", ownerAndKey[0], ownerAndKey[1]);

        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(cli.tokens().findForOrganisation(MERCHANT, FROM_PARTNER.id()))
                .map(TokenRecord::status).contains(TokenStatus.REVOKED);
        assertThat(cli.tokens().findForOrganisation(MERCHANT, NEWEST.id()))
                .map(TokenRecord::status).contains(TokenStatus.ACTIVE);
    }

    @Test
    void listStopsAtTheLimit() {
        Result listed = cli.run("token", "list", "merchant01", "--limit", "1");

        assertThat(listed.out().lines().skip(1)).singleElement().asString().startsWith(NEWEST.id().value());
    }

    @Test
    void listWithALimitBelowOneIsBadUsage() {
        Result listed = cli.run("token", "list", "merchant01", "--limit", "0");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(listed.err()).startsWith("error: --limit must be at least 1\n");
    }

    @Test
    void listAsJsonCarriesRevocationTimeAndRequestingOrganisation() throws Exception {
        cli.run("token", "revoke", "merchant01", FROM_PARTNER.id().value());

        Result listed = cli.run("token", "list", "merchant01", "--json");

        JsonNode fromPartner = new ObjectMapper().readTree(listed.out()).get(1);
        assertThat(fromPartner.toString()).isEqualTo("{\"tokenId\":\"00000000-0000-4000-8000-000000000002\","
                + "\"status\":\"REVOKED\",\"expired\":false,\"createdAt\":\"2026-03-01T10:10:00Z\","
                + "\"expiresAt\":\"2026-03-01T11:10:00Z\",\"revokedAt\":\"2026-03-01T10:30:00Z\","
                + "\"requestedOrganisation\":\"merchant01\",\"requestingOrganisation\":\"partner001\","
                + "\"applicationToken\":false,\"apiKeyId\":\"" + PARTNER_KEY.keyId() + "\",\"apiKeyOrganisation\":\"partner001\","
                + "\"scopes\":[\"openbanking_pisp\"]}");
    }

    @Test
    void listAsJsonNamesTheKeysOrganisationEvenWhenItIsTheTokensOwnAndNullsForATokenOfNoKnownKey() throws Exception {
        JsonNode listed = new ObjectMapper().readTree(cli.run("token", "list", "merchant01", "--json").out());

        assertThat(listed.get(0).get("apiKeyId").asText()).isEqualTo(MERCHANT_KEY.keyId());
        assertThat(listed.get(0).get("apiKeyOrganisation").asText()).isEqualTo("merchant01");
        assertThat(listed.get(2).get("apiKeyId").isNull()).isTrue();
        assertThat(listed.get(2).get("apiKeyOrganisation").isNull()).isTrue();
    }

    @Test
    void listOfAnUnknownOrganisationIsNotFound() {
        Result listed = cli.run("token", "list", "nobody0000");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(listed.err()).isEqualTo("error: Organisation nobody0000 not found\n");
    }

    @Test
    void revokePrintsTheRevocationTimeAndAgainPrintsTheFirstOne() {
        Result first = cli.run("token", "revoke", "merchant01", NEWEST.id().value());
        cli.clock().advance(Duration.ofMinutes(1));
        Result second = cli.run("token", "revoke", "merchant01", NEWEST.id().value());

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).isEqualTo("Revoked token " + NEWEST.id() + " at 2026-03-01T10:30:00Z\n");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).isEqualTo("Token " + NEWEST.id() + " was already revoked at 2026-03-01T10:30:00Z\n");
        assertThat(cli.tokens().findForOrganisation(MERCHANT, NEWEST.id()))
                .map(TokenRecord::revokedAt).contains(NOW);
    }

    @Test
    void revokeAlsoRevokesTheTokensMintedWithItAndTheirsAndSaysHowMany() {
        TokenRecord child = minted("00000000-0000-4000-8000-000000000011", NEWEST);
        TokenRecord grandchild = minted("00000000-0000-4000-8000-000000000012", child);
        cli.tokens().insert(child);
        cli.tokens().insert(grandchild);

        Result revoked = cli.run("token", "revoke", "merchant01", NEWEST.id().value());

        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).isEqualTo("Revoked token " + NEWEST.id() + " at 2026-03-01T10:30:00Z\n"
                + "Revoked 2 tokens minted with it\n");
        for (TokenRecord token : List.of(child, grandchild)) {
            assertThat(cli.tokens().findForOrganisation(MERCHANT, token.id()))
                    .map(TokenRecord::revokedAt).contains(NOW);
        }
        assertThat(cli.tokens().findForOrganisation(MERCHANT, FROM_PARTNER.id()))
                .map(TokenRecord::status).contains(TokenStatus.ACTIVE);
    }

    @Test
    void revokingARevokedTokenAgainRevokesWhatWasMintedWithItIfStillLive() {
        TokenRecord child = minted("00000000-0000-4000-8000-000000000011", NEWEST);
        cli.tokens().insert(child);
        // Revoked alone, as a cascade interrupted before its first child leaves it.
        cli.tokens().revoke(MERCHANT, NEWEST.id(), NOW.minusSeconds(60));

        Result again = cli.run("token", "revoke", "merchant01", NEWEST.id().value());

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).isEqualTo("Token " + NEWEST.id() + " was already revoked at 2026-03-01T10:29:00Z\n"
                + "Revoked 1 tokens minted with it\n");
        assertThat(cli.tokens().findForOrganisation(MERCHANT, child.id())).map(TokenRecord::revokedAt).contains(NOW);
    }

    @Test
    void revokeThroughThePartnerThatRequestedTheToken() {
        Result revoked = cli.run("token", "revoke", "partner001", FROM_PARTNER.id().value());

        assertThat(revoked.exitCode()).isZero();
        assertThat(cli.tokens().findForOrganisation(MERCHANT, FROM_PARTNER.id()))
                .map(TokenRecord::status).contains(TokenStatus.REVOKED);
    }

    @Test
    void revokeOfATokenTheOrganisationDoesNotHoldIsNotFound() {
        cli.run("org", "create", "--id", "merchant02", "--name", "Other shop", "--type", "CR");

        Result revoked = cli.run("token", "revoke", "merchant02", NEWEST.id().value());

        assertThat(revoked.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(revoked.err()).isEqualTo("error: Organisation merchant02 has no token " + NEWEST.id() + "\n");
        assertThat(cli.tokens().findForOrganisation(MERCHANT, NEWEST.id()))
                .map(TokenRecord::status).contains(TokenStatus.ACTIVE);
    }

    @Test
    void revokeOfAMalformedTokenIdIsBadUsage() {
        Result revoked = cli.run("token", "revoke", "merchant01", "not-a-uuid");

        assertThat(revoked.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(revoked.err()).startsWith("error: Invalid value for positional parameter at index 1 (TOKEN_ID): "
                + "'not-a-uuid' is not a token id (a lower-case UUID)\n");
    }

    @Test
    void revokeAllCountsOnlyTheTokensThatWereStillActive() {
        cli.run("token", "revoke", "merchant01", NEWEST.id().value());

        Result revoked = cli.run("token", "revoke-all", "merchant01");

        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).isEqualTo("Revoked 1 active token of organisation merchant01\n");
        assertThat(cli.run("token", "list", "merchant01").out().lines().skip(1))
                .allSatisfy(line -> assertThat(line).contains(" REVOKED "));
    }

    @Test
    void revokeAllCountsEveryActiveToken() {
        Result revoked = cli.run("token", "revoke-all", "merchant01");

        assertThat(revoked.out()).isEqualTo("Revoked 2 active tokens of organisation merchant01\n");
    }

    @Test
    void revokeAllOfAnUnknownOrganisationIsNotFound() {
        Result revoked = cli.run("token", "revoke-all", "nobody0000");

        assertThat(revoked.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(revoked.err()).isEqualTo("error: Organisation nobody0000 not found\n");
    }

    /** A token of the merchant minted with {@code parent} as its bearer credential. */
    private static TokenRecord minted(String id, TokenRecord parent) {
        return new TokenRecord(new TokenId(id), MERCHANT, MERCHANT, AccessType.CR, AccessType.CR, PARTNER,
                List.of("admin"), false, false, parent.createdAt(), parent.expiresAt(), 0, null, false, null, "key-1",
                null, ParentToken.of(parent));
    }

    private static TokenRecord token(String id, OrganisationId requesting, KeyLineage lineage, Instant createdAt,
                                     String... scopes) {
        AccessType requestingType = requesting.equals(PARTNER) ? AccessType.BN : AccessType.CR;
        return new TokenRecord(new TokenId(id), MERCHANT, requesting, AccessType.CR, requestingType, PARTNER,
                List.of(scopes), false, false, createdAt, createdAt.plus(LIFETIME), 0, null, false, null, "key-1",
                lineage);
    }
}
