package dev.gatekeeper.admin;

import static dev.gatekeeper.admin.AdminCli.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.admin.AdminCli.Result;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.LocalDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class AuditCommandsTest {
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");

    private final AdminCli cli = new AdminCli();

    @BeforeEach
    void recordATrail() {
        record(MERCHANT.value(), MERCHANT, AuditAction.TOKEN_ISSUED, NOW.minus(Duration.ofHours(2)), "tok-1", null);
        record(MERCHANT.value(), PARTNER, AuditAction.TOKEN_REVOKED, NOW.minus(Duration.ofHours(1)), "tok-1", null);
        record(MERCHANT.value(), MERCHANT, AuditAction.TOKEN_ISSUED, NOW.minus(Duration.ofMinutes(10)), "tok-2", null);
        record(PARTNER.value(), PARTNER, AuditAction.TOKEN_ISSUED, NOW.minus(Duration.ofMinutes(5)), "tok-3", null);
        record(AuditEvent.UNATTRIBUTED, null, AuditAction.CREDENTIAL_REFUSED, NOW.minus(Duration.ofMinutes(1)), null,
                "invalid_api_key");
    }

    private void record(String organisation, OrganisationId acting, AuditAction action, Instant time, String tokenId,
                        String reason) {
        cli.audit().record(new AuditEvent(UUID.randomUUID(), organisation, acting, action, tokenId, null, time,
                "203.0.113.7", "req-" + tokenId, reason == null ? AuditEvent.SUCCEEDED : AuditEvent.REFUSED, reason));
    }

    @Test
    void listShowsOneOrganisationsRecordsOldestFirst() {
        Result listed = cli.run("audit", "list", "merchant01");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEqualTo("""
                TIME                  ACTION         OUTCOME    ACTING      TOKEN ID  COUNT  SOURCE IP    REQUEST ID  \
                REASON
                2026-03-01T08:30:00Z  TOKEN_ISSUED   SUCCEEDED  merchant01  tok-1     -      203.0.113.7  req-tok-1   -
                2026-03-01T09:30:00Z  TOKEN_REVOKED  SUCCEEDED  partner001  tok-1     -      203.0.113.7  req-tok-1   -
                2026-03-01T10:20:00Z  TOKEN_ISSUED   SUCCEEDED  merchant01  tok-2     -      203.0.113.7  req-tok-2   -
                """);
    }

    @Test
    void listKeepsToTheTimeRangeBothEndsIncluded() {
        Result listed = cli.run("audit", "list", "merchant01", "--from", "2026-03-01T09:30:00Z",
                "--to", "2026-03-01T10:20:00Z", "--json");

        assertThat(listed.exitCode()).isZero();
        assertThat(json(listed)).extracting(node -> node.get("action").asText())
                .containsExactly("TOKEN_REVOKED", "TOKEN_ISSUED");
    }

    @Test
    void listStopsAtTheLimit() {
        Result listed = cli.run("audit", "list", "merchant01", "--limit", "1", "--json");

        assertThat(json(listed)).singleElement()
                .satisfies(node -> assertThat(node.get("time").asText()).isEqualTo("2026-03-01T08:30:00Z"));
    }

    @Test
    void refusalsTiedToNoOrganisationAreListedUnderUnknown() {
        JsonNode refusal = json(cli.run("audit", "list", "UNKNOWN", "--json")).get(0);

        assertThat(refusal.get("action").asText()).isEqualTo("CREDENTIAL_REFUSED");
        assertThat(refusal.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(refusal.get("reason").asText()).isEqualTo("invalid_api_key");
        assertThat(refusal.get("actingOrganisation").isNull()).isTrue();
    }

    @Test
    void aRevokeAllByTheCliIsAuditedWithItsCount() {
        assertThat(cli.run("org", "create", "--id", "merchant02", "--name", "Shop", "--type", "CR").exitCode()).isZero();
        // Records of one instant list in the order of their random ids: a minute later, the revoke-all's is second.
        cli.clock().advance(Duration.ofMinutes(1));

        assertThat(cli.run("token", "revoke-all", "merchant02").exitCode()).isZero();

        JsonNode record = json(cli.run("audit", "list", "merchant02", "--json")).get(1);
        assertThat(record.get("action").asText()).isEqualTo("TOKENS_REVOKED_ALL");
        assertThat(record.get("count").asLong()).isZero();
        assertThat(record.get("requestId").asText()).isEqualTo("admin-cli");
    }

    @Test
    void listShowsTheAdministratorsChangesToOrganisationsAndKeysWithWhatChangedLast() {
        cli.run("org", "create", "--id", "merchant02", "--name", "Shop", "--type", "CR", "--scope", "admin");
        cli.clock().advance(Duration.ofMinutes(1));
        cli.run("org", "update", "merchant02", "--allow-ip", "198.51.100.0/24");
        cli.clock().advance(Duration.ofMinutes(1));
        String keyId = cli.run("key", "issue", "merchant02", "--label", "till").out().split(" ")[3];

        Result listed = cli.run("audit", "list", "merchant02");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEqualTo("""
                TIME                  ACTION                OUTCOME    ACTING  TOKEN ID  COUNT  SOURCE IP  REQUEST ID  \
                REASON
                2026-03-01T10:30:00Z  ORGANISATION_CREATED  SUCCEEDED  -       -         -      -          admin-cli   \
                name: "Shop"; accessType: CR; parentId: (none); allowedScopes: admin; products: (none); \
                ipFiltering: false; allowedIps: (none); mtlsFilter: false
                2026-03-01T10:31:00Z  ORGANISATION_UPDATED  SUCCEEDED  -       -         -      -          admin-cli   \
                ipFiltering: false -> true; allowedIps: (none) -> 198.51.100.0/24
                2026-03-01T10:32:00Z  API_KEY_ISSUED        SUCCEEDED  -       -         -      -          admin-cli   \
                API key %s labelled "till"
                """.formatted(keyId));
    }

    @Test
    void malformedArgumentsAreBadUsage() {
        assertThat(cli.run("audit", "list", "Merchant01").exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(cli.run("audit", "list", "merchant01", "--from", "yesterday").exitCode())
                .isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(cli.run("audit", "list", "merchant01", "--from", "2026-03-01T10:00:00Z",
                "--to", "2026-03-01T09:00:00Z").exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
    }

    private static JsonNode json(Result result) {
        try {
            return new ObjectMapper().readTree(result.out());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + result.out(), e);
        }
    }

    /**
     * The CLI's records are kept as long as the stack keeps the functions': the option, else the functions' own
     * variable, else their default of 400 days; a retention below a day is bad usage and writes nothing.
     */
    @Test
    void theRecordsTheCliWritesExpireAfterTheStacksAuditRetention() {
        assertThat(cli.run("--audit-retention-days", "30", "org", "create", "--id", "merchant03", "--name", "A",
                "--type", "CR").exitCode()).isZero();
        assertThat(createdWith(Map.of("AUDIT_RETENTION_DAYS", "45"), "merchant04").exitCode()).isZero();
        assertThat(createdWith(Map.of(), "merchant05").exitCode()).isZero();
        Result zero = cli.run("--audit-retention-days", "0", "org", "create", "--id", "merchant06", "--name", "A",
                "--type", "CR");
        Result malformed = createdWith(Map.of("AUDIT_RETENTION_DAYS", "a year"), "merchant07");

        assertThat(auditExpiry("merchant03")).isEqualTo(NOW.plus(Duration.ofDays(30)).getEpochSecond());
        assertThat(auditExpiry("merchant04")).isEqualTo(NOW.plus(Duration.ofDays(45)).getEpochSecond());
        assertThat(auditExpiry("merchant05")).isEqualTo(NOW.plus(Duration.ofDays(400)).getEpochSecond());
        assertThat(zero.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(zero.err()).startsWith("error: --audit-retention-days must be at least 1 day, not 0");
        assertThat(malformed.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(malformed.err()).startsWith("error: $AUDIT_RETENTION_DAYS must be a positive whole number");
        assertThat(cli.organisations().find(new OrganisationId("merchant06"))).isEmpty();
        assertThat(cli.organisations().find(new OrganisationId("merchant07"))).isEmpty();
    }

    private Result createdWith(Map<String, String> environment, String id) {
        return cli.runAsGiven(environment, "--table", cli.table(), "--endpoint",
                LocalDynamoDb.shared().endpoint().toString(), "org", "create", "--id", id, "--name", "A", "--type",
                "CR");
    }

    /** The TTL of the organisation's one audit record, its creation's. */
    private long auditExpiry(String organisation) {
        List<Map<String, AttributeValue>> items = cli.client().query(request -> request.tableName(cli.table())
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :audit)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(organisation),
                        ":audit", AttributeValue.fromS("AUDIT#")))).items();
        assertThat(items).hasSize(1);
        return Long.parseLong(items.get(0).get("ttl").n());
    }
}
