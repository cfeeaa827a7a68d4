package dev.gatekeeper.core.organisation;

import dev.gatekeeper.core.audit.AuditContext;
import java.time.Instant;
import java.util.List;

/**
 * Port for administration (seeding, the admin CLI): the directory plus writes. Not used on request paths. Each write
 * records itself in the organisation's audit trail in the same transaction, so neither exists without the other.
 */
public interface OrganisationRegistry extends OrganisationDirectory {
    /**
     * Stores a new organisation with an {@code ORGANISATION_CREATED} record describing its profile. Fails with
     * {@link IllegalStateException}, writing nothing, if the id is taken.
     */
    void create(Organisation organisation, Instant at, AuditContext audit);

    /** As the administrator (the admin CLI). */
    default void create(Organisation organisation, Instant at) {
        create(organisation, at, AuditContext.administrator());
    }

    /**
     * Replaces the profile {@code expected}, as it was read, with {@code replacement} (same id): a read-modify-write
     * that loses no concurrent change. The only way to change a stored profile: no write replaces one unseen.
     * An {@code ORGANISATION_UPDATED} record names each attribute changed, before and after ({@link ProfileChange}).
     * Fails with {@link IllegalStateException}, writing nothing, if the organisation is gone or its stored profile is
     * no longer {@code expected}. A replacement that changes nothing writes nothing: only a change is recorded.
     */
    void update(Organisation expected, Organisation replacement, Instant at, AuditContext audit);

    /** As the administrator (the admin CLI). */
    default void update(Organisation expected, Organisation replacement, Instant at) {
        update(expected, replacement, at, AuditContext.administrator());
    }

    List<Organisation> list();
}
