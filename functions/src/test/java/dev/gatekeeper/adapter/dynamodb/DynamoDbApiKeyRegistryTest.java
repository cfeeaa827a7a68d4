package dev.gatekeeper.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.LocalDynamoDb;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

class DynamoDbApiKeyRegistryTest {
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");

    private final DynamoDbClient client = LocalDynamoDb.shared().client();
    private final String table = LocalDynamoDb.shared().createTokenTable();
    private final DynamoDbApiKeyRegistry registry = new DynamoDbApiKeyRegistry(client, table);

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
    }

    @Test
    void deactivateTurnsTheKeyOffForLookupAndListing() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);

        boolean deactivated = registry.deactivate(MERCHANT, key.keyId());

        ApiKeyRecord inactive = new ApiKeyRecord(key.hash(), MERCHANT, false, CREATED, "first");
        assertThat(deactivated).isTrue();
        assertThat(registry.findByHash(key.hash())).contains(inactive);
        assertThat(registry.listFor(MERCHANT)).containsExactly(inactive);
    }

    @Test
    void deactivateOfAnUnknownOrForeignKeyIsFalse() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, CREATED, "first");
        registry.add(key);

        assertThat(registry.deactivate(MERCHANT, "000000000000")).isFalse();
        assertThat(registry.deactivate(PARTNER, key.keyId())).isFalse();
        assertThat(registry.findByHash(key.hash())).contains(key);
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
        assertThatThrownBy(() -> missingTable.deactivate(MERCHANT, "000000000000")).isInstanceOf(GatekeeperException.class);
        assertThatThrownBy(() -> missingTable.listFor(MERCHANT)).isInstanceOf(GatekeeperException.class);
    }

    private Map<String, AttributeValue> item(String partition, String sort) {
        return client.getItem(request -> request.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(sort)))).item();
    }
}
