package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestOrganisations.partner;
import static dev.gatekeeper.testing.TestOrganisations.partnerGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
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

    private final DynamoDbClient client = LocalDynamoDb.shared().client();
    private final String table = LocalDynamoDb.shared().createTokenTable();
    private final DynamoDbOrganisationRegistry registry = new DynamoDbOrganisationRegistry(client, table);

    @Test
    void createThenFindReturnsEveryField() {
        Organisation organisation = merchant("merchant01").below("partner001").named("Acme Ltd")
                .withIpAllowList("10.0.0.0/8", "2001:db8::1").withMtls().build();

        registry.create(organisation);

        assertThat(registry.find(organisation.id())).contains(organisation);
    }

    @Test
    void createThenFindReturnsAnOrganisationWithoutParentScopesOrProducts() {
        Organisation organisation = partnerGroup("group00001").withScopes().withProducts().named("").build();

        registry.create(organisation);

        assertThat(registry.find(organisation.id())).contains(organisation);
    }

    @Test
    void createRefusesAnIdThatIsTaken() {
        registry.create(merchant("merchant01").named("First").build());

        assertThatThrownBy(() -> registry.create(merchant("merchant01").named("Second").build()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(registry.find(new OrganisationId("merchant01")).map(Organisation::name)).contains("First");
    }

    @Test
    void updateFromTheProfileAsReadReplacesIt() {
        Organisation read = merchant("merchant01").withIpAllowList("10.0.0.1").build();
        registry.create(read);
        Organisation changed = merchant("merchant01").below("partner001").withScopes("admin")
                .withIpAllowList("10.0.0.2").named("Renamed").build();

        registry.update(read, changed);

        assertThat(registry.find(changed.id())).contains(changed);
    }

    @Test
    void updateFromAProfileChangedSinceItWasReadFailsAndKeepsTheOtherChange() {
        Organisation read = merchant("merchant01").named("Shop").build();
        registry.create(read);
        Organisation concurrent = merchant("merchant01").named("Shop").withIpAllowList("10.0.0.1").build();
        registry.update(read, concurrent);

        assertThatThrownBy(() -> registry.update(read, merchant("merchant01").named("Renamed").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("organisation merchant01 was changed or removed since it was read");
        assertThat(registry.find(read.id())).contains(concurrent);
    }

    @Test
    void updateFailsWhenAWriteLandsBetweenItsCheckAndItsPut() {
        Organisation read = merchant("merchant01").named("Shop").build();
        registry.create(read);
        Organisation concurrent = merchant("merchant01").named("Shop").withMtls().build();
        // A client that lets another writer in just before the conditional put.
        DynamoDbClient racing = (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putItem")) {
                        registry.update(read, concurrent);
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

        assertThatThrownBy(() -> new DynamoDbOrganisationRegistry(racing, table)
                .update(read, merchant("merchant01").named("Renamed").build()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(registry.find(read.id())).contains(concurrent);
    }

    @Test
    void updateOfAnOrganisationThatIsGoneFailsAndCreatesNothing() {
        Organisation read = merchant("merchant01").build();

        assertThatThrownBy(() -> registry.update(read, read)).isInstanceOf(IllegalStateException.class);
        assertThat(registry.find(read.id())).isEmpty();
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

        registry.update(read, changed);

        assertThat(registry.find(read.id())).contains(changed);
    }

    @Test
    void updateRefusesToChangeTheId() {
        Organisation read = merchant("merchant01").build();
        registry.create(read);

        assertThatThrownBy(() -> registry.update(read, merchant("merchant02").build()))
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
        registry.create(merchant);
        registry.create(partner);
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
        assertThatThrownBy(() -> missingTable.create(merchant("merchant01").build())).isInstanceOf(GatekeeperException.class);
    }
}
