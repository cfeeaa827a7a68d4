package dev.gatekeeper.local.storage.memory;

import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.core.organisation.ProfileChange;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Organisation profiles in a {@link MemoryTable}, each change with its audit record. */
final class MemoryOrganisationRegistry implements OrganisationRegistry {
    private final MemoryTable table;

    MemoryOrganisationRegistry(MemoryTable table) {
        this.table = table;
    }

    @Override
    public Optional<Organisation> find(OrganisationId id) {
        synchronized (table) {
            return Optional.ofNullable(table.organisations.get(id));
        }
    }

    @Override
    public void create(Organisation organisation, Instant at, AuditContext audit) {
        synchronized (table) {
            if (table.organisations.containsKey(organisation.id())) {
                throw new IllegalStateException("organisation " + organisation.id() + " already exists");
            }
            table.organisations.put(organisation.id(), organisation);
            table.record(AuditEvent.succeeded(table.nextAuditId(), organisation.id(),
                    AuditAction.ORGANISATION_CREATED, null, null, at, audit, ProfileChange.describe(organisation)));
        }
    }

    @Override
    public void update(Organisation expected, Organisation replacement, Instant at, AuditContext audit) {
        if (!expected.id().equals(replacement.id())) {
            throw new IllegalArgumentException("an update cannot change an organisation's id");
        }
        List<ProfileChange> changes = ProfileChange.between(expected, replacement);
        synchronized (table) {
            if (!expected.equals(table.organisations.get(expected.id()))) {
                throw new IllegalStateException(
                        "organisation " + expected.id() + " was changed or removed since it was read");
            }
            if (changes.isEmpty()) {
                return;
            }
            table.organisations.put(replacement.id(), replacement);
            table.record(AuditEvent.succeeded(table.nextAuditId(), expected.id(), AuditAction.ORGANISATION_UPDATED,
                    null, null, at, audit, ProfileChange.describe(changes)));
        }
    }

    @Override
    public List<Organisation> list() {
        synchronized (table) {
            return table.organisations.values().stream()
                    .sorted(Comparator.comparing(organisation -> organisation.id().value()))
                    .toList();
        }
    }
}
