package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.adapter.dynamodb.Items.CONDITIONAL_CHECK_FAILED;
import static dev.gatekeeper.adapter.dynamodb.Items.backOff;
import static dev.gatekeeper.adapter.dynamodb.Items.bool;
import static dev.gatekeeper.adapter.dynamodb.Items.conflicted;
import static dev.gatekeeper.adapter.dynamodb.Items.flag;
import static dev.gatekeeper.adapter.dynamodb.Items.instant;
import static dev.gatekeeper.adapter.dynamodb.Items.key;
import static dev.gatekeeper.adapter.dynamodb.Items.millis;
import static dev.gatekeeper.adapter.dynamodb.Items.n;
import static dev.gatekeeper.adapter.dynamodb.Items.number;
import static dev.gatekeeper.adapter.dynamodb.Items.optionalInstant;
import static dev.gatekeeper.adapter.dynamodb.Items.optionalString;
import static dev.gatekeeper.adapter.dynamodb.Items.reason;
import static dev.gatekeeper.adapter.dynamodb.Items.s;
import static dev.gatekeeper.adapter.dynamodb.Items.string;
import static dev.gatekeeper.adapter.dynamodb.Items.stringList;
import static dev.gatekeeper.adapter.dynamodb.Items.strings;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACCESS_TYPE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACTIVE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ACTIVE_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.API_KEY_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.API_KEY_ORGANISATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.API_KEY_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.APPLICATION_TOKEN;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.COUNT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.CREATED_AT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.DESCENDANT_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.EXPIRES_AT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.GENERATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.GENERATION_EXPIRY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.GENERATION_EXPIRY_INDEX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.GENERATION_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.IP_FILTERING;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.ISSUED_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.KEY_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.MINTED;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.MINTED_PREFIX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.MTLS_FILTER;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARENT_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARENT_TOKEN_DEPTH;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARENT_TOKEN_GENERATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARENT_TOKEN_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARENT_TOKEN_ORGANISATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REQUESTED_ORGANISATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REQUESTING_ACCESS_TYPE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REQUESTING_ORGANISATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.RESOURCE_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REVOCATION;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.REVOKED_AT;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SCOPES;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SLOT_COUNTS;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TIME_TO_LIVE;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TOKEN_ID;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TOKEN_PREFIX;

