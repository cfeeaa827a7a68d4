package dev.gatekeeper.core.organisation;

import java.util.List;

/** Port for administration (seeding, the admin CLI): the directory plus writes. Not used on request paths. */
public interface OrganisationRegistry extends OrganisationDirectory {
    /** Stores a new organisation; fails with {@link IllegalStateException} if the id is taken. */
    void create(Organisation organisation);

    /**
     * Replaces the profile {@code expected}, as it was read, with {@code replacement} (same id): a read-modify-write
     * that loses no concurrent change. The only way to change a stored profile: no write replaces one unseen.
     * Fails with {@link IllegalStateException}, writing nothing, if the
     * organisation is gone or its stored profile is no longer {@code expected}.
     */
    void update(Organisation expected, Organisation replacement);

    List<Organisation> list();
}
