package dev.gatekeeper.local.storage.memory;

import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
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
import dev.gatekeeper.local.storage.memory.MemoryTable.Partition;
import dev.gatekeeper.local.storage.memory.MemoryTable.TokenRef;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Token records in a {@link MemoryTable}, one partition per requested organisation, with the rules of the DynamoDB
 * token store: revoke-all ends a generation, an insert is refused once its generation, API key or parent token has
 * ended, and the tokens minted with a revoked token are found through pointers kept beside it. Each method runs
 * under the table's lock, so where the DynamoDB store retries a conflicting transaction this one has none.
 */
final class MemoryTokenStore implements TokenStore {
    private final MemoryTable table;

    MemoryTokenStore(MemoryTable table) {
        this.table = table;
    }

    @Override
    public long currentGeneration(OrganisationId organisation) {
        synchronized (table) {
            return generationOf(organisation);
        }
    }

    @Override
    public void insert(TokenRecord token, AuditContext audit) {
        if (token.revokedAt() != null) {
            throw new IllegalArgumentException("a new token record cannot be revoked already");
        }
        TokenRecord stored = withMillis(token);
        OrganisationId requested = token.requestedOrganisation();
        OrganisationId requesting = token.requestingOrganisation();
        ParentToken parent = token.parentToken();
        boolean parentInPartition = parent != null && parent.holder().equals(requested);
        if (parentInPartition && parent.generation() != token.generation()) {
            if (token.generation() < parent.generation()) {
                throw new StaleGenerationException("the token's revocation generation has ended");
            }
            throw new ParentTokenRevokedException("a revoke-all ended the generation of the token it is minted with");
        }
        synchronized (table) {
            // In the order the DynamoDB store reports its failed checks: key, parent, generation, then the id.
            KeyLineage lineage = token.lineage();
            if (lineage != null && !keyIsActive(lineage)) {
                throw new ApiKeyRevokedException("the API key the token descends from is no longer active");
            }
            if (parent != null) {
                TokenRecord parentRecord = storedToken(parent.holder(), parent.id());
                if (parentRecord == null || parentRecord.revokedAt() != null
                        || (!parentInPartition && generationOf(parent.holder()) != parent.generation())) {
                    throw new ParentTokenRevokedException("the token it is minted with is revoked");
                }
            }
            if (generationOf(requested) != token.generation()) {
                if (parentInPartition) {
                    throw new ParentTokenRevokedException(
                            "a revoke-all ended the generation of the token it is minted with");
                }
                throw new StaleGenerationException("the token's revocation generation has ended");
            }
            boolean idTaken = storedToken(requested, token.id()) != null
                    || table.partitionIfAny(requesting).map(p -> p.issued.containsKey(token.id())).orElse(false);
            if (idTaken) {
                throw new IllegalStateException("a token with this id is already stored");
            }
            table.partition(requested).tokens.put(token.id(), stored);
            TokenRef ref = new TokenRef(requested, token.id());
            if (!requesting.equals(requested)) {
                table.partition(requesting).issued.put(token.id(), requested);
            }
            if (lineage != null) {
                table.lineages.computeIfAbsent(lineage, key -> new LinkedHashSet<>()).add(ref);
            }
            if (parent != null) {
                Partition holder = table.partition(parent.holder());
                holder.tokens.computeIfPresent(parent.id(), (id, record) -> record.minted() ? record : minted(record));
                holder.minted.computeIfAbsent(parent.id(), id -> new LinkedHashMap<>()).put(ref, stored.expiresAt());
            }
            AuditAction action = token.applicationToken()
                    ? AuditAction.APPLICATION_TOKEN_ISSUED : AuditAction.TOKEN_ISSUED;
            table.record(AuditEvent.succeeded(table.nextAuditId(), requested, action, token.id().value(), null,
                    stored.createdAt(), audit, null));
        }
    }

    @Override
    public Optional<TokenRecord> findForOrganisation(OrganisationId organisation, TokenId id) {
        synchronized (table) {
            return locate(organisation, id).map(this::effective);
        }
    }

    @Override
    public Optional<TokenRecord> findLive(OrganisationId organisation, TokenId id, Instant now) {
        synchronized (table) {
            return locate(organisation, id)
                    .filter(located -> located.record().generation() >= located.partition().generation)
                    .map(Located::record)
                    .filter(record -> record.isLiveAt(now));
        }
    }

    @Override
    public Optional<TokenRecord> revoke(OrganisationId organisation, TokenId id, Instant at, AuditContext audit) {
        Instant revokedAt = MemoryTable.toMillis(at);
        synchronized (table) {
            return revokeVisible(organisation, id, revokedAt, audit, record -> true, null).map(Revocation::record);
        }
    }

