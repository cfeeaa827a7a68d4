package dev.gatekeeper.core.apikey;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.Objects;

/** A stored API key: its hash, the organisation it belongs to and whether it still works. */
public record ApiKeyRecord(ApiKeyHash hash, OrganisationId organisationId, boolean active, Instant createdAt, String label) {
    public ApiKeyRecord {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(organisationId, "organisationId");
        Objects.requireNonNull(createdAt, "createdAt");
        label = label == null ? "" : label;
    }

    public String keyId() {
        return hash.keyId();
    }
}