import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.ApiKeyRevokedException;
import dev.gatekeeper.core.token.DescendantRevocation;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.ParentTokenRevokedException;
import dev.gatekeeper.core.token.RevocationBudget;
import dev.gatekeeper.core.token.StaleGenerationException;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Token records in the {@link TokenTable}, one partition per requested organisation.
 *
 * <p>Revoke-all bumps the organisation's generation in one transaction with the insert's and the individual
 * revocation's condition checks on that same item, so every token is either issued before a revoke-all and ended
 * by it, or issued after it; and a token is revoked either on its own or by its generation, never both.
 *
 * <p>Each of those transactions also puts the change's audit record, so a change is never stored without its
 * record nor a record without its change. A revoke-all's count is known only once its bump has committed: its
 * record says which generation ended, and a follow-up update adds the count.
 *
 * <p>That count costs the same for 10 tokens as for 100 000: inserts and single revocations keep per-minute
 * counters of active tokens, with 10-second slots (see {@link TokenTable}), in their own transactions, and a
 * revoke-all sums the counters of the minutes and slots still to come instead of reading the tokens.
 *
 * <p>A token that descends from an API key is stored only in a transaction that also checks the key is still
 * active, so once the key is deactivated its set of tokens can only shrink, and {@link #revokeByApiKey} sweeps it
 * with consistent reads of the key owner's partition (see {@link TokenTable} for where its tokens are found).
 *
 * <p>Likewise a token minted with a bearer token is stored only in a transaction that also checks that parent is
 * neither revoked on its own nor of an ended generation, so once the parent is revoked its set of children can only
 * shrink, and {@link #revokeMintedWith} finds them all through the parent partition's pointers.
 */
public final class DynamoDbTokenStore implements TokenStore {
    private static final String UNAVAILABLE = "Token store unavailable";
    /** Attempts for a transaction that conflicts with a concurrent one on the same items. */
    private static final int MAX_CONFLICT_ATTEMPTS = 5;
    /** Concurrent revoke-alls each end a generation; one losing this often is contention, not progress. */
    private static final int MAX_REVOKE_ALL_ATTEMPTS = 10;
    private static final int MAX_BATCH_ATTEMPTS = 5;
    /** Width of an active-token counter's expiry bucket. */
    static final long COUNTER_BUCKET_MILLIS = 60_000;
    /**
     * Width of a slot within a bucket. Each counter item also counts its tokens per slot, so a revoke-all reads at
     * most half a slot of tokens from the index instead of half a minute (on DynamoDB Local, 700 index entries cost
     * about 9 ms more than 6). The slot counts share one number attribute, {@link #SLOT_BASE} to a slot, updated by
     * the same ADD as the count: separate attributes made every counter item bigger, and reading 140 of them about
     * 2-3 ms slower, which is most of what the slots save.
     */
    static final long COUNTER_SLOT_MILLIS = 10_000;
    static final int COUNTER_SLOTS = (int) (COUNTER_BUCKET_MILLIS / COUNTER_SLOT_MILLIS);
    /**
     * One slot's place value in the packed slot counts: 6 slots of 6 digits fit DynamoDB's 38 significant digits. A
     * slot holding a million tokens would carry into the next; the count check in {@link #countActive} notices and
     * falls back to the index for the minute.
     */
    static final BigInteger SLOT_BASE = BigInteger.TEN.pow(6);
    /**
     * Counters per generation and minute. DynamoDB takes about 1 000 write units a second on one item, 500
     * transactional updates; two shards carry the 1 000 or so issues a second that one organisation's revocation
     * item allows anyway (every insert condition-checks it, at two read units each), and keep a revoke-all's sum
     * short: one item per shard and minute of the tokens' remaining lifetimes.
     */
    static final int COUNTER_SHARDS = 2;
    /** Organisations whose generation a container remembers; emptied when full, which costs one read each. */
    private static final int MAX_KNOWN_GENERATIONS = 10_000;
    /** Parent tokens a container remembers as marked minted; emptied when full, which costs one write each. */
    private static final int MAX_KNOWN_MINTERS = 10_000;

    /** The default retention of audit records, as the template's {@code AuditRetentionDays}. */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(400);

    private final DynamoDbClient client;
    private final String tableName;
    private final Duration retention;
    private final Duration auditRetention;
    private final Supplier<UUID> auditIds;
    /**
     * The generation each organisation was last seen in, so issuing a token costs no read of it: a revoke-all is
     * rare, and the insert's condition check on the generation catches a stale one (one extra round trip, once).
     */
    private final ConcurrentMap<String, Long> knownGenerations = new ConcurrentHashMap<>();
    /**
     * Parent tokens this container saw marked {@link TokenTable#MINTED} (the mark is never cleared), so only a
     * parent's first child writes the mark: a write on every mint would make concurrent mints with one token conflict
     * with each other, where condition checks do not.
     */
    private final Set<ItemKey> knownMinters = ConcurrentHashMap.newKeySet();

    /** With the default audit retention and random audit record ids. */
    public DynamoDbTokenStore(DynamoDbClient client, String tableName, Duration retention) {
        this(client, tableName, retention, DEFAULT_AUDIT_RETENTION, UUID::randomUUID);
    }

    /**
     * @param retention      how long after its expiry a token record is kept (DynamoDB TTL), so it can still be
     *                       looked up and revoked for a while after it stops working
     * @param auditRetention how long after the change its audit record is kept
     * @param auditIds       the ids of audit records
     */
    public DynamoDbTokenStore(DynamoDbClient client, String tableName, Duration retention, Duration auditRetention,
                              Supplier<UUID> auditIds) {
        this.client = Objects.requireNonNull(client, "client");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.auditRetention = Objects.requireNonNull(auditRetention, "auditRetention");
        this.auditIds = Objects.requireNonNull(auditIds, "auditIds");
        if (retention.isNegative() || auditRetention.isNegative()) {
            throw new IllegalArgumentException("retention must not be negative");
        }
    }

    @Override
    public long currentGeneration(OrganisationId organisation) {
        String partition = organisation.value();
        Long known = knownGenerations.get(partition);
        if (known != null) {
            return known;
        }
        long generation = guarded(() -> readGeneration(partition));
        remember(partition, generation);
        return generation;
    }

    private void remember(String partition, long generation) {
        if (knownGenerations.size() >= MAX_KNOWN_GENERATIONS) {
            knownGenerations.clear();
        }
        // Never step back: a concurrent reader may have seen an older generation than a revoke-all here ended.
        knownGenerations.merge(partition, generation, Math::max);
    }

    @Override
    public void insert(TokenRecord token, AuditContext audit) {
        if (token.revokedAt() != null) {
            throw new IllegalArgumentException("a new token record cannot be revoked already");
        }
        String partition = token.requestedOrganisation().value();
        KeyLineage lineage = token.lineage();
        ParentToken parent = token.parentToken();
        // A transaction may not act twice on one item: when the parent is held in the token's own partition, the
        // one generation check covers both, and it can only hold if both generations are the same.
        boolean parentInPartition = parent != null && parent.holder().equals(token.requestedOrganisation());
        if (parentInPartition && parent.generation() != token.generation()) {
            if (token.generation() < parent.generation()) {
                knownGenerations.remove(partition);
                throw new StaleGenerationException("the token's revocation generation has ended");
            }
            throw new ParentTokenRevokedException("a revoke-all ended the generation of the token it is minted with");
        }
        List<TransactWriteItem> actions = new ArrayList<>();
        actions.add(TransactWriteItem.builder().conditionCheck(generationIs(partition, token.generation())).build());
        int keyCheck = lineage == null ? -1 : actions.size();
        if (lineage != null) {
            actions.add(TransactWriteItem.builder().conditionCheck(keyIsActive(lineage)).build());
        }
        int firstParentCheck = actions.size();
        if (parent != null) {
            actions.add(parentMints(parent));
            if (!parentInPartition) {
                actions.add(TransactWriteItem.builder()
                        .conditionCheck(generationIs(parent.holder().value(), parent.generation())).build());
            }
        }
        int lastParentCheck = actions.size() - 1;
        int firstPut = actions.size();
        actions.add(Items.putNew(tableName, tokenItem(token)));
        if (!token.requestingOrganisation().equals(token.requestedOrganisation())) {
            actions.add(Items.putNew(tableName, issuedItem(token)));
        }
        if (lineage != null && !lineage.owner().equals(token.requestedOrganisation())
                && !lineage.owner().equals(token.requestingOrganisation())) {
            actions.add(Items.putNew(tableName, descendantItem(token)));
        }
        if (parent != null) {
            actions.add(Items.putNew(tableName, mintedItem(token)));
        }
        int lastPut = actions.size() - 1;
        AuditAction action = token.applicationToken() ? AuditAction.APPLICATION_TOKEN_ISSUED : AuditAction.TOKEN_ISSUED;
        actions.add(auditPut(AuditEvent.succeeded(auditIds.get(), token.requestedOrganisation(), action,
                token.id().value(), null, token.createdAt(), audit, null)));
        actions.add(activeCounterChange(token, 1));
        guarded(() -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    client.transactWriteItems(request -> request.transactItems(actions));
                    if (parent != null) {
                        rememberMinter(parent);
                    }
                    return null;
                } catch (TransactionCanceledException e) {
                    // Checked first: a retry in a new generation would fail on the key, or the parent, anyway.
                    if (keyCheck >= 0 && CONDITIONAL_CHECK_FAILED.equals(reason(e, keyCheck))) {
                        throw new ApiKeyRevokedException("the API key the token descends from is no longer active");
                    }
                    for (int check = firstParentCheck; check <= lastParentCheck; check++) {
                        if (CONDITIONAL_CHECK_FAILED.equals(reason(e, check))) {
                            throw new ParentTokenRevokedException("the token it is minted with is revoked");
                        }
                    }
                    if (CONDITIONAL_CHECK_FAILED.equals(reason(e, 0))) {
                        knownGenerations.remove(partition);
                        if (parentInPartition) {
                            // The generation ended was the parent's too: a retry would only be refused.
                            throw new ParentTokenRevokedException(
                                    "a revoke-all ended the generation of the token it is minted with");
                        }
                        throw new StaleGenerationException("the token's revocation generation has ended");
                    }
                    for (int put = firstPut; put <= lastPut; put++) {
                        if (CONDITIONAL_CHECK_FAILED.equals(reason(e, put))) {
                            throw new IllegalStateException("a token with this id is already stored");
                        }
                    }
                    if (!conflicted(e) || attempt >= MAX_CONFLICT_ATTEMPTS) {
                        throw e;
                    }
                    backOff(attempt);
                }
            }
        });
    }

    @Override
    public Optional<TokenRecord> findForOrganisation(OrganisationId organisation, TokenId id) {
        return guarded(() -> locate(organisation, id).map(located -> effective(located, new HashMap<>())));
    }

    /**
     * One consistent {@code BatchGetItem} (token, issued pointer, revocation generation) when {@code organisation}
     * is the token's requested organisation, as it is for every bearer check. Unlike {@link #findForOrganisation}
     * it never reads when a revoke-all happened: a token of an ended generation is simply not live.
     */
    @Override
    public Optional<TokenRecord> findLive(OrganisationId organisation, TokenId id, Instant now) {
        return guarded(() -> locate(organisation, id)
                .filter(located -> number(located.item(), GENERATION) >= located.generation())
                .map(located -> tokenRecord(located.item()))
                .filter(record -> record.isLiveAt(now)));
    }

    @Override
    public Optional<TokenRecord> revoke(OrganisationId organisation, TokenId id, Instant at, AuditContext audit) {
        Instant revokedAt = Instant.ofEpochMilli(at.toEpochMilli());
        return guarded(() -> revokeVisible(organisation, id, revokedAt, audit, record -> true, null, new HashMap<>())
                .map(Revocation::record));
    }

    /** A token as a revocation left it, and whether that revocation was the one that revoked it. */
    private record Revocation(TokenRecord record, boolean revokedNow) {
    }

    /**
     * Revokes a token visible to {@code organisation} if it is not revoked yet and {@code eligible}; the audit
     * record gives {@code reason}. Empty if no such token is visible. {@code generationEnds} keeps the ends of
     * revoke-alls read (see {@link #effective}), for callers that revoke many tokens.
     */
    private Optional<Revocation> revokeVisible(OrganisationId organisation, TokenId id, Instant revokedAt,
                                               AuditContext audit, Predicate<TokenRecord> eligible, String reason,
                                               Map<ItemKey, Instant> generationEnds) {
        for (int conflicts = 0, lostRaces = 0; ; ) {
            Optional<Located> located = locate(organisation, id);
            if (located.isEmpty()) {
                return Optional.empty();
            }
            TokenRecord current = effective(located.get(), generationEnds);
            if (current.revokedAt() != null || !eligible.test(current)) {
                // Already revoked, on its own or by a revoke-all (the first revocation's time stands), or not one
                // the caller means: left as it is.
                return Optional.of(new Revocation(current, false));
            }
            try {
                revokeIndividually(located.get().partition(), current, revokedAt, audit, reason);
                return Optional.of(new Revocation(current.revokedAt(revokedAt), true));
            } catch (TransactionCanceledException e) {
                boolean lostRace = CONDITIONAL_CHECK_FAILED.equals(reason(e, 0))
                        || CONDITIONAL_CHECK_FAILED.equals(reason(e, 1));
                if (lostRace) {
                    // Settled for good (revokedAt set, or the generation ended): the next pass reads the
                    // winner's time. Or a first child was stored meanwhile: the next pass reads the mark, which
                    // stays. Losing more often would mean the stored state contradicts itself.
                    if (++lostRaces > 2) {
                        throw new IllegalStateException("token revocation state does not settle", e);
                    }
                } else if (conflicted(e) && ++conflicts < MAX_CONFLICT_ATTEMPTS) {
                    backOff(conflicts);
                } else {
                    throw e;
                }
            }
        }
    }

    @Override
    public long revokeByApiKey(OrganisationId organisation, String keyId, Instant at, AuditContext audit) {
        KeyLineage key = new KeyLineage(organisation, keyId);
        Instant revokedAt = Instant.ofEpochMilli(at.toEpochMilli());
        String reason = "API key " + keyId + " of " + organisation + " revoked";
        // Checked again on the record itself, as read for the revocation: the queries' filters only save reads.
        Predicate<TokenRecord> eligible = record -> key.equals(record.lineage()) && !record.isExpiredAt(revokedAt);
        return guarded(() -> {
            long revoked = 0;
            Map<ItemKey, Instant> generationEnds = new HashMap<>();
            // The owner's own tokens, those it requested below it, and those minted below it with a token of the
            // key's lineage; a page at a time, as a key may have obtained very many.
            for (String prefix : List.of(TOKEN_PREFIX, ISSUED_PREFIX, descendantPrefix(keyId))) {
                QueryRequest query = liveDescendants(key, prefix, revokedAt);
                for (Map<String, AttributeValue> item : client.queryPaginator(query).items()) {
                    String sortKey = string(item, SORT_KEY);
                    TokenId id = new TokenId(sortKey.substring(sortKey.lastIndexOf('#') + 1));
                    // Through the partition that holds it: the owner may not see a token minted below it.
                    OrganisationId holder = new OrganisationId(string(item, REQUESTED_ORGANISATION));
                    if (revokeVisible(holder, id, revokedAt, audit, eligible, reason, generationEnds)
                            .filter(Revocation::revokedNow).isPresent()) {
                        revoked++;
                    }
                }
            }
            return revoked;
        });
    }

    /**
     * The key owner's items under {@code prefix} (token records or pointers) that name the key and whose token was
     * neither expired nor revoked on its own at {@code at}: only the sort key and the holding partition.
     */
    private QueryRequest liveDescendants(KeyLineage key, String prefix, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>(keyPrefix(key.owner().value(), prefix));
        values.putAll(Map.of(":keyId", s(key.keyId()), ":owner", s(key.owner().value()), ":at", millis(at)));
        return QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .filterExpression("#apiKeyId = :keyId AND #apiKeyOrganisation = :owner AND #expiresAt > :at"
                        + " AND attribute_not_exists(#revokedAt)")
                .projectionExpression("#sk, #requested")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY, "#apiKeyId", API_KEY_ID,
                        "#apiKeyOrganisation", API_KEY_ORGANISATION, "#expiresAt", EXPIRES_AT,
                        "#revokedAt", REVOKED_AT, "#requested", REQUESTED_ORGANISATION))
                .expressionAttributeValues(values)
                .build();
    }

    @Override
    public DescendantRevocation revokeMintedWith(TokenRecord parent, Instant at, AuditContext audit,
                                                 RevocationBudget budget) {
        if (!parent.minted()) {
            // Nothing was ever minted with it, and nothing can be now it is revoked: no pointers to look for.
            return new DescendantRevocation(0, true);
        }
        Instant revokedAt = Instant.ofEpochMilli(at.toEpochMilli());
        return guarded(() -> {
            Map<ItemKey, Instant> generationEnds = new HashMap<>();
            // Depth first, on a stack of its own rather than by recursion: a chain of tokens, each minted with the
            // one before, is as deep as whoever minted it made it.
            Deque<Minter> minters = new ArrayDeque<>();
            minters.push(minter(parent.requestedOrganisation(), parent.id(), null));
            long revoked = 0;
            // Every step that a later run would not repeat counts: a revocation, or a pointer deleted (with the
            // reads of the child it pointed to). Stepping down into a token revoked before does not: a later run
            // passes again through the tokens on the way to where this one stopped, and counting those could stop
            // every run short of anything new below a chain longer than the limit. Each such descent ends in a
            // counted step (its pointer deleted on the way back up) unless the run stops first, with at most the
            // mint depth of them on the way down, so a run's uncounted work is bounded too. The time is checked
            // before every iteration, descents included.
            long steps = 0;
            while (!minters.isEmpty()) {
                if (!budget.allowsAnotherStep(steps)) {
                    return new DescendantRevocation(revoked, false);
                }
                Minter minter = minters.peek();
                if (!minter.children().hasNext()) {
                    minters.pop();
                    // It is revoked, so it can gain no child, and each child it had is handled: a later run need
                    // not look at it again.
                    if (minter.pointer() != null) {
                        deletePointer(minter.pointer());
                        steps++;
                    }
                    continue;
                }
                Map<String, AttributeValue> pointer = minter.children().next();
                String sortKey = string(pointer, SORT_KEY);
                ItemKey pointerKey = new ItemKey(minter.holder().value(), sortKey);
                if (!instant(pointer, EXPIRES_AT).isAfter(revokedAt)) {
                    // Expired, and so is whatever was minted with it (never outliving its parent): nothing to
                    // revoke, and the pointer would otherwise be read by every run until its TTL.
                    deletePointer(pointerKey);
                    steps++;
                    continue;
                }
                TokenId child = new TokenId(sortKey.substring(sortKey.lastIndexOf('#') + 1));
                OrganisationId holder = new OrganisationId(string(pointer, REQUESTED_ORGANISATION));
                // Checked on the record itself, as read for the revocation: the pointer only saves reads.
                Predicate<TokenRecord> mintedWithIt = record -> record.parentToken() != null
                        && record.parentToken().id().equals(minter.id())
                        && record.parentToken().holder().equals(minter.holder())
                        && !record.isExpiredAt(revokedAt);
                // Through the partition that holds it: the parent's holder may not see it.
                Optional<Revocation> revocation = revokeVisible(holder, child, revokedAt, audit, mintedWithIt,
                        "parent token " + minter.id() + " revoked", generationEnds);
                boolean revokedNow = revocation.filter(Revocation::revokedNow).isPresent();
                if (revokedNow) {
                    revoked++;
                }
                TokenRecord record = revocation.map(Revocation::record).orElse(null);
                if (record != null && record.revokedAt() != null && record.minted()) {
                    // Revoked, now or before (perhaps by a run that stopped before its children): look below it.
                    if (revokedNow) {
                        steps++;
                    }
                    minters.push(minter(holder, child, pointerKey));
                    continue;
                }
                // Done with: revoked and it minted nothing; or its record is gone (retention ended); or it expired
                // since the pointer was read (with whatever it minted); or it does not name this parent.
                deletePointer(pointerKey);
                steps++;
            }
            return new DescendantRevocation(revoked, true);
        });
    }

    /**
     * A revoked token whose children are being revoked: where its record is, the pointer to it from its own parent
     * (null for the token the revocation started from), and its pointers to children, read a page at a time as they
     * are needed.
     */
    private record Minter(OrganisationId holder, TokenId id, ItemKey pointer,
                          Iterator<Map<String, AttributeValue>> children) {
    }

    /**
     * Expired pointers are read too, so that they can be deleted. A key range rather than {@code begins_with}: see
     * {@link #keyPrefix}.
     */
    private Minter minter(OrganisationId holder, TokenId id, ItemKey pointer) {
        QueryRequest children = QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .projectionExpression("#sk, #requested, #expiresAt")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY, "#expiresAt", EXPIRES_AT,
                        "#requested", REQUESTED_ORGANISATION))
                .expressionAttributeValues(keyPrefix(holder.value(), mintedPrefix(id)))
                .build();
        return new Minter(holder, id, pointer, client.queryPaginator(children).items().iterator());
    }

    private void deletePointer(ItemKey pointer) {
        client.deleteItem(request -> request.tableName(tableName).key(pointer.attributes()));
    }

    @Override
    public long revokeAll(OrganisationId organisation, Instant at, AuditContext audit) {
        String partition = organisation.value();
        return guarded(() -> {
            for (int attempt = 1; ; attempt++) {
                long generation = readGeneration(partition);
                AuditEvent event = AuditEvent.succeeded(auditIds.get(), organisation, AuditAction.TOKENS_REVOKED_ALL,
                        null, null, at, audit, "generation " + generation + " ended");
                try {
                    endGeneration(partition, generation, at, auditPut(event));
                    remember(partition, generation + 1);
                    long count = countActive(partition, generation, at);
                    recordCount(event, count);
                    return count;
                } catch (TransactionCanceledException e) {
                    boolean lostRace = CONDITIONAL_CHECK_FAILED.equals(reason(e, 0))
                            || CONDITIONAL_CHECK_FAILED.equals(reason(e, 1));
                    // Lost to a concurrent revoke-all, which counts the tokens of the generation it ended; this
                    // call ends the next one.
                    if (!(lostRace || conflicted(e)) || attempt >= MAX_REVOKE_ALL_ATTEMPTS) {
                        throw e;
                    }
                    if (!lostRace) {
                        backOff(attempt);
                    }
                }
            }
        });
    }

    @Override
    public List<TokenRecord> listForOrganisation(OrganisationId organisation, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        String partition = organisation.value();
        return guarded(() -> {
            long generation = readGeneration(partition);
            QueryRequest query = QueryRequest.builder()
                    .tableName(tableName)
                    .consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                    .expressionAttributeValues(keyPrefix(partition, TOKEN_PREFIX))
                    .build();
            List<TokenRecord> records = new ArrayList<>();
            for (Map<String, AttributeValue> item : client.queryPaginator(query).items()) {
                records.add(tokenRecord(item));
            }
            Map<Long, Instant> generationEnds = new HashMap<>();
            return records.stream()
                    .sorted(Comparator.comparing(TokenRecord::createdAt).reversed()
                            .thenComparing(record -> record.id().value()))
                    .limit(limit)
                    .map(record -> record.revokedAt() == null && record.generation() < generation
                            ? record.revokedAt(generationEnds.computeIfAbsent(record.generation(),
                                    ended -> generationEnd(partition, ended)))
                            : record)
                    .toList();
        });
    }

    /** A token item and the revocation generation of the partition it was found in. */
    private record Located(String partition, Map<String, AttributeValue> item, long generation) {
    }

    /**
     * Finds the token in the organisation's own partition or, through its issued pointer, in the partition of the
     * organisation it was requested for. One batch read answers the common case.
     */
    private Optional<Located> locate(OrganisationId organisation, TokenId id) {
        String own = organisation.value();
        ItemKey token = new ItemKey(own, TOKEN_PREFIX + id.value());
        ItemKey issued = new ItemKey(own, ISSUED_PREFIX + id.value());
        ItemKey revocation = new ItemKey(own, REVOCATION);
        Map<ItemKey, Map<String, AttributeValue>> found = batchGet(List.of(token, issued, revocation));
        if (found.containsKey(token)) {
            return Optional.of(new Located(own, found.get(token), generationOf(found.get(revocation))));
        }
        if (!found.containsKey(issued)) {
            return Optional.empty();
        }
        String partition = string(found.get(issued), REQUESTED_ORGANISATION);
        ItemKey pointedToken = new ItemKey(partition, TOKEN_PREFIX + id.value());
        ItemKey pointedRevocation = new ItemKey(partition, REVOCATION);
        found = batchGet(List.of(pointedToken, pointedRevocation));
        Map<String, AttributeValue> item = found.get(pointedToken);
        // TTL deletes the pointer and the token at different moments; and only a token this organisation requested
        // is visible through a pointer in its partition.
        if (item == null || !own.equals(string(item, REQUESTING_ORGANISATION))) {
            return Optional.empty();
        }
        return Optional.of(new Located(partition, item, generationOf(found.get(pointedRevocation))));
    }

    /**
     * The record as callers see it: a token of an ended generation is revoked when its generation ended. That end
     * is read once per {@code generationEnds}: a revocation of many tokens meets the same revoke-all again and again.
     */
    private TokenRecord effective(Located located, Map<ItemKey, Instant> generationEnds) {
        TokenRecord record = tokenRecord(located.item());
        if (record.revokedAt() == null && record.generation() < located.generation()) {
            String partition = located.partition();
            return record.revokedAt(generationEnds.computeIfAbsent(
                    new ItemKey(partition, generationSortKey(record.generation())),
                    end -> generationEnd(partition, record.generation())));
        }
        return record;
    }

    private void revokeIndividually(String partition, TokenRecord token, Instant at, AuditContext audit,
                                    String reason) {
        TransactWriteItem generationCheck = TransactWriteItem.builder()
                .conditionCheck(generationIs(partition, token.generation()))
                .build();
        // Removing genExp takes the token out of the index revoke-all counts, so it is never counted twice. A token
        // read as having minted nothing is revoked only if that still holds: the record returned then tells the
        // revocation of its children whether there are any to look for (a child stored meanwhile sets the mark, and
        // none can be stored after this).
        Map<String, String> names = new HashMap<>(Map.of(
                "#revokedAt", REVOKED_AT, "#genExp", GENERATION_EXPIRY, "#pk", PARTITION_KEY));
        String condition = "attribute_exists(#pk) AND attribute_not_exists(#revokedAt)";
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":at", millis(at)));
        if (!token.minted()) {
            // Read as false (not absent, which reads as having minted), so it is still false.
            names.put("#minted", MINTED);
            values.put(":notMinted", bool(false));
            condition += " AND #minted = :notMinted";
        }
        TransactWriteItem revocation = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(key(partition, TOKEN_PREFIX + token.id().value()))
                .updateExpression("SET #revokedAt = :at REMOVE #genExp")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
        // Recorded in the partition of the organisation acted on: the one the token acts for.
        TransactWriteItem record = auditPut(AuditEvent.succeeded(auditIds.get(), token.requestedOrganisation(),
                AuditAction.TOKEN_REVOKED, token.id().value(), null, at, audit, reason));
        client.transactWriteItems(request -> request.transactItems(generationCheck, revocation, record,
                activeCounterChange(token, -1)));
    }

    /**
     * Adds {@code delta} to the counter of the token's generation, expiry minute and shard. Unconditional: the
     * transaction it is part of decides whether the token is inserted or revoked.
     */
    private TransactWriteItem activeCounterChange(TokenRecord token, int delta) {
        long expiresAt = token.expiresAt().toEpochMilli();
        long minute = Math.floorDiv(expiresAt, COUNTER_BUCKET_MILLIS);
        int slot = slotOf(expiresAt);
        BigInteger slotDelta = SLOT_BASE.pow(slot).multiply(BigInteger.valueOf(delta));
        String sortKey = activeCounterSortKey(token.generation(), minute,
                Math.floorMod(token.id().value().hashCode(), COUNTER_SHARDS));
        // Kept as long as the longest-kept token it counts, so it can still be read while any of them can.
        long bucketEnd = (minute + 1) * COUNTER_BUCKET_MILLIS;
        long timeToLive = Instant.ofEpochMilli(bucketEnd).plus(retention).getEpochSecond();
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(key(token.requestedOrganisation().value(), sortKey))
                .updateExpression("ADD #count :delta, #slots :slotDelta SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#count", COUNT, "#slots", SLOT_COUNTS, "#ttl", TIME_TO_LIVE))
                .expressionAttributeValues(Map.of(":delta", n(delta), ":slotDelta",
                        AttributeValue.fromN(slotDelta.toString()), ":ttl", n(timeToLive)))
                .build()).build();
    }

    /** Bumps the generation from {@code generation} and records when that generation ended, atomically. */
    private void endGeneration(String partition, long generation, Instant at, TransactWriteItem auditRecord) {
        Map<String, AttributeValue> end = new HashMap<>(key(partition, generationSortKey(generation)));
        end.put(REVOKED_AT, millis(at));
        TransactWriteItem bumpGeneration = TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(key(partition, REVOCATION))
                .updateExpression("SET #generation = :next")
                .conditionExpression(generationCondition(generation))
                .expressionAttributeNames(Map.of("#generation", GENERATION))
                .expressionAttributeValues(Map.of(":generation", n(generation), ":next", n(generation + 1)))
                .build()).build();
        client.transactWriteItems(request -> request.transactItems(bumpGeneration, Items.putNew(tableName, end),
                auditRecord));
    }

    /**
     * Adds the count to a committed revoke-all's audit record. A separate write, so a failure here (503) leaves the
     * record without its count but with the generation it ended, from which the tokens revoked can be listed.
     */
    private void recordCount(AuditEvent event, long count) {
        client.updateItem(request -> request
                .tableName(tableName)
                .key(AuditItems.itemKey(event))
                .updateExpression("SET #count = :count")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#count", TokenTable.COUNT, "#pk", PARTITION_KEY))
                .expressionAttributeValues(Map.of(":count", n(count))));
    }

    private TransactWriteItem auditPut(AuditEvent event) {
        return Items.putNew(tableName, AuditItems.item(event, auditRetention));
    }

    /**
     * Tokens of the ended generation that were neither revoked on their own nor expired at {@code at}: the counters
     * of the minutes after {@code at}'s, the slot counts of {@code at}'s own minute after {@code at}'s slot, and the
     * tokens of {@code at}'s slot still to expire. Those last come from the index, which reads whichever part of the
     * slot is shorter: the tokens already expired (subtracted from the slot's count) or those still to expire
     * (counted), so at most half a slot of tokens is read one by one, however many the organisation holds. Exact once
     * the bump has committed: no token of that generation can be inserted or revoked on its own any more, so neither
     * the counters nor the index change under the reads.
     */
    private long countActive(String partition, long generation, Instant at) {
        long atMillis = at.toEpochMilli();
        long minute = Math.floorDiv(atMillis, COUNTER_BUCKET_MILLIS);
        long minuteStart = minute * COUNTER_BUCKET_MILLIS;
        int slot = slotOf(atMillis);
        QueryRequest counters = QueryRequest.builder()
                .tableName(tableName)
                .consistentRead(true)
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                .expressionAttributeValues(Map.of(
                        ":pk", s(partition),
                        ":lo", s(activeCounterSortKey(generation, minute, 0)),
                        ":hi", s(activeCounterSortKey(generation, MAX_MINUTE, COUNTER_SHARDS - 1))))
                .build();
        String atMinutePrefix = activeCounterMinute(generation, minute);
        long laterMinutes = 0;
        long atMinute = 0;
        long[] atMinuteSlots = new long[COUNTER_SLOTS];
        for (Map<String, AttributeValue> counter : client.queryPaginator(counters).items()) {
            long value = number(counter, COUNT);
            if (!string(counter, SORT_KEY).startsWith(atMinutePrefix)) {
                laterMinutes += value;
                continue;
            }
            atMinute += value;
            long[] slots = slotCounts(counter.get(SLOT_COUNTS));
            for (int i = 0; i < COUNTER_SLOTS; i++) {
                atMinuteSlots[i] += slots[i];
            }
        }
        if (Arrays.stream(atMinuteSlots).sum() != atMinute) {
            // Slot counts that do not add up to the count: written before slots existed, or a slot that carried
            // over. Count the minute as without slots: half a minute of the index at most.
            return laterMinutes + activeInRange(partition, generation, at, atMinute, minuteStart,
                    minuteStart + COUNTER_BUCKET_MILLIS);
        }
        long laterSlots = Arrays.stream(atMinuteSlots, slot + 1, COUNTER_SLOTS).sum();
        long slotStart = minuteStart + slot * COUNTER_SLOT_MILLIS;
        return laterMinutes + laterSlots + activeInRange(partition, generation, at, atMinuteSlots[slot], slotStart,
                slotStart + COUNTER_SLOT_MILLIS);
    }

    /**
     * Of the {@code counted} tokens expiring in {@code [start, end)}, which contains {@code at}, those still active
     * at {@code at}, reading the shorter side of {@code at} from the index. Expired means expiresAt <= at, so the
     * first live token expires at at + 1 ms.
     */
    private long activeInRange(String partition, long generation, Instant at, long counted, long start, long end) {
        long atMillis = at.toEpochMilli();
        if (atMillis - start < end - 1 - atMillis) {
            return counted - countIndexed(partition, generation, start, atMillis);
        }
        return countIndexed(partition, generation, atMillis + 1, end - 1);
    }

    /** Tokens of the generation not revoked on their own whose expiry lies in {@code [from, to]} (milliseconds). */
    private long countIndexed(String partition, long generation, long from, long to) {
        if (from > to) {
            // A revoke-all in the last millisecond of its minute: nothing of that minute is still to expire.
            return 0;
        }
        QueryRequest query = QueryRequest.builder()
                .tableName(tableName)
                .indexName(GENERATION_EXPIRY_INDEX)
                .consistentRead(true)
                .select(Select.COUNT)
                .keyConditionExpression("#pk = :pk AND #genExp BETWEEN :lo AND :hi")
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#genExp", GENERATION_EXPIRY))
                .expressionAttributeValues(Map.of(
                        ":pk", s(partition),
                        ":lo", s(generationExpiry(generation, from)),
                        ":hi", s(generationExpiry(generation, to))))
                .build();
        long count = 0;
        for (QueryResponse page : client.queryPaginator(query)) {
            count += page.count();
        }
        return count;
    }

    /** "The API key's listing item says it is active": absent or deactivated, no token of its lineage is stored. */
    private ConditionCheck keyIsActive(KeyLineage key) {
        return ConditionCheck.builder()
                .tableName(tableName)
                .key(key(key.owner().value(), API_KEY_PREFIX + key.keyId()))
                .conditionExpression("#active = :active")
                .expressionAttributeNames(Map.of("#active", ACTIVE))
                .expressionAttributeValues(Map.of(":active", bool(true)))
                .build();
    }

    /**
     * "The parent's token item is stored and not revoked on its own", and, unless this container saw it marked
     * already, marks it {@link TokenTable#MINTED} in the same action: a revocation then looks for children only
     * below tokens that say they have some. Its revocation by a revoke-all is the generation check's to see; its
     * expiry the issuer's, which ends the child no later than the parent.
     */
    private TransactWriteItem parentMints(ParentToken parent) {
        ItemKey parentItem = parentItem(parent);
        String notRevoked = "attribute_exists(#pk) AND attribute_not_exists(#revokedAt)";
        if (knownMinters.contains(parentItem)) {
            return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
                    .tableName(tableName)
                    .key(parentItem.attributes())
                    .conditionExpression(notRevoked)
                    .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#revokedAt", REVOKED_AT))
                    .build()).build();
        }
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(tableName)
                .key(parentItem.attributes())
                .updateExpression("SET #minted = :minted")
                .conditionExpression(notRevoked)
                .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#revokedAt", REVOKED_AT, "#minted", MINTED))
                .expressionAttributeValues(Map.of(":minted", bool(true)))
                .build()).build();
    }

    private static ItemKey parentItem(ParentToken parent) {
        return new ItemKey(parent.holder().value(), TOKEN_PREFIX + parent.id().value());
    }

    private void rememberMinter(ParentToken parent) {
        if (knownMinters.size() >= MAX_KNOWN_MINTERS) {
            knownMinters.clear();
        }
        knownMinters.add(parentItem(parent));
    }

    /** "The partition's generation is {@code generation}", where no revocation item means generation 0. */
    private ConditionCheck generationIs(String partition, long generation) {
        return ConditionCheck.builder()
                .tableName(tableName)
                .key(key(partition, REVOCATION))
                .conditionExpression(generationCondition(generation))
                .expressionAttributeNames(Map.of("#generation", GENERATION))
                .expressionAttributeValues(Map.of(":generation", n(generation)))
                .build();
    }

    private static String generationCondition(long generation) {
        return generation == 0
                ? "attribute_not_exists(#generation) OR #generation = :generation"
                : "#generation = :generation";
    }

    private long readGeneration(String partition) {
        Map<String, AttributeValue> item = client.getItem(request -> request
                .tableName(tableName).key(key(partition, REVOCATION)).consistentRead(true)).item();
        return generationOf(item);
    }

    private static long generationOf(Map<String, AttributeValue> revocation) {
        return revocation == null || revocation.isEmpty() ? 0 : number(revocation, GENERATION);
    }

    private Instant generationEnd(String partition, long generation) {
        Map<String, AttributeValue> item = client.getItem(request -> request
                .tableName(tableName).key(key(partition, generationSortKey(generation))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            // Written in the same transaction as the generation bump, so this is damaged data, not a race.
            throw new IllegalStateException("the end of an ended revocation generation is not stored");
        }
        return instant(item, REVOKED_AT);
    }

    /** Consistent batch read of up to 100 keys, retrying what DynamoDB left unprocessed. */
    private Map<ItemKey, Map<String, AttributeValue>> batchGet(List<ItemKey> keys) {
        Map<ItemKey, Map<String, AttributeValue>> found = new HashMap<>();
        Map<String, KeysAndAttributes> pending = Map.of(tableName, KeysAndAttributes.builder()
                .keys(keys.stream().map(ItemKey::attributes).toList())
                .consistentRead(true)
                .build());
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_BATCH_ATTEMPTS) {
                throw GatekeeperException.unavailable(UNAVAILABLE,
                        new IllegalStateException("batch read still unprocessed after " + MAX_BATCH_ATTEMPTS + " attempts"));
            }
            if (attempt > 1) {
                backOff(attempt);
            }
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = client.batchGetItem(batch -> batch.requestItems(request));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(tableName, List.of())) {
                found.put(ItemKey.of(item), item);
            }
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private Map<String, AttributeValue> tokenItem(TokenRecord token) {
        Map<String, AttributeValue> item = new HashMap<>(
                key(token.requestedOrganisation().value(), TOKEN_PREFIX + token.id().value()));
        item.put(TOKEN_ID, s(token.id().value()));
        item.put(REQUESTED_ORGANISATION, s(token.requestedOrganisation().value()));
        item.put(REQUESTING_ORGANISATION, s(token.requestingOrganisation().value()));
        item.put(ACCESS_TYPE, s(token.accessType().name()));
        item.put(REQUESTING_ACCESS_TYPE, s(token.requestingAccessType().name()));
        if (token.parentId() != null) {
            item.put(PARENT_ID, s(token.parentId().value()));
        }
        item.put(SCOPES, stringList(token.scopes()));
        item.put(IP_FILTERING, bool(token.ipFiltering()));
        item.put(MTLS_FILTER, bool(token.mtlsFilter()));
        item.put(CREATED_AT, millis(token.createdAt()));
        item.put(EXPIRES_AT, millis(token.expiresAt()));
        item.put(GENERATION, n(token.generation()));
        item.put(APPLICATION_TOKEN, bool(token.applicationToken()));
        // Written out, false until a token is minted with it: an item without it was stored before the mark existed.
        item.put(MINTED, bool(token.minted()));
        if (token.resourceId() != null) {
            item.put(RESOURCE_ID, s(token.resourceId()));
        }
        if (token.keyId() != null) {
            item.put(KEY_ID, s(token.keyId()));
        }
        putLineage(item, token);
        ParentToken parent = token.parentToken();
        if (parent != null) {
            item.put(PARENT_TOKEN_ID, s(parent.id().value()));
            item.put(PARENT_TOKEN_ORGANISATION, s(parent.holder().value()));
            item.put(PARENT_TOKEN_GENERATION, n(parent.generation()));
            item.put(PARENT_TOKEN_DEPTH, n(parent.depth()));
        }
        item.put(TIME_TO_LIVE, timeToLive(token));
        item.put(GENERATION_EXPIRY, s(generationExpiry(token.generation(), token.expiresAt().toEpochMilli())));
        return item;
    }

    private Map<String, AttributeValue> issuedItem(TokenRecord token) {
        return pointer(token, token.requestingOrganisation(), ISSUED_PREFIX + token.id().value());
    }

    /** The pointer from the owner of the token's API key, which neither holds nor requested it. */
    private Map<String, AttributeValue> descendantItem(TokenRecord token) {
        return pointer(token, token.lineage().owner(), descendantPrefix(token.lineage().keyId()) + token.id().value());
    }

    /** The pointer from the partition of the bearer token it was minted with. */
    private Map<String, AttributeValue> mintedItem(TokenRecord token) {
        ParentToken parent = token.parentToken();
        return pointer(token, parent.holder(), mintedPrefix(parent.id()) + token.id().value());
    }

    private Map<String, AttributeValue> pointer(TokenRecord token, OrganisationId from, String sortKey) {
        Map<String, AttributeValue> item = new HashMap<>(key(from.value(), sortKey));
        item.put(REQUESTED_ORGANISATION, s(token.requestedOrganisation().value()));
        item.put(EXPIRES_AT, millis(token.expiresAt()));
        putLineage(item, token);
        item.put(TIME_TO_LIVE, timeToLive(token));
        return item;
    }

    private static void putLineage(Map<String, AttributeValue> item, TokenRecord token) {
        if (token.lineage() != null) {
            item.put(API_KEY_ID, s(token.lineage().keyId()));
            item.put(API_KEY_ORGANISATION, s(token.lineage().owner().value()));
        }
    }

    /**
     * {@code :pk} and the key range {@code :from}-{@code :to} of the sort keys that start with {@code prefix}, for
     * {@code #pk = :pk AND #sk BETWEEN :from AND :to}. The same items as {@code begins_with(#sk, :prefix)}, but
     * DynamoDB Local (SQLite) runs {@code begins_with} as a scan of the whole partition, while a range uses the
     * key: on a partition of 16 000 items, about 6 ms a query against 1.1-1.5 ms (DynamoDB itself serves both as a
     * key range), which was most of what a revocation cost there. The range ends at
     * the highest character of the Basic Multilingual Plane, above any character our keys contain.
     */
    static Map<String, AttributeValue> keyPrefix(String partition, String prefix) {
        return Map.of(":pk", s(partition), ":from", s(prefix), ":to", s(prefix + Character.MAX_VALUE));
    }

    /** What the sort keys of the {@link TokenTable#DESCENDANT_PREFIX} pointers of one API key start with. */
    private static String descendantPrefix(String keyId) {
        return DESCENDANT_PREFIX + keyId + "#";
    }

    /** What the sort keys of the {@link TokenTable#MINTED_PREFIX} pointers of one parent token start with. */
    private static String mintedPrefix(TokenId parent) {
        return MINTED_PREFIX + parent.value() + "#";
    }

    private AttributeValue timeToLive(TokenRecord token) {
        return n(token.expiresAt().plus(retention).getEpochSecond());
    }

    private static TokenRecord tokenRecord(Map<String, AttributeValue> item) {
        return new TokenRecord(
                new TokenId(string(item, TOKEN_ID)),
                new OrganisationId(string(item, REQUESTED_ORGANISATION)),
                new OrganisationId(string(item, REQUESTING_ORGANISATION)),
                AccessType.valueOf(string(item, ACCESS_TYPE)),
                AccessType.valueOf(string(item, REQUESTING_ACCESS_TYPE)),
                optionalString(item, PARENT_ID).map(OrganisationId::new).orElse(null),
                strings(item, SCOPES),
                flag(item, IP_FILTERING),
                flag(item, MTLS_FILTER),
                instant(item, CREATED_AT),
                instant(item, EXPIRES_AT),
                number(item, GENERATION),
                optionalInstant(item, REVOKED_AT),
                flag(item, APPLICATION_TOKEN),
                optionalString(item, RESOURCE_ID).orElse(null),
                optionalString(item, KEY_ID).orElse(null),
                lineage(item),
                parentToken(item),
                mayHaveMinted(item));
    }

    /**
     * A token stored before the {@link TokenTable#MINTED} mark existed has none, yet may have minted tokens (their
     * pointers were written from the start): so it reads as having minted, and its revocation looks for them.
     */
    private static boolean mayHaveMinted(Map<String, AttributeValue> item) {
        return !item.containsKey(MINTED) || flag(item, MINTED);
    }

    private static ParentToken parentToken(Map<String, AttributeValue> item) {
        Optional<String> id = optionalString(item, PARENT_TOKEN_ID);
        Optional<String> holder = optionalString(item, PARENT_TOKEN_ORGANISATION);
        return id.isPresent() && holder.isPresent()
                ? new ParentToken(new OrganisationId(holder.get()), new TokenId(id.get()),
                        number(item, PARENT_TOKEN_GENERATION),
                        item.containsKey(PARENT_TOKEN_DEPTH) ? Math.toIntExact(number(item, PARENT_TOKEN_DEPTH)) : 0)
                : null;
    }

    private static KeyLineage lineage(Map<String, AttributeValue> item) {
        Optional<String> keyId = optionalString(item, API_KEY_ID);
        Optional<String> owner = optionalString(item, API_KEY_ORGANISATION);
        return keyId.isPresent() && owner.isPresent()
                ? new KeyLineage(new OrganisationId(owner.get()), keyId.get())
                : null;
    }

    static String generationSortKey(long generation) {
        return GENERATION_PREFIX + String.format("%020d", generation);
    }

    /** The last minute a counter key can name (fixed width: 12 digits). */
    private static final long MAX_MINUTE = 999_999_999_999L;

    /** Fixed widths, so string order is (generation, expiry minute, shard) order. */
    static String activeCounterSortKey(long generation, long expiryMinute, int shard) {
        return activeCounterMinute(generation, expiryMinute) + String.format("%02d", shard);
    }

    /** Which slot of its minute an instant (epoch milliseconds) falls in. */
    private static int slotOf(long epochMillis) {
        return (int) (Math.floorMod(epochMillis, COUNTER_BUCKET_MILLIS) / COUNTER_SLOT_MILLIS);
    }

    /** The per-slot counts packed in a counter item's {@link TokenTable#SLOT_COUNTS}; all 0 if it has none. */
    static long[] slotCounts(AttributeValue packed) {
        long[] counts = new long[COUNTER_SLOTS];
        BigInteger rest = packed == null ? BigInteger.ZERO : new BigDecimal(packed.n()).toBigIntegerExact();
        for (int i = 0; i < COUNTER_SLOTS; i++) {
            BigInteger[] quotientAndSlot = rest.divideAndRemainder(SLOT_BASE);
            counts[i] = quotientAndSlot[1].longValueExact();
            rest = quotientAndSlot[0];
        }
        // Whatever a last slot carried lies beyond the six: not counted, so the sum check fails and says so.
        return counts;
    }

    /** What the sort keys of one generation's and minute's counters start with. */
    private static String activeCounterMinute(long generation, long expiryMinute) {
        return ACTIVE_PREFIX + String.format("%020d#%012d#", generation, expiryMinute);
    }

    /** Fixed widths, so string order is (generation, expiry) order. */
    static String generationExpiry(long generation, long expiresAtMillis) {
        return String.format("%020d#%015d", generation, expiresAtMillis);
    }

    private static <T> T guarded(Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            throw GatekeeperException.unavailable(UNAVAILABLE, e);
        }
    }

    /** A table key, comparable, so batch results can be matched to what was asked for. */
    private record ItemKey(String partition, String sort) {
        static ItemKey of(Map<String, AttributeValue> item) {
            return new ItemKey(string(item, PARTITION_KEY), string(item, SORT_KEY));
        }

        Map<String, AttributeValue> attributes() {
            return key(partition, sort);
        }
    }
}
