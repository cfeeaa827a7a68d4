package dev.gatekeeper.core.organisation;

import java.util.List;

/** Port for administration (seeding, the admin CLI): the directory plus writes. Not used on request paths. */
public interface OrganisationRegistry extends OrganisationDirectory {
    /** Stores a new organisation; fails with {@link IllegalStateException} if the id is taken. */
    void create(Organisation organisation);

    /** Replaces an existing organisation's profile. */
    void update(Organisation organisation);

    List<Organisation> list();
}
