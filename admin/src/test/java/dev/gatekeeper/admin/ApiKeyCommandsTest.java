package dev.gatekeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.admin.AdminCli.Result;
import dev.gatekeeper.core.apikey.ApiKeyGenerator;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ApiKeyCommandsTest {
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final Instant LATER = AdminCli.NOW.plus(Duration.ofHours(1));
    private static final Pattern ISSUED = Pattern.compile(
            "Issued API key ([0-9a-f]{12}) for organisation merchant01\nAPI key: (" + ApiKeyGenerator.PREFIX + "\\S+)\n");

    private final AdminCli cli = new AdminCli();

    @BeforeEach
    void createMerchant() {
        assertThat(cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR").exitCode()).isZero();
    }

    @Test
    void issuedKeyIsPrintedOnceAndAuthenticatesAsTheOrganisation() {
        Result issued = cli.run("key", "issue", "merchant01", "--label", "checkout server");

        assertThat(issued.exitCode()).isZero();
        Matcher printed = ISSUED.matcher(issued.out());
        assertThat(printed.matches()).as(issued.out()).isTrue();
        String apiKey = printed.group(2);
        assertThat(issued.err())
                .isEqualTo("Store the API key now: only its hash is kept, so it cannot be shown again.\n");
        assertThat(cli.apiKeys().findByHash(ApiKeyHash.of(apiKey))).hasValueSatisfying(key -> {
            assertThat(key.organisationId()).isEqualTo(MERCHANT);
            assertThat(key.active()).isTrue();
            assertThat(key.label()).isEqualTo("checkout server");
            assertThat(key.createdAt()).isEqualTo(AdminCli.NOW);
            assertThat(key.keyId()).isEqualTo(printed.group(1));
        });
    }

    @Test
    void issuedKeyIsStoredOnlyAsItsHash() {
        String apiKey = issueKey("checkout server");

        List<String> storedValues = scanAllValues();

        assertThat(storedValues).contains(ApiKeyHash.of(apiKey).value());
        assertThat(storedValues).noneMatch(value -> value.contains(apiKey));
        assertThat(storedValues).noneMatch(value -> value.contains(apiKey.substring(ApiKeyGenerator.PREFIX.length())));
    }

    @Test
    void issueForAnUnknownOrganisationIsRefusedAndStoresNothing() {
        Result issued = cli.run("key", "issue", "nobody0000");

        assertThat(issued.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(issued.out()).isEmpty();
        assertThat(issued.err()).isEqualTo("error: Organisation nobody0000 not found\n");
        assertThat(cli.apiKeys().listFor(new OrganisationId("nobody0000"))).isEmpty();
        assertThat(cli.audit().find("nobody0000", Instant.EPOCH, LATER, 10)).isEmpty();
    }

    @Test
    void issueLeavesAnAuditRecordNamingTheKeyByItsIdAndLabelNeverTheKeyOrItsHash() throws Exception {
        String apiKey = issueKey("checkout server");

        JsonNode trail = new ObjectMapper().readTree(cli.run("audit", "list", "merchant01", "--json").out());
        assertThat(trail).filteredOn(record -> record.get("action").asText().equals("API_KEY_ISSUED"))
                .singleElement().satisfies(record -> {
                    assertThat(record.get("reason").asText())
                            .isEqualTo("API key " + keyId(apiKey) + " labelled \"checkout server\"");
                    assertThat(record.get("time").asText()).isEqualTo(AdminCli.NOW.toString());
                    assertThat(record.get("requestId").asText()).isEqualTo("admin-cli");
                    assertThat(record.get("actingOrganisation").isNull()).isTrue();
                    assertThat(record.get("outcome").asText()).isEqualTo("SUCCEEDED");
                });
        assertThat(trail.toString()).doesNotContain(apiKey).doesNotContain(ApiKeyHash.of(apiKey).value())
                .doesNotContain(apiKey.substring(ApiKeyGenerator.PREFIX.length()));
    }

    @Test
    void listShowsKeyIdsLabelsAndStatusButNeverHashesOrKeys() {
        String first = issueKey("checkout server");
        cli.clock().advance(Duration.ofMinutes(5));
        String second = issueKey("");
        cli.run("key", "revoke", "merchant01", keyId(first));

        Result listed = cli.run("key", "list", "merchant01");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEqualTo("KEY ID        ACTIVE  CREATED               LABEL\n"
                + keyId(first) + "  no      2026-03-01T10:30:00Z  checkout server\n"
                + keyId(second) + "  yes     2026-03-01T10:35:00Z  -\n");
        for (String apiKey : List.of(first, second)) {
            assertThat(listed.out()).doesNotContain(apiKey).doesNotContain(ApiKeyHash.of(apiKey).value());
        }
    }

    @Test
    void listAsJsonPrintsKeyIdsAndNoHashes() throws Exception {
        String apiKey = issueKey("checkout server");

        Result listed = cli.run("key", "list", "merchant01", "--json");

        JsonNode keys = new ObjectMapper().readTree(listed.out());
        assertThat(keys.toString()).isEqualTo("[{\"keyId\":\"" + keyId(apiKey) + "\",\"organisationId\":\"merchant01\","
                + "\"label\":\"checkout server\",\"active\":true,\"createdAt\":\"2026-03-01T10:30:00Z\"}]");
    }

    @Test
    void revokedKeyStaysStoredButNoLongerAuthenticates() {
        String apiKey = issueKey("checkout server");

        Result revoked = cli.run("key", "revoke", "merchant01", keyId(apiKey));

        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).isEqualTo(
                "Revoked API key " + keyId(apiKey) + " of organisation merchant01 and 0 tokens obtained with it\n");
        assertThat(cli.apiKeys().findByHash(ApiKeyHash.of(apiKey))).map(ApiKeyRecord::active).contains(false);
    }

    @Test
    void revokeAlsoRevokesTheLiveTokensObtainedWithTheKeyAndSaysHowMany() {
        String stolen = issueKey("stolen");
        String healthy = issueKey("healthy");
        List<TokenRecord> obtained =
                List.of(tokenFrom(stolen, LATER), tokenFrom(stolen, LATER), tokenFrom(stolen, LATER));
        TokenRecord expired = tokenFrom(stolen, AdminCli.NOW);
        TokenRecord other = tokenFrom(healthy, LATER);
        obtained.forEach(cli.tokens()::insert);
        cli.tokens().insert(expired);
        cli.tokens().insert(other);

        Result revoked = cli.run("key", "revoke", "merchant01", keyId(stolen));

        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).isEqualTo(
                "Revoked API key " + keyId(stolen) + " of organisation merchant01 and 3 tokens obtained with it\n");
        for (TokenRecord token : obtained) {
            assertThat(revokedAt(token)).isEqualTo(AdminCli.NOW);
        }
        assertThat(revokedAt(expired)).isNull();
        assertThat(revokedAt(other)).isNull();
        assertThat(cli.apiKeys().findByHash(ApiKeyHash.of(healthy))).map(ApiKeyRecord::active).contains(true);
    }

    @Test
    void keepTokensOnlyDeactivatesTheKey() {
        String apiKey = issueKey("rotated");
        TokenRecord token = tokenFrom(apiKey, LATER);
        cli.tokens().insert(token);

        Result revoked = cli.run("key", "revoke", "merchant01", keyId(apiKey), "--keep-tokens");

        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).isEqualTo(
                "Revoked API key " + keyId(apiKey) + " of organisation merchant01; tokens obtained with it were kept\n");
        assertThat(cli.apiKeys().findByHash(ApiKeyHash.of(apiKey))).map(ApiKeyRecord::active).contains(false);
        assertThat(revokedAt(token)).isNull();
    }

    @Test
    void revokingARevokedKeyAgainSweepsItsTokensSoAnInterruptedRunCanBeFinished() {
        String apiKey = issueKey("stolen");
        TokenRecord token = tokenFrom(apiKey, LATER);
        cli.tokens().insert(token);
        cli.run("key", "revoke", "merchant01", keyId(apiKey), "--keep-tokens");
        cli.clock().advance(Duration.ofMinutes(1));

        Result second = cli.run("key", "revoke", "merchant01", keyId(apiKey));
        Result third = cli.run("key", "revoke", "merchant01", keyId(apiKey));

        assertThat(second.out()).isEqualTo(
                "Revoked API key " + keyId(apiKey) + " of organisation merchant01 and 1 token obtained with it\n");
        assertThat(third.out()).isEqualTo(
                "Revoked API key " + keyId(apiKey) + " of organisation merchant01 and 0 tokens obtained with it\n");
        assertThat(revokedAt(token)).isEqualTo(AdminCli.NOW.plus(Duration.ofMinutes(1)));
    }

    @Test
    void revokeLeavesAnAuditRecordOfTheDeactivationByKeyIdBesideThoseOfTheTokensItSweeps() throws Exception {
        String apiKey = issueKey("stolen");
        TokenRecord token = tokenFrom(apiKey, LATER);
        cli.tokens().insert(token);

        cli.run("key", "revoke", "merchant01", keyId(apiKey));

        JsonNode trail = new ObjectMapper().readTree(cli.run("audit", "list", "merchant01", "--json").out());
        assertThat(trail).filteredOn(record -> record.get("action").asText().equals("API_KEY_DEACTIVATED"))
                .singleElement().satisfies(record -> {
                    assertThat(record.get("reason").asText()).isEqualTo("API key " + keyId(apiKey));
                    assertThat(record.get("time").asText()).isEqualTo(AdminCli.NOW.toString());
                    assertThat(record.get("requestId").asText()).isEqualTo("admin-cli");
                    assertThat(record.get("outcome").asText()).isEqualTo("SUCCEEDED");
                });
        assertThat(trail).filteredOn(record -> record.get("action").asText().equals("TOKEN_REVOKED"))
                .singleElement().satisfies(record ->
                        assertThat(record.get("tokenId").asText()).isEqualTo(token.id().value()));
        assertThat(trail.toString()).doesNotContain(apiKey).doesNotContain(ApiKeyHash.of(apiKey).value());
    }

    @Test
    void revokeWithKeepTokensLeavesAnAuditRecordOfTheDeactivationAndARepeatLeavesNoOther() {
        String apiKey = issueKey("rotated");

        cli.run("key", "revoke", "merchant01", keyId(apiKey), "--keep-tokens");
        cli.clock().advance(Duration.ofMinutes(1));
        cli.run("key", "revoke", "merchant01", keyId(apiKey));

        Result trail = cli.run("audit", "list", "merchant01");
        assertThat(trail.out().lines().filter(line -> line.contains("API_KEY_DEACTIVATED"))).singleElement()
                .asString().startsWith(AdminCli.NOW + "  API_KEY_DEACTIVATED")
                .endsWith("  admin-cli   API key " + keyId(apiKey));
    }

    @Test
    void revokeOfAnUnknownKeyLeavesNoAuditRecord() {
        cli.run("key", "revoke", "merchant01", "000000000000");

        assertThat(cli.audit().find("merchant01", Instant.EPOCH, LATER, 10)).extracting(AuditEvent::action)
                .containsExactly(AuditAction.ORGANISATION_CREATED);
    }

    @Test
    void revokeOfAnotherOrganisationsKeyIsNotFound() {
        String apiKey = issueKey("checkout server");
        cli.run("org", "create", "--id", "merchant02", "--name", "Other shop", "--type", "CR");

        Result revoked = cli.run("key", "revoke", "merchant02", keyId(apiKey));

        assertThat(revoked.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(revoked.err()).isEqualTo("error: Organisation merchant02 has no API key " + keyId(apiKey) + "\n");
        assertThat(cli.apiKeys().findByHash(ApiKeyHash.of(apiKey))).map(ApiKeyRecord::active).contains(true);
    }

    private String issueKey(String label) {
        Result issued = cli.run("key", "issue", "merchant01", "--label", label);
        Matcher printed = ISSUED.matcher(issued.out());
        assertThat(printed.matches()).as(issued.out() + issued.err()).isTrue();
        return printed.group(2);
    }

    /** A token of merchant01 obtained with {@code apiKey}, issued a minute before {@link AdminCli#NOW}. */
    private static TokenRecord tokenFrom(String apiKey, Instant expiresAt) {
        return new TokenRecord(TokenId.of(UUID.randomUUID()), MERCHANT, MERCHANT, AccessType.CR, AccessType.CR, null,
                List.of("admin"), false, false, AdminCli.NOW.minusSeconds(60), expiresAt, 0, null, false, null,
                "signing-key-1", new KeyLineage(MERCHANT, keyId(apiKey)));
    }

    private Instant revokedAt(TokenRecord token) {
        return cli.tokens().findForOrganisation(MERCHANT, token.id()).orElseThrow().revokedAt();
    }

    private static String keyId(String apiKey) {
        return ApiKeyHash.of(apiKey).keyId();
    }

    /** Every string stored anywhere in the table, keys included. */
    private List<String> scanAllValues() {
        return cli.client().scanPaginator(scan -> scan.tableName(cli.table())).items().stream()
                .flatMap(item -> item.values().stream())
                .map(value -> value.s() != null ? value.s() : value.toString())
                .toList();
    }
}
