package dev.gatekeeper.core.organisation;

import java.util.Optional;

/** Port: where organisations are looked up. */
public interface OrganisationDirectory {
    Optional<Organisation> find(OrganisationId id);
}
