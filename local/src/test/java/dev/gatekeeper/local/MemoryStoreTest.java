package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.local.Http.Reply;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --store memory} end to end, over real HTTP: the same functions and template as on DynamoDB Local,
 * their records in the runner's memory. The store's rules are the contract tests' (MemoryStorageContractTest); this
 * is the runner wiring: every function of one table sees the same records, seeded, through the API.
 */
class MemoryStoreTest {
    private static final Console console = new Console();
    private static LocalApi api;
    private static Http http;

    @BeforeAll
    static void start() {
        api = console.runner().serve("--port", "0", "--store", "memory", "--protect", "--seed",
                Repository.seed().toString(), "--template", Repository.template().toString());
        http = new Http(api.baseUri());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theBannerSaysWhereTheRecordsAreAndOffersNoAdminCli() {
        assertThat(console.err()).contains("Seeded merchant01 (CR, 1 API key) into table TokensTable in the runner's memory")
                .contains("Data: table TokensTable in the runner's memory")
                .doesNotContain("Admin CLI:").doesNotContain("DynamoDB Local");
    }

    @Test
    void aTokenIssuedByOneFunctionIsSeenAndRevokedByTheOthers() {
        Reply issued = http.postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"], \"expiresIn\": 360}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        assertThat(introspect(issued.accessToken()).json().get("active").asBoolean()).isTrue();
        assertThat(whoami(issued.accessToken()).status()).isEqualTo(200);

        Reply revoked = http.post("/tokens/" + issued.tokenId() + "/revoke", LocalApiTest.MERCHANT_KEY);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(whoami(issued.accessToken()).status()).isEqualTo(401);
        assertThat(introspect(issued.accessToken()).json().get("active").asBoolean()).isFalse();
    }

    @Test
    void aPartnersTokenForItsMerchantIsTheMerchantsAndNoOneElses() {
        Reply issued = http.postJson("/organisations/merchant01/tokens", LocalApiTest.PARTNER_KEY,
                "{\"scopes\": [\"openbanking_pisp\"]}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);

        Reply foreign = http.post("/tokens/" + issued.tokenId() + "/revoke", LocalApiTest.FILTERED_MERCHANT_KEY);
        Reply byMerchant = http.post("/tokens/" + issued.tokenId() + "/revoke", LocalApiTest.MERCHANT_KEY);

        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.returnCode()).isEqualTo("NOT_FOUND");
        assertThat(byMerchant.status()).isEqualTo(200);
        assertThat(byMerchant.data().get("requestingOrganisation").asText()).isEqualTo("partner001");
    }

    @Test
    void revokeAllCountsTheActiveTokensAndEndsEachOfThem() {
        // merchant02 is used by no other test here, so its count is this test's alone.
        Reply first = http.postJson("/tokens", LocalApiTest.FILTERED_MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        Reply second = http.postJson("/tokens", LocalApiTest.FILTERED_MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        Reply third = http.postJson("/tokens", LocalApiTest.FILTERED_MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        assertThat(http.post("/tokens/" + third.tokenId() + "/revoke", LocalApiTest.FILTERED_MERCHANT_KEY).status())
                .isEqualTo(200);

        Reply revokedAll = http.post("/tokens/revoke", LocalApiTest.FILTERED_MERCHANT_KEY);

        assertThat(revokedAll.status()).isEqualTo(200);
        assertThat(revokedAll.data().get("revokedTokensCount").asLong()).isEqualTo(2);
        assertThat(whoami(first.accessToken()).status()).isEqualTo(401);
        assertThat(whoami(second.accessToken()).status()).isEqualTo(401);
        assertThat(http.post("/tokens/revoke", LocalApiTest.FILTERED_MERCHANT_KEY).data().get("revokedTokensCount")
                .asLong()).isZero();
    }

    @Test
    void anUnknownApiKeyIsRefused() {
        Reply refused = http.postJson("/tokens", "gk_not_a_key_of_anyone_000000000000000000000", "{\"scopes\": [\"admin\"]}");

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.returnCode()).isEqualTo("UNAUTHORIZED");
    }

    private static Reply whoami(String accessToken) {
        return http.send(http.request("/protected/whoami").header("Authorization", "Bearer " + accessToken));
    }

    private static Reply introspect(String accessToken) {
        return http.send(http.request("/oauth2/introspect")
                .header("Authorization", Http.basic(LocalApiTest.MERCHANT_KEY))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + accessToken)));
    }
}
