package dev.gatekeeper.local.seed;

import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.local.storage.TemplateTables;
import dev.gatekeeper.local.template.TableDefinition;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Loads a {@link Seed} into the organisation and API key registries. Organisations already stored are left as
 * they are, keys included. Before writing anything it checks what only the store can tell (parents outside the
 * seed, keys already stored for someone else), so a seed that cannot be loaded whole is not loaded at all.
 * Organisations and keys are written as the admin CLI writes them, each with its audit record
 * ({@code ORGANISATION_CREATED}, {@code API_KEY_ISSUED}), under the request id {@code seed}.
 */
public final class SeedLoader {
    private final OrganisationRegistry organisations;
    private final ApiKeyRegistry apiKeys;
    private final Clock clock;

    public SeedLoader(OrganisationRegistry organisations, ApiKeyRegistry apiKeys, Clock clock) {
        this.organisations = organisations;
        this.apiKeys = apiKeys;
        this.clock = clock;
    }

    /**
     * Creates the template's table under {@code name} (as the local runner does) and loads the seed file into it
     * with the functions' own DynamoDB adapters, so that the callers of {@code events/} exist exactly as the events
     * expect: for the benchmarks and the checks that run handlers in-process.
     *
     * @param label stored with each key, as in {@link #load}
     */
    public static Result seedTable(DynamoDbClient dynamo, TableDefinition table, String name, Path seedFile,
                                   String label, Consumer<String> log) {
        TemplateTables.ensure(dynamo, table, name, log);
        return new SeedLoader(new DynamoDbOrganisationRegistry(dynamo, name), new DynamoDbApiKeyRegistry(dynamo, name),
                Clock.systemUTC())
                .load(SeedFile.read(seedFile), seedFile.getFileName().toString(), label);
    }

    /** What a load did: organisations created (with how many keys) and organisations found already stored. */
    public record Result(List<Seed.Entry> created, List<OrganisationId> existing) {
    }

    /** @param label stored with each key, to tell seeded keys from keys issued by the admin CLI */
    public Result load(Seed seed, String source, String label) {
        List<Seed.Entry> toCreate = new ArrayList<>();
        List<OrganisationId> existing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<OrganisationId> inSeed = new HashSet<>();
        for (Seed.Entry entry : seed.organisations()) {
            inSeed.add(entry.organisation().id());
        }
        for (Seed.Entry entry : seed.organisations()) {
            Organisation organisation = entry.organisation();
            if (organisations.find(organisation.id()).isPresent()) {
                existing.add(organisation.id());
                continue;
            }
            OrganisationId parent = organisation.parentId();
            if (parent != null && !inSeed.contains(parent) && organisations.find(parent).isEmpty()) {
                problems.add(organisation.id() + ": parent " + parent + " is neither in the seed nor stored");
            }
            for (String key : entry.apiKeys()) {
                apiKeys.findByHash(ApiKeyHash.of(key)).ifPresent(stored -> problems.add(organisation.id()
                        + ": one of its API keys is already stored for " + stored.organisationId()));
            }
            toCreate.add(entry);
        }
        if (!problems.isEmpty()) {
            throw new SeedFileException(source, problems);
        }
        for (Seed.Entry entry : toCreate) {
            organisations.create(entry.organisation(), clock.instant(), AuditContext.seeding());
            for (String key : entry.apiKeys()) {
                if (!apiKeys.add(new ApiKeyRecord(ApiKeyHash.of(key), entry.organisation().id(), true, clock.instant(),
                        label), AuditContext.seeding())) {
                    throw new IllegalStateException("organisation " + entry.organisation().id()
                            + " was removed while it was being seeded");
                }
            }
        }
        return new Result(toCreate, existing);
    }
}
