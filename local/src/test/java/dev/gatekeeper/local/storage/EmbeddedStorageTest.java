package dev.gatekeeper.local.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbAuditLog;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.adapter.dynamodb.TokenTable;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.local.Repository;
import dev.gatekeeper.local.seed.Seed;
import dev.gatekeeper.local.seed.SeedFile;
import dev.gatekeeper.local.seed.SeedFileException;
import dev.gatekeeper.local.seed.SeedLoader;
import dev.gatekeeper.local.template.SamTemplate;
import dev.gatekeeper.local.template.TableDefinition;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The embedded DynamoDB Local with the template's table in it, seeded; and the signing key file. */
class EmbeddedStorageTest {
    private static final TableDefinition TOKENS = SamTemplate.load(Repository.template()).table("TokensTable").orElseThrow();
    private static EmbeddedDynamoDb dynamo;
    private static int tables;

    @BeforeAll
    static void start() {
        dynamo = EmbeddedDynamoDb.start(Optional.empty());
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @Test
    void theTableIsCreatedAsTheTemplateDefinesItOnlyOnce() {
        String name = newTableName();
        List<String> log = new ArrayList<>();

        TemplateTables.ensure(dynamo.client(), TOKENS, name, log::add);
        TemplateTables.ensure(dynamo.client(), TOKENS, name, log::add);

        TableDescription table = dynamo.client().describeTable(request -> request.tableName(name)).table();
        assertThat(table.localSecondaryIndexes()).singleElement()
                .satisfies(index -> assertThat(index.indexName()).isEqualTo(TokenTable.GENERATION_EXPIRY_INDEX));
        assertThat(table.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
        assertThat(dynamo.client().describeTimeToLive(request -> request.tableName(name)).timeToLiveDescription())
                .satisfies(ttl -> {
                    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
                    assertThat(ttl.attributeName()).isEqualTo(TokenTable.TIME_TO_LIVE);
                });
        assertThat(log).singleElement().asString().startsWith("Created table " + name);
    }

    @Test
    void seedingTwiceLeavesExistingOrganisationsAsTheyAre() {
        SeedLoader loader = loader(newTable());
        Seed seed = SeedFile.read(Repository.seed());

        SeedLoader.Result first = loader.load(seed, "seed.json", "seed");
        SeedLoader.Result second = loader.load(seed, "seed.json", "seed");

        assertThat(first.created()).hasSize(4);
        assertThat(first.existing()).isEmpty();
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).extracting(OrganisationId::value)
                .containsExactly("pgroup0001", "partner001", "merchant01", "merchant02");
    }

    @Test
    void seedingLeavesTheAuditRecordsOfEachCreationAndIssueAndASecondLoadLeavesNoMore() {
        String table = newTable();
        Seed seed = SeedFile.read(Repository.seed());
        loader(table).load(seed, "seed.json", "seed");

        loader(table).load(seed, "seed.json", "seed");

        assertThat(trail(table, "merchant01")).extracting(AuditEvent::action)
                .containsExactlyInAnyOrder(AuditAction.ORGANISATION_CREATED, AuditAction.API_KEY_ISSUED);
        assertThat(trail(table, "merchant01")).allSatisfy(record -> {
            assertThat(record.requestId()).isEqualTo("seed");
            assertThat(record.actingOrganisation()).isNull();
        });
        assertThat(trail(table, "merchant01")).filteredOn(record -> record.action() == AuditAction.API_KEY_ISSUED)
                .singleElement().extracting(AuditEvent::reason).isEqualTo("API key "
                        + ApiKeyHash.of("gk_demo_merchant_key_0000000000000000000000000").keyId() + " labelled \"seed\"");
    }

    @Test
    void keysAreStoredHashedAndActive() {
        String table = newTable();
        loader(table).load(SeedFile.read(Repository.seed()), "seed.json", "seed");

        var stored = new DynamoDbApiKeyRegistry(dynamo.client(), table)
                .findByHash(ApiKeyHash.of("gk_demo_merchant_key_0000000000000000000000000")).orElseThrow();
        assertThat(stored.organisationId().value()).isEqualTo("merchant01");
        assertThat(stored.active()).isTrue();
        assertThat(stored.label()).isEqualTo("seed");
    }

    @Test
    void aParentAlreadyStoredIsAcceptedAndAKeyStoredForAnotherOrganisationIsNot() {
        String table = newTable();
        loader(table).load(SeedFile.read(Repository.seed()), "seed.json", "seed");

        SeedLoader.Result child = loader(table).load(SeedFile.parse("""
                {"organisations": [{"id": "merchant03", "accessType": "CR", "parentId": "partner001"}]}""", "more.json"),
                "more.json", "seed");
        assertThat(child.created()).hasSize(1);

        assertThatThrownBy(() -> loader(table).load(SeedFile.parse("""
                {"organisations": [
                  {"id": "merchant04", "accessType": "CR"},
                  {"id": "merchant05", "accessType": "CR", "apiKeys": ["gk_demo_merchant_key_0000000000000000000000000"]}
                ]}""", "clash.json"), "clash.json", "seed"))
                .isInstanceOf(SeedFileException.class)
                .hasMessageContaining("merchant05: one of its API keys is already stored for merchant01");
        assertThat(new DynamoDbOrganisationRegistry(dynamo.client(), table).find(new OrganisationId("merchant04")))
                .as("nothing of a refused seed is written").isEmpty();
    }

    @Test
    void theSigningKeyFileIsWrittenOnceAndReadBack(@TempDir Path directory) throws Exception {
        FileSigningKeySource keys = new FileSigningKeySource(directory.resolve("signing-keys.json"));

        assertThat(keys.createIfMissing(SigningAlgorithm.RS256, Clock.systemUTC())).isTrue();
        String first = Files.readString(keys.file());
        assertThat(keys.createIfMissing(SigningAlgorithm.ES256, Clock.systemUTC())).as("an existing file is kept").isFalse();

        assertThat(Files.readString(keys.file())).isEqualTo(first);
        assertThat(keys.load().current().privateJwk().isPrivate()).isTrue();
        assertThat(keys.load().current().algorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(keys.load().all()).hasSize(1);
    }

    @Test
    void preparingForAnotherAlgorithmAddsACurrentKeyOfItAndKeepsTheKeysStillInUse(@TempDir Path directory) {
        FileSigningKeySource keys = new FileSigningKeySource(directory.resolve("signing-keys.json"));
        KeyRetention retention = KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS);
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);

        assertThat(keys.prepare(SigningAlgorithm.RS256, clock, retention)).isEqualTo(FileSigningKeySource.Prepared.CREATED);
        SigningKeySet first = keys.load();
        assertThat(keys.prepare(SigningAlgorithm.RS256, clock, retention)).isEqualTo(FileSigningKeySource.Prepared.UNCHANGED);
        assertThat(keys.prepare(SigningAlgorithm.ES256, clock, retention)).isEqualTo(FileSigningKeySource.Prepared.ROTATED);

        SigningKeySet switched = keys.load();
        assertThat(switched.current().algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(switched.previous()).containsExactly(first.current());
        assertThat(switched.signedUntil(first.current().kid())).contains(now);
        assertThat(keys.prepare(SigningAlgorithm.ES256, clock, retention)).isEqualTo(FileSigningKeySource.Prepared.UNCHANGED);

        Clock aYearAndTwoDaysLater = Clock.offset(clock, retention.afterSigning().plusDays(1));
        assertThat(keys.prepare(SigningAlgorithm.RS256, aYearAndTwoDaysLater, retention))
                .isEqualTo(FileSigningKeySource.Prepared.ROTATED);
        assertThat(keys.load().previous()).as("the first key's tokens have all expired").containsExactly(switched.current());
    }

    @Test
    void thePublicKeyFileFollowsTheSigningKeyFileAtEachLoad(@TempDir Path directory) throws Exception {
        FileSigningKeySource signing = new FileSigningKeySource(directory.resolve("signing-keys.json"));
        signing.createIfMissing(SigningAlgorithm.RS256, Clock.systemUTC());
        List<String> log = new ArrayList<>();
        PublishedPublicKeyFile published = new PublishedPublicKeyFile(signing,
                new FilePublicKeySource(directory.resolve("public-keys.json")), log::add);
        assertThat(published.load()).isEqualTo(signing.load().verificationKeys());

        SigningKeySet next = new SigningKeySet(SigningKeySetJson.generateKey(SigningAlgorithm.ES256, Instant.now()),
                signing.load().all());
        Files.writeString(signing.file(), SigningKeySetJson.format(next));
        assertThat(published.load()).as("after the signing file changed").isEqualTo(next.verificationKeys());
        assertThat(published.load()).as("unchanged since").isEqualTo(next.verificationKeys());
        assertThat(log).containsExactly("Published the public signing keys to " + directory.resolve("public-keys.json"),
                "Published the public signing keys to " + directory.resolve("public-keys.json"));

        Files.writeString(signing.file(), "{\"broken\": true}");
        assertThat(published.load()).as("a broken signing file leaves the last published set")
                .isEqualTo(next.verificationKeys());
        assertThat(log.get(2)).startsWith("Cannot publish the public signing keys to ");
    }

    @Test
    void aMissingOrBrokenKeyFileIsUnusableKeysNotAnOutage(@TempDir Path directory) throws Exception {
        FileSigningKeySource keys = new FileSigningKeySource(directory.resolve("signing-keys.json"));
        assertThatThrownBy(keys::load).isInstanceOf(InvalidSigningKeysException.class).hasMessageContaining("missing");

        Files.writeString(keys.file(), "{\"current\": \"x\", \"keys\": []}");
        assertThatThrownBy(keys::load).isInstanceOf(InvalidSigningKeysException.class);
    }

    private static List<AuditEvent> trail(String table, String organisation) {
        return new DynamoDbAuditLog(dynamo.client(), table, Duration.ofDays(1))
                .find(organisation, Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"), 100);
    }

    private static SeedLoader loader(String table) {
        return new SeedLoader(new DynamoDbOrganisationRegistry(dynamo.client(), table),
                new DynamoDbApiKeyRegistry(dynamo.client(), table), Clock.systemUTC());
    }

    private static String newTable() {
        String name = newTableName();
        TemplateTables.ensure(dynamo.client(), TOKENS, name, message -> { });
        return name;
    }

    private static synchronized String newTableName() {
        return "tokens-" + ++tables;
    }
}
