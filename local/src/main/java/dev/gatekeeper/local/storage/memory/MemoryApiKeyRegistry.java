package dev.gatekeeper.local.storage.memory;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys in a {@link MemoryTable}, by hash and by organisation; an issue and a deactivation audited. */
final class MemoryApiKeyRegistry implements ApiKeyRegistry {
    private final MemoryTable table;

    MemoryApiKeyRegistry(MemoryTable table) {
        this.table = table;
    }

    @Override
    public Optional<ApiKeyRecord> findByHash(ApiKeyHash hash) {
        synchronized (table) {
            return Optional.ofNullable(table.keysByHash.get(hash));
        }
    }

    @Override
    public boolean add(ApiKeyRecord key, AuditContext audit) {
        ApiKeyRecord stored = new ApiKeyRecord(key.hash(), key.organisationId(), key.active(),
                MemoryTable.toMillis(key.createdAt()), key.label());
        synchronized (table) {
            if (!table.organisations.containsKey(key.organisationId())) {
                return false;
            }
            Map<String, ApiKeyRecord> owned = table.keysByOwner.computeIfAbsent(key.organisationId(),
                    organisation -> new HashMap<>());
            if (table.keysByHash.containsKey(key.hash()) || owned.containsKey(key.keyId())) {
                throw new IllegalStateException("API key " + key.keyId() + " is already stored");
            }
            table.keysByHash.put(key.hash(), stored);
            owned.put(key.keyId(), stored);
            // By id and label only: the record must never hold the key or its hash.
            table.record(AuditEvent.succeeded(table.nextAuditId(), key.organisationId(), AuditAction.API_KEY_ISSUED,
                    null, null, stored.createdAt(), audit, "API key " + key.keyId()
                            + (key.label().isEmpty() ? "" : " labelled " + AuditEvent.quoted(key.label()))));
            return true;
        }
    }

    @Override
    public boolean deactivate(OrganisationId organisation, String keyId, Instant at, AuditContext audit) {
        synchronized (table) {
            ApiKeyRecord key = table.keysByOwner.getOrDefault(organisation, Map.of()).get(keyId);
            if (key == null) {
                return false;
            }
            if (!key.active()) {
                return true;
            }
            ApiKeyRecord inactive = new ApiKeyRecord(key.hash(), organisation, false, key.createdAt(), key.label());
            table.keysByHash.put(key.hash(), inactive);
            table.keysByOwner.get(organisation).put(keyId, inactive);
            table.record(AuditEvent.succeeded(table.nextAuditId(), organisation, AuditAction.API_KEY_DEACTIVATED,
                    null, null, at, audit, "API key " + keyId));
            return true;
        }
    }

    @Override
    public List<ApiKeyRecord> listFor(OrganisationId organisation) {
        synchronized (table) {
            return table.keysByOwner.getOrDefault(organisation, Map.of()).values().stream()
                    .sorted(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::keyId))
                    .toList();
        }
    }
}
