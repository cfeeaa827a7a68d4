package dev.gatekeeper.local.storage.memory;

import dev.gatekeeper.config.Stores;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The token table kept in the runner's own memory: organisations, API keys, tokens and audit records, behind the
 * same four ports as the DynamoDB adapters and held to the same rules (the port contract tests run both). Every
 * operation holds the table's one lock from its first read to its last write, which gives each change the atomicity
 * the DynamoDB adapters get from their transactions: a change and its audit record are stored together or not at
 * all, and the checks of an insert (generation, API key, parent token) hold when it is stored.
 *
 * <p>Why the runner has it: DynamoDB Local runs every statement of its database on a single SQLite thread, which
 * caps token issuance at a few hundred a second however many cores there are (BENCHMARKS.md, throughput). This store
 * takes the round trips out, so the runner measures the functions themselves. It is not the deployed request path
 * (no SDK, no DynamoDB), which is why DynamoDB Local stays the runner's default.
 *
 * <p>Nothing outlives the process, and nothing expires while it runs: like DynamoDB Local, which runs no TTL, it
 * keeps every record until the runner stops, about a kilobyte a token with its audit record.
 */
public final class MemoryTable {
    private final Supplier<UUID> auditIds;

    final Map<OrganisationId, Organisation> organisations = new HashMap<>();
    /** Every key by its hash, for authentication; the same records as {@link #keysByOwner}. */
    final Map<ApiKeyHash, ApiKeyRecord> keysByHash = new HashMap<>();
    /** Every key by its organisation and key id, for administration and the lineage checks. */
    final Map<OrganisationId, Map<String, ApiKeyRecord>> keysByOwner = new HashMap<>();
    final Map<OrganisationId, Partition> partitions = new HashMap<>();
    /** The tokens that descend from each API key, wherever they are held, for revocation by key. */
    final Map<KeyLineage, Set<TokenRef>> lineages = new HashMap<>();
    /** Audit records per organisation (or {@link AuditEvent#UNATTRIBUTED}), in the order the DynamoDB table keeps. */
    final Map<String, NavigableMap<AuditKey, AuditEvent>> audit = new HashMap<>();

    private final TokenStore tokens = new MemoryTokenStore(this);
    private final ApiKeyRegistry apiKeys = new MemoryApiKeyRegistry(this);
    private final OrganisationRegistry organisationRegistry = new MemoryOrganisationRegistry(this);
    private final AuditLog auditLog = new MemoryAuditLog(this);

    /** With random audit record ids. */
    public MemoryTable() {
        this(UUID::randomUUID);
    }

    /** @param auditIds the ids of audit records */
    public MemoryTable(Supplier<UUID> auditIds) {
        this.auditIds = Objects.requireNonNull(auditIds, "auditIds");
    }

    public TokenStore tokens() {
        return tokens;
    }

    public ApiKeyRegistry apiKeys() {
        return apiKeys;
    }

    public OrganisationRegistry organisations() {
        return organisationRegistry;
    }

    public AuditLog auditLog() {
        return auditLog;
    }

    /** The ports a service is built on. */
    public Stores stores() {
        return new Stores(tokens, apiKeys, organisationRegistry, auditLog);
    }

    /**
     * What one organisation's partition of the DynamoDB table holds, apart from its profile, keys and audit
     * records: its tokens, its revocation generation, and the pointers other partitions' items are found by.
     */
    static final class Partition {
        /** Its current revocation generation: a revoke-all ends it and starts the next. */
        long generation;
        /** When each ended generation ended: the revocation time of its tokens not revoked on their own. */
        final Map<Long, Instant> generationEnds = new HashMap<>();
        /** Its tokens as stored: {@code revokedAt} only for a token revoked on its own. */
        final Map<TokenId, TokenRecord> tokens = new HashMap<>();
        /** The tokens it requested for organisations below it, by the organisation that holds each. */
        final Map<TokenId, OrganisationId> issued = new HashMap<>();
        /** Per token of this partition that minted, the tokens minted with it and when they expire. */
        final Map<TokenId, Map<TokenRef, Instant>> minted = new HashMap<>();
    }

    /** Where a token record is: the partition of the organisation it acts for, and its id. */
    record TokenRef(OrganisationId holder, TokenId id) {
    }

    /** An audit record's place: by millisecond, then by id as text, as the table's sort key orders them. */
    record AuditKey(long millis, String id) implements Comparable<AuditKey> {
        @Override
        public int compareTo(AuditKey other) {
            int byTime = Long.compare(millis, other.millis);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    // The helpers below are called with the table's lock held.

    Optional<Partition> partitionIfAny(OrganisationId organisation) {
        return Optional.ofNullable(partitions.get(organisation));
    }

    Partition partition(OrganisationId organisation) {
        return partitions.computeIfAbsent(organisation, id -> new Partition());
    }

    UUID nextAuditId() {
        return auditIds.get();
    }

    /**
     * Stores a record as the DynamoDB table would give it back: its time to the millisecond, empty texts absent.
     */
    void record(AuditEvent event) {
        AuditEvent stored = new AuditEvent(event.id(), event.organisation(), event.actingOrganisation(),
                event.action(), emptyToNull(event.tokenId()), event.count(), toMillis(event.time()),
                emptyToNull(event.sourceIp()), emptyToNull(event.requestId()), event.outcome(),
                emptyToNull(event.reason()));
        audit.computeIfAbsent(stored.organisation(), organisation -> new TreeMap<>())
                .put(new AuditKey(stored.time().toEpochMilli(), stored.id().toString()), stored);
    }

    /** The table keeps times in milliseconds: what is stored here is what a DynamoDB adapter would read back. */
    static Instant toMillis(Instant time) {
        return Instant.ofEpochMilli(time.toEpochMilli());
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