    @Override
    public long revokeAll(OrganisationId organisation, Instant at, AuditContext audit) {
        Instant endedAt = MemoryTable.toMillis(at);
        synchronized (table) {
            Partition partition = table.partition(organisation);
            long generation = partition.generation;
            // A scan of the partition's tokens, under the lock: linear in them, in memory, where the DynamoDB store
            // keeps counters because reading every token there costs a round trip per page. Not measured at scale.
            long count = partition.tokens.values().stream()
                    .filter(token -> token.generation() == generation && token.isLiveAt(endedAt))
                    .count();
            partition.generationEnds.put(generation, endedAt);
            partition.generation = generation + 1;
            table.record(AuditEvent.succeeded(table.nextAuditId(), organisation, AuditAction.TOKENS_REVOKED_ALL,
                    null, count, endedAt, audit, "generation " + generation + " ended"));
            return count;
        }
    }

    @Override
    public long revokeByApiKey(OrganisationId organisation, String keyId, Instant at, AuditContext audit) {
        KeyLineage key = new KeyLineage(organisation, keyId);
        Instant revokedAt = MemoryTable.toMillis(at);
        String reason = "API key " + keyId + " of " + organisation + " revoked";
        Predicate<TokenRecord> eligible = record -> key.equals(record.lineage()) && !record.isExpiredAt(revokedAt);
        synchronized (table) {
            long revoked = 0;
            for (TokenRef token : List.copyOf(table.lineages.getOrDefault(key, Set.of()))) {
                // Through the partition that holds it: the key's owner may not see a token minted below it.
                if (revokeVisible(token.holder(), token.id(), revokedAt, audit, eligible, reason)
                        .filter(Revocation::revokedNow).isPresent()) {
                    revoked++;
                }
            }
            return revoked;
        }
    }

    @Override
    public DescendantRevocation revokeMintedWith(TokenRecord parent, Instant at, AuditContext audit,
                                                 RevocationBudget budget) {
        if (!parent.minted()) {
            return new DescendantRevocation(0, true);
        }
        Instant revokedAt = MemoryTable.toMillis(at);
        synchronized (table) {
            // The DynamoDB store's walk, step for step (see its revokeMintedWith): depth first, a step for each
            // revocation and each pointer done with, none for stepping down into a token revoked before.
            Deque<Minter> minters = new ArrayDeque<>();
            minters.push(minter(parent.requestedOrganisation(), parent.id(), null));
            long revoked = 0;
            long steps = 0;
            while (!minters.isEmpty()) {
                if (!budget.allowsAnotherStep(steps)) {
                    return new DescendantRevocation(revoked, false);
                }
                Minter minter = minters.peek();
                if (!minter.children().hasNext()) {
                    minters.pop();
                    if (minter.pointer() != null) {
                        deletePointer(minter.pointer());
                        steps++;
                    }
                    continue;
                }
                Map.Entry<TokenRef, Instant> child = minter.children().next();
                Pointer pointer = new Pointer(minter.holder(), minter.id(), child.getKey());
                if (!child.getValue().isAfter(revokedAt)) {
                    deletePointer(pointer);
                    steps++;
                    continue;
                }
                Predicate<TokenRecord> mintedWithIt = record -> record.parentToken() != null
                        && record.parentToken().id().equals(minter.id())
                        && record.parentToken().holder().equals(minter.holder())
                        && !record.isExpiredAt(revokedAt);
                Optional<Revocation> revocation = revokeVisible(child.getKey().holder(), child.getKey().id(),
                        revokedAt, audit, mintedWithIt, "parent token " + minter.id() + " revoked");
                boolean revokedNow = revocation.filter(Revocation::revokedNow).isPresent();
                if (revokedNow) {
                    revoked++;
                }
                TokenRecord record = revocation.map(Revocation::record).orElse(null);
                if (record != null && record.revokedAt() != null && record.minted()) {
                    if (revokedNow) {
                        steps++;
                    }
                    minters.push(minter(child.getKey().holder(), child.getKey().id(), pointer));
                    continue;
                }
                deletePointer(pointer);
                steps++;
            }
            return new DescendantRevocation(revoked, true);
        }
    }

    @Override
    public List<TokenRecord> listForOrganisation(OrganisationId organisation, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        synchronized (table) {
            Optional<Partition> partition = table.partitionIfAny(organisation);
            if (partition.isEmpty()) {
                return List.of();
            }
            return partition.get().tokens.values().stream()
                    .sorted(Comparator.comparing(TokenRecord::createdAt).reversed()
                            .thenComparing(record -> record.id().value()))
                    .limit(limit)
                    .map(record -> effective(new Located(partition.get(), record)))
                    .toList();
        }
    }

    // Everything below runs with the table's lock held.

    /** A token record as stored and the partition it is stored in. */
    private record Located(Partition partition, TokenRecord record) {
    }

    /** A token as a revocation left it, and whether that revocation was the one that revoked it. */
    private record Revocation(TokenRecord record, boolean revokedNow) {
    }

    /** A revoked token whose children are being revoked, the pointer to it from its own parent, and its children. */
    private record Minter(OrganisationId holder, TokenId id, Pointer pointer,
                          Iterator<Map.Entry<TokenRef, Instant>> children) {
    }

