package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestOrganisations.partner;
import static dev.gatekeeper.testing.TestOrganisations.partnerGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.testing.LocalDynamoDb;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoDbOrganisationRegistryTest {
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant UPDATED = CREATED.plusSeconds(3600);
    private static final Duration AUDIT_RETENTION = Duration.ofDays(7);

    private final DynamoDbClient client = LocalDynamoDb.shared().client();
    private final String table = LocalDynamoDb.shared().createTokenTable();
    private final DynamoDbOrganisationRegistry registry =
            new DynamoDbOrganisationRegistry(client, table, AUDIT_RETENTION, UUID::randomUUID);
    private final DynamoDbAuditLog audit = new DynamoDbAuditLog(client, table, AUDIT_RETENTION);

    @Test
    void createThenFindReturnsEveryField() {
        Organisation organisation = merchant("merchant01").below("partner001").named("Acme Ltd")
                .withIpAllowList("10.0.0.0/8", "2001:db8::1").withMtls().build();

        registry.create(organisation, CREATED);

        assertThat(registry.find(organisation.id())).contains(organisation);
    }

    @Test
    void createThenFindReturnsAnOrganisationWithoutParentScopesOrProducts() {
        Organisation organisation = partnerGroup("group00001").withScopes().withProducts().named("").build();

        registry.create(organisation, CREATED);

        assertThat(registry.find(organisation.id())).contains(organisation);
    }

    @Test
    void createRefusesAnIdThatIsTaken() {
        registry.create(merchant("merchant01").named("First").build(), CREATED);

        assertThatThrownBy(() -> registry.create(merchant("merchant01").named("Second").build(), UPDATED))
                .isInstanceOf(IllegalStateException.class);
        assertThat(registry.find(new OrganisationId("merchant01")).map(Organisation::name)).contains("First");
        assertThat(trail("merchant01")).singleElement().extracting(AuditEvent::time).isEqualTo(CREATED);
    }

    @Test
    void createRecordsTheCreationWithTheProfileInTheOrganisationsTrail() {
        Organisation organisation = merchant("merchant01").below("partner001").named("Acme \"Ltd\"")
                .withScopes("openbanking_pisp", "admin").withProducts().withIpAllowList("10.0.0.0/8", "2001:db8::1")
                .build();

        registry.create(organisation, CREATED, AuditContext.administrator());

        assertThat(trail("merchant01")).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.ORGANISATION_CREATED);
            assertThat(record.time()).isEqualTo(CREATED);
            assertThat(record.reason()).isEqualTo("name: \"Acme \\\"Ltd\\\"\"; accessType: CR; parentId: partner001; "
                    + "allowedScopes: admin,openbanking_pisp; products: (none); ipFiltering: true; "
                    + "allowedIps: 10.0.0.0/8,2001:db8::1; mtlsFilter: false");
            assertThat(record.actingOrganisation()).isNull();
            assertThat(record.requestId()).isEqualTo("admin-cli");
            assertThat(record.sourceIp()).isNull();
            assertThat(record.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
            assertThat(record.tokenId()).isNull();
        });
        assertThat(auditItems("merchant01")).singleElement().satisfies(item -> assertThat(item.get("ttl").n())
                .isEqualTo(Long.toString(CREATED.plus(AUDIT_RETENTION).getEpochSecond())));
    }

    @Test
    void aCreationWhoseAuditRecordCannotBeWrittenCreatesNothing() {
        UUID sameId = UUID.fromString("00000000-0000-4000-8000-00000000000a");
        // Put by hand where the creation's record must go (same organisation, time and id), so it cannot be put.
        audit.record(new AuditEvent(sameId, "merchant02", null, AuditAction.TOKEN_ISSUED, "tok-1", null, CREATED,
                null, "req-1", AuditEvent.SUCCEEDED, null));
        DynamoDbOrganisationRegistry reusingIds =
                new DynamoDbOrganisationRegistry(client, table, AUDIT_RETENTION, () -> sameId);

        assertThatThrownBy(() -> reusingIds.create(merchant("merchant02").build(), CREATED))
                .isInstanceOfSatisfying(GatekeeperException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(registry.find(new OrganisationId("merchant02"))).isEmpty();
        assertThat(trail("merchant02")).extracting(AuditEvent::action).containsExactly(AuditAction.TOKEN_ISSUED);
    }

    @Test
    void updateFromTheProfileAsReadReplacesIt() {
        Organisation read = merchant("merchant01").withIpAllowList("10.0.0.1").build();
        registry.create(read, CREATED);
        Organisation changed = merchant("merchant01").below("partner001").withScopes("admin")
                .withIpAllowList("10.0.0.2").named("Renamed").build();

        registry.update(read, changed, UPDATED);

        assertThat(registry.find(changed.id())).contains(changed);
    }

    @Test
    void updateRecordsEachAttributeItChangesBeforeAndAfterAndNoOther() {
        Organisation read = merchant("merchant01").named("Shop").withScopes("admin", "openbanking_pisp")
                .withIpAllowList("10.0.0.1").build();
        registry.create(read, CREATED);
        Organisation changed = merchant("merchant01").named("Shop").withScopes("openbanking_pisp", "admin")
                .withIpAllowList("198.51.100.0/24", "198.51.100.9").withMtls().build();

        registry.update(read, changed, UPDATED, new AuditContext(null, null, "req-7"));

        assertThat(trail("merchant01")).extracting(AuditEvent::action)
                .containsExactly(AuditAction.ORGANISATION_CREATED, AuditAction.ORGANISATION_UPDATED);
        assertThat(trail("merchant01").get(1)).satisfies(record -> {
            assertThat(record.time()).isEqualTo(UPDATED);
            assertThat(record.reason())
                    .isEqualTo("allowedIps: 10.0.0.1 -> 198.51.100.0/24,198.51.100.9; mtlsFilter: false -> true");
            assertThat(record.requestId()).isEqualTo("req-7");
            assertThat(record.actingOrganisation()).isNull();
        });
    }

    @Test
    void anUpdateThatChangesNothingWritesNothing() {
        Organisation read = merchant("merchant01").withIpAllowList("10.0.0.1").build();
        registry.create(read, CREATED);

        registry.update(read, merchant("merchant01").withIpAllowList("10.0.0.1").build(), UPDATED);

        assertThat(trail("merchant01")).extracting(AuditEvent::action)
                .containsExactly(AuditAction.ORGANISATION_CREATED);
    }

    @Test
    void anUpdateWhoseAuditRecordCannotBeWrittenLeavesTheProfileAsItWas() {
        UUID sameId = UUID.fromString("00000000-0000-4000-8000-00000000000b");
        Organisation read = merchant("merchant01").named("Shop").build();
        registry.create(read, CREATED);
        audit.record(new AuditEvent(sameId, "merchant01", null, AuditAction.TOKEN_ISSUED, "tok-1", null, UPDATED,
                null, "req-1", AuditEvent.SUCCEEDED, null));
        DynamoDbOrganisationRegistry reusingIds =
                new DynamoDbOrganisationRegistry(client, table, AUDIT_RETENTION, () -> sameId);

        assertThatThrownBy(() -> reusingIds.update(read, merchant("merchant01").named("Renamed").build(), UPDATED))
                .isInstanceOf(GatekeeperException.class);
        assertThat(registry.find(read.id())).contains(read);
        assertThat(trail("merchant01")).extracting(AuditEvent::action)
                .containsExactly(AuditAction.ORGANISATION_CREATED, AuditAction.TOKEN_ISSUED);
    }

    @Test
    void updateFromAProfileChangedSinceItWasReadFailsAndKeepsTheOtherChange() {
        Organisation read = merchant("merchant01").named("Shop").build();
        registry.create(read, CREATED);
        Organisation concurrent = merchant("merchant01").named("Shop").withIpAllowList("10.0.0.1").build();
        registry.update(read, concurrent, UPDATED);

        assertThatThrownBy(() -> registry.update(read, merchant("merchant01").named("Renamed").build(),
                UPDATED.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("organisation merchant01 was changed or removed since it was read");
        assertThat(registry.find(read.id())).contains(concurrent);
        assertThat(trail("merchant01")).extracting(AuditEvent::time).containsExactly(CREATED, UPDATED);
    }

    @Test
    void updateFailsWhenAWriteLandsBetweenItsCheckAndItsPut() {
        Organisation read = merchant("merchant01").named("Shop").build();
        registry.create(read, CREATED);
        Organisation concurrent = merchant("merchant01").named("Shop").withMtls().build();
        // A client that lets another writer in just before the conditional write.
        DynamoDbClient racing = (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("transactWriteItems")) {
                        registry.update(read, concurrent, UPDATED);
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        assertThatThrownBy(() -> new DynamoDbOrganisationRegistry(racing, table)
                .update(read, merchant("merchant01").named("Renamed").build(), UPDATED.plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(registry.find(read.id())).contains(concurrent);
        assertThat(trail("merchant01")).extracting(AuditEvent::reason).last()
                .isEqualTo("mtlsFilter: false -> true");
        assertThat(trail("merchant01")).extracting(AuditEvent::time).containsExactly(CREATED, UPDATED);
    }

    @Test
    void updateOfAnOrganisationThatIsGoneFailsAndCreatesNothing() {
        Organisation read = merchant("merchant01").build();

        assertThatThrownBy(() -> registry.update(read, merchant("merchant01").named("Renamed").build(), UPDATED))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> registry.update(read, read, UPDATED)).isInstanceOf(IllegalStateException.class);
        assertThat(registry.find(read.id())).isEmpty();
        assertThat(trail("merchant01")).isEmpty();
    }

    @Test
    void updateMatchesAProfileWrittenByHandWithAStringSetAndMissingAttributes() {
        client.putItem(request -> request.tableName(table).item(Map.of(
                TokenTable.PARTITION_KEY, AttributeValue.fromS("merchant01"),
                TokenTable.SORT_KEY, AttributeValue.fromS(TokenTable.PROFILE),
                TokenTable.ACCESS_TYPE, AttributeValue.fromS("CR"),
                TokenTable.ALLOWED_SCOPES, AttributeValue.fromSs(List.of("admin", "openbanking_pisp")))));
        Organisation read = registry.find(new OrganisationId("merchant01")).orElseThrow();
        Organisation changed = merchant("merchant01").named("Shop").withScopes("admin").withProducts().build();

        registry.update(read, changed, UPDATED);

        assertThat(registry.find(read.id())).contains(changed);
    }

    @Test
    void updateRefusesToChangeTheId() {
        Organisation read = merchant("merchant01").build();
        registry.create(read, CREATED);

        assertThatThrownBy(() -> registry.update(read, merchant("merchant02").build(), UPDATED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.find(new OrganisationId("merchant02"))).isEmpty();
    }

    @Test
    void findOfAnUnknownOrganisationIsEmpty() {
        assertThat(registry.find(new OrganisationId("nobody0000"))).isEmpty();
    }

    @Test
    void listReturnsOnlyProfilesAmongTheTablesOtherItems() {
        Organisation merchant = merchant("merchant01").below("partner001").build();
        Organisation partner = partner("partner001").build();
        registry.create(merchant, CREATED);
        registry.create(partner, CREATED);
        new DynamoDbApiKeyRegistry(client, table).add(new ApiKeyRecord(ApiKeyHash.of("gk_key"), merchant.id(), true,
                CREATED, "ci"));
        DynamoDbTokenStore tokens = new DynamoDbTokenStore(client, table, Duration.ofDays(1));
        tokens.insert(new TokenRecord(TokenId.of(UUID.randomUUID()), merchant.id(), partner.id(), merchant.accessType(),
                partner.accessType(), merchant.parentId(), List.of("admin"), false, false, CREATED,
                CREATED.plusSeconds(60), 0, null, false, null, "key-1"));
        tokens.revokeAll(merchant.id(), CREATED.plusSeconds(30));

        assertThat(registry.list()).containsExactly(merchant, partner);
    }

    @Test
    void aRegistryThatCannotReachItsTableAnswersServiceUnavailableKeepingTheCause() {
        DynamoDbOrganisationRegistry missingTable = new DynamoDbOrganisationRegistry(client, "no-such-table");

        assertThatThrownBy(() -> missingTable.find(new OrganisationId("merchant01")))
                .isInstanceOfSatisfying(GatekeeperException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE))
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(missingTable::list).isInstanceOf(GatekeeperException.class);
        assertThatThrownBy(() -> missingTable.create(merchant("merchant01").build(), CREATED)).isInstanceOf(GatekeeperException.class);
    }

    private List<AuditEvent> trail(String organisation) {
        return audit.find(organisation, Instant.EPOCH, UPDATED.plusSeconds(3600), 100);
    }

    private List<Map<String, AttributeValue>> auditItems(String organisation) {
        return client.query(query -> query.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :audit)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(organisation),
                        ":audit", AttributeValue.fromS("AUDIT#")))).items();
    }
}
