package dev.gatekeeper.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestOrganisations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoDbApiKeyRegistryTest {
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");
    private static final Instant DEACTIVATED = CREATED.plusSeconds(3600);
    private static final Duration AUDIT_RETENTION = Duration.ofDays(7);
    private static final AuditContext OPERATOR = AuditContext.administrator();

    private final DynamoDbClient client = LocalDynamoDb.shared().client();
    private final String table = LocalDynamoDb.shared().createTokenTable();
    private final DynamoDbApiKeyRegistry registry =
            new DynamoDbApiKeyRegistry(client, table, AUDIT_RETENTION, UUID::randomUUID);
    private final DynamoDbAuditLog audit = new DynamoDbAuditLog(client, table, AUDIT_RETENTION);

    /** A key is only stored for an organisation that exists. */
    @BeforeEach
    void createOrganisations() {
        DynamoDbOrganisationRegistry organisations = new DynamoDbOrganisationRegistry(client, table);
        organisations.create(TestOrganisations.merchant(MERCHANT.value()).build(), CREATED);
        organisations.create(TestOrganisations.partner(PARTNER.value()).build(), CREATED);
    }

    @Test
    void addThenFindByHashReturnsTheKey() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "deploy pipeline");

        registry.add(key);

        assertThat(registry.findByHash(ApiKeyHash.of("gk_first"))).contains(key);
        assertThat(registry.findByHash(ApiKeyHash.of("gk_other"))).isEmpty();
    }

    @Test
    void addStoresTheLookupAndListingItemsTheTemplateExpects() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, null);

        registry.add(key);

        Map<String, AttributeValue> lookup = item("APIKEY#" + key.hash().value(), "APIKEY");
        assertThat(lookup.get("organisationId").s()).isEqualTo(MERCHANT.value());
        assertThat(lookup.get("keyId").s()).isEqualTo(key.keyId());
        assertThat(lookup.get("label").s()).isEmpty();
        Map<String, AttributeValue> listing = item(MERCHANT.value(), "APIKEY#" + key.keyId());
        assertThat(listing.get("hash").s()).isEqualTo(key.hash().value());
        assertThat(listing.get("active").bool()).isTrue();
        assertThat(listing.get("createdAt").n()).isEqualTo(Long.toString(CREATED.toEpochMilli()));
    }

    @Test
    void addRefusesAKeyThatIsAlreadyStored() {
        registry.add(new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first"));

        assertThatThrownBy(() -> registry.add(new ApiKeyRecord(ApiKeyHash.of("gk_first"), PARTNER, true, CREATED, "again")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(registry.findByHash(ApiKeyHash.of("gk_first")).map(ApiKeyRecord::organisationId)).contains(MERCHANT);
        assertThat(registry.listFor(PARTNER)).isEmpty();
        assertThat(issues(MERCHANT)).hasSize(1);
        assertThat(issues(PARTNER)).isEmpty();
    }

    @Test
    void addRecordsTheIssueInTheOrganisationsTrailNamingTheKeyByItsIdAndLabelOnly() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "deploy pipeline");

        assertThat(registry.add(key, new AuditContext(null, null, "req-1"))).isTrue();

        assertThat(issues(MERCHANT)).singleElement().satisfies(record -> {
            assertThat(record.time()).isEqualTo(CREATED);
            assertThat(record.reason()).isEqualTo("API key " + key.keyId() + " labelled \"deploy pipeline\"");
            assertThat(record.actingOrganisation()).isNull();
            assertThat(record.requestId()).isEqualTo("req-1");
            assertThat(record.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
            assertThat(record.tokenId()).isNull();
        });
        Map<String, AttributeValue> stored = auditItem(MERCHANT, AuditAction.API_KEY_ISSUED);
        assertThat(stored.values()).extracting(AttributeValue::toString)
                .noneMatch(value -> value.contains(key.hash().value()) || value.contains("gk_first"));
        assertThat(stored.get("ttl").n()).isEqualTo(Long.toString(CREATED.plus(AUDIT_RETENTION).getEpochSecond()));
    }

    @Test
    void addOfAKeyWithoutLabelNamesItByItsIdAlone() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "");

        registry.add(key);

        assertThat(issues(MERCHANT)).singleElement().extracting(AuditEvent::reason)
                .isEqualTo("API key " + key.keyId());
    }

    @Test
    void addForAnUnknownOrganisationIsFalseAndWritesNothing() {
        OrganisationId unknown = new OrganisationId("nobody0000");
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), unknown, true, CREATED, "first");

        assertThat(registry.add(key)).isFalse();

        assertThat(registry.findByHash(key.hash())).isEmpty();
        assertThat(registry.listFor(unknown)).isEmpty();
        assertThat(audit.find(unknown.value(), Instant.EPOCH, DEACTIVATED, 10)).isEmpty();
    }

    @Test
    void anIssueWhoseAuditRecordCannotBeWrittenStoresNoKey() {
        UUID sameId = UUID.fromString("00000000-0000-4000-8000-00000000000c");
        DynamoDbApiKeyRegistry reusingIds = new DynamoDbApiKeyRegistry(client, table, AUDIT_RETENTION, () -> sameId);
        ApiKeyRecord first = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        ApiKeyRecord second = new ApiKeyRecord(ApiKeyHash.of("gk_second"), MERCHANT, true, CREATED, "second");
        reusingIds.add(first);

        // The second record would land on the first one's key (same organisation, time and id).
        assertThatThrownBy(() -> reusingIds.add(second))
                .isInstanceOfSatisfying(GatekeeperException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(registry.findByHash(second.hash())).isEmpty();
        assertThat(registry.listFor(MERCHANT)).containsExactly(first);
        assertThat(issues(MERCHANT)).singleElement().extracting(AuditEvent::reason).asString()
                .startsWith("API key " + first.keyId());
    }

    @Test
    void deactivateTurnsTheKeyOffForLookupAndListing() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);

        boolean deactivated = registry.deactivate(MERCHANT, key.keyId(), DEACTIVATED);

        ApiKeyRecord inactive = new ApiKeyRecord(key.hash(), MERCHANT, false, CREATED, "first");
        assertThat(deactivated).isTrue();
        assertThat(registry.findByHash(key.hash())).contains(inactive);
        assertThat(registry.listFor(MERCHANT)).containsExactly(inactive);
    }

    @Test
    void deactivateOfAnUnknownOrForeignKeyIsFalse() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);

        assertThat(registry.deactivate(MERCHANT, "000000000000", DEACTIVATED)).isFalse();
        assertThat(registry.deactivate(PARTNER, key.keyId(), DEACTIVATED)).isFalse();
        assertThat(registry.findByHash(key.hash())).contains(key);
        assertThat(trail(MERCHANT)).isEmpty();
        assertThat(trail(PARTNER)).isEmpty();
    }

    @Test
    void deactivateRecordsTheDeactivationInTheOrganisationsTrailNamingTheKeyByItsIdOnly() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);

        registry.deactivate(MERCHANT, key.keyId(), DEACTIVATED,
                new AuditContext(PARTNER, "203.0.113.7", "req-1"));

        assertThat(trail(MERCHANT)).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.API_KEY_DEACTIVATED);
            assertThat(record.time()).isEqualTo(DEACTIVATED);
            assertThat(record.reason()).isEqualTo("API key " + key.keyId());
            assertThat(record.actingOrganisation()).isEqualTo(PARTNER);
            assertThat(record.sourceIp()).isEqualTo("203.0.113.7");
            assertThat(record.requestId()).isEqualTo("req-1");
            assertThat(record.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
            assertThat(record.tokenId()).isNull();
        });
        Map<String, AttributeValue> stored = auditItem(MERCHANT, AuditAction.API_KEY_DEACTIVATED);
        assertThat(stored.values()).extracting(AttributeValue::toString)
                .noneMatch(value -> value.contains(key.hash().value()) || value.contains("gk_first"));
        assertThat(stored.get("ttl").n())
                .isEqualTo(Long.toString(DEACTIVATED.plus(AUDIT_RETENTION).getEpochSecond()));
    }

    @Test
    void deactivatingAnInactiveKeyAgainChangesNothingAndRecordsNothing() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);
        registry.deactivate(MERCHANT, key.keyId(), DEACTIVATED);

        boolean again = registry.deactivate(MERCHANT, key.keyId(), DEACTIVATED.plusSeconds(60));

        assertThat(again).isTrue();
        assertThat(registry.findByHash(key.hash())).map(ApiKeyRecord::active).contains(false);
        assertThat(trail(MERCHANT)).extracting(AuditEvent::time).containsExactly(DEACTIVATED);
    }

    @Test
    void concurrentDeactivationsOfOneKeyAllSucceedAndLeaveOneRecord() throws Exception {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);
        int operators = 4;
        CyclicBarrier start = new CyclicBarrier(operators);
        ExecutorService threads = Executors.newFixedThreadPool(operators);
        try {
            List<Future<Boolean>> deactivations = new ArrayList<>();
            for (int i = 0; i < operators; i++) {
                deactivations.add(threads.submit(() -> {
                    start.await();
                    return registry.deactivate(MERCHANT, key.keyId(), DEACTIVATED);
                }));
            }
            for (Future<Boolean> deactivation : deactivations) {
                assertThat(deactivation.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(registry.findByHash(key.hash())).map(ApiKeyRecord::active).contains(false);
        assertThat(trail(MERCHANT)).singleElement()
                .extracting(AuditEvent::action).isEqualTo(AuditAction.API_KEY_DEACTIVATED);
    }

    @Test
    void aDeactivationWhoseAuditRecordCannotBeWrittenLeavesTheKeyActive() {
        UUID sameId = UUID.fromString("00000000-0000-4000-8000-00000000000a");
        DynamoDbApiKeyRegistry reusingIds = new DynamoDbApiKeyRegistry(client, table, AUDIT_RETENTION, () -> sameId);
        ApiKeyRecord first = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        ApiKeyRecord second = new ApiKeyRecord(ApiKeyHash.of("gk_second"), MERCHANT, true, CREATED, "second");
        registry.add(first);
        registry.add(second);
        reusingIds.deactivate(MERCHANT, first.keyId(), DEACTIVATED);

        // The second record would land on the first one's key (same organisation, time and id), so it cannot be put.
        assertThatThrownBy(() -> reusingIds.deactivate(MERCHANT, second.keyId(), DEACTIVATED))
                .isInstanceOfSatisfying(GatekeeperException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(registry.findByHash(second.hash())).contains(second);
        assertThat(registry.listFor(MERCHANT)).filteredOn(ApiKeyRecord::active).containsExactly(second);
        assertThat(trail(MERCHANT)).singleElement().extracting(AuditEvent::reason)
                .isEqualTo("API key " + first.keyId());
    }

    @Test
    void listForReturnsOnlyTheOrganisationsKeysOldestFirst() {
        ApiKeyRecord older = new ApiKeyRecord(ApiKeyHash.of("gk_older"), MERCHANT, true, CREATED, "older");
        ApiKeyRecord newer = new ApiKeyRecord(ApiKeyHash.of("gk_newer"), MERCHANT, true, CREATED.plusSeconds(60), "newer");
        ApiKeyRecord partners = new ApiKeyRecord(ApiKeyHash.of("gk_partner"), PARTNER, true, CREATED, "partner");
        registry.add(newer);
        registry.add(partners);
        registry.add(older);

        assertThat(registry.listFor(MERCHANT)).containsExactly(older, newer);
        assertThat(registry.listFor(PARTNER)).containsExactly(partners);
    }

    @Test
    void aRegistryThatCannotReachItsTableAnswersServiceUnavailableKeepingTheCause() {
        DynamoDbApiKeyRegistry missingTable = new DynamoDbApiKeyRegistry(client, "no-such-table");

        assertThatThrownBy(() -> missingTable.findByHash(ApiKeyHash.of("gk_first")))
                .isInstanceOfSatisfying(GatekeeperException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE))
                .hasMessage("API key store unavailable")
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> missingTable.add(new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "")))
                .isInstanceOf(GatekeeperException.class);
        assertThatThrownBy(() -> missingTable.deactivate(MERCHANT, "000000000000", DEACTIVATED))
                .isInstanceOf(GatekeeperException.class);
        assertThatThrownBy(() -> missingTable.listFor(MERCHANT)).isInstanceOf(GatekeeperException.class);
    }

    /** The records of deactivations: those of the set-up (creations, issues) are all older. */
    private List<AuditEvent> trail(OrganisationId organisation) {
        return audit.find(organisation.value(), DEACTIVATED, DEACTIVATED.plusSeconds(3600), 100);
    }

    private List<AuditEvent> issues(OrganisationId organisation) {
        return audit.find(organisation.value(), Instant.EPOCH, DEACTIVATED.plusSeconds(3600), 100).stream()
                .filter(record -> record.action() == AuditAction.API_KEY_ISSUED).toList();
    }

    /** The one stored audit item of {@code action}, as stored. */
    private Map<String, AttributeValue> auditItem(OrganisationId organisation, AuditAction action) {
        List<Map<String, AttributeValue>> items = client.query(query -> query.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :audit)")
                .filterExpression("#action = :action")
                .expressionAttributeNames(Map.of("#action", "action"))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(organisation.value()),
                        ":audit", AttributeValue.fromS("AUDIT#"), ":action", AttributeValue.fromS(action.name()))))
                .items();
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private Map<String, AttributeValue> item(String partition, String sort) {
        return client.getItem(request -> request.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(sort)))).item();
    }
}