    /** The pointer from a parent token (where it is held, its id) to a token minted with it. */
    private record Pointer(OrganisationId parentHolder, TokenId parentId, TokenRef child) {
    }

    /** Its children as they are now: none can be added once it is revoked, and done ones are deleted as met. */
    private Minter minter(OrganisationId holder, TokenId id, Pointer pointer) {
        Map<TokenRef, Instant> children = table.partitionIfAny(holder)
                .map(partition -> partition.minted.getOrDefault(id, Map.of()))
                .orElse(Map.of());
        return new Minter(holder, id, pointer, List.copyOf(children.entrySet()).iterator());
    }

    private void deletePointer(Pointer pointer) {
        table.partitionIfAny(pointer.parentHolder()).ifPresent(partition -> {
            Map<TokenRef, Instant> children = partition.minted.get(pointer.parentId());
            if (children != null) {
                children.remove(pointer.child());
                if (children.isEmpty()) {
                    partition.minted.remove(pointer.parentId());
                }
            }
        });
    }

    /**
     * The token in the organisation's own partition or, if it requested it for an organisation below it, in that
     * organisation's.
     */
    private Optional<Located> locate(OrganisationId organisation, TokenId id) {
        Partition own = table.partitions.get(organisation);
        if (own == null) {
            return Optional.empty();
        }
        TokenRecord record = own.tokens.get(id);
        if (record != null) {
            return Optional.of(new Located(own, record));
        }
        OrganisationId holder = own.issued.get(id);
        Partition partition = holder == null ? null : table.partitions.get(holder);
        record = partition == null ? null : partition.tokens.get(id);
        if (record == null || !record.requestingOrganisation().equals(organisation)) {
            return Optional.empty();
        }
        return Optional.of(new Located(partition, record));
    }

    /** The record as callers see it: a token of an ended generation is revoked when its generation ended. */
    private TokenRecord effective(Located located) {
        TokenRecord record = located.record();
        if (record.revokedAt() == null && record.generation() < located.partition().generation) {
            return record.revokedAt(located.partition().generationEnds.get(record.generation()));
        }
        return record;
    }

    /**
     * Revokes a token visible to {@code organisation} if it is not revoked yet and {@code eligible}, with an audit
     * record giving {@code reason}. Empty if no such token is visible.
     */
    private Optional<Revocation> revokeVisible(OrganisationId organisation, TokenId id, Instant revokedAt,
                                               AuditContext audit, Predicate<TokenRecord> eligible, String reason) {
        Optional<Located> located = locate(organisation, id);
        if (located.isEmpty()) {
            return Optional.empty();
        }
        TokenRecord current = effective(located.get());
        if (current.revokedAt() != null || !eligible.test(current)) {
            return Optional.of(new Revocation(current, false));
        }
        TokenRecord revoked = current.revokedAt(revokedAt);
        located.get().partition().tokens.put(id, revoked);
        // Recorded in the partition of the organisation acted on: the one the token acts for.
        table.record(AuditEvent.succeeded(table.nextAuditId(), current.requestedOrganisation(),
                AuditAction.TOKEN_REVOKED, id.value(), null, revokedAt, audit, reason));
        return Optional.of(new Revocation(revoked, true));
    }

    private boolean keyIsActive(KeyLineage key) {
        ApiKeyRecord record = table.keysByOwner.getOrDefault(key.owner(), Map.of()).get(key.keyId());
        return record != null && record.active();
    }

    private TokenRecord storedToken(OrganisationId holder, TokenId id) {
        return table.partitionIfAny(holder).map(partition -> partition.tokens.get(id)).orElse(null);
    }

    private long generationOf(OrganisationId organisation) {
        return table.partitionIfAny(organisation).map(partition -> partition.generation).orElse(0L);
    }

    /** As the DynamoDB table keeps it: times to the millisecond. */
    private static TokenRecord withMillis(TokenRecord token) {
        return new TokenRecord(token.id(), token.requestedOrganisation(), token.requestingOrganisation(),
                token.accessType(), token.requestingAccessType(), token.parentId(), token.scopes(),
                token.ipFiltering(), token.mtlsFilter(), MemoryTable.toMillis(token.createdAt()),
                MemoryTable.toMillis(token.expiresAt()), token.generation(), null, token.applicationToken(),
                token.resourceId(), token.keyId(), token.lineage(), token.parentToken(), token.minted());
    }

    private static TokenRecord minted(TokenRecord token) {
        return new TokenRecord(token.id(), token.requestedOrganisation(), token.requestingOrganisation(),
                token.accessType(), token.requestingAccessType(), token.parentId(), token.scopes(),
                token.ipFiltering(), token.mtlsFilter(), token.createdAt(), token.expiresAt(), token.generation(),
                token.revokedAt(), token.applicationToken(), token.resourceId(), token.keyId(), token.lineage(),
                token.parentToken(), true);
    }
}
