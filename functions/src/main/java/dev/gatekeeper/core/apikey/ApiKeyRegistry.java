package dev.gatekeeper.core.apikey;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.List;

/** Port for administration of API keys. Keys arrive hashed; the plain key is shown once by whoever made it. */
public interface ApiKeyRegistry extends ApiKeyStore {
    void add(ApiKeyRecord key);

    /** Deactivates a key of {@code organisation}; false if it has no key with that id. */
    boolean deactivate(OrganisationId organisation, String keyId);

    List<ApiKeyRecord> listFor(OrganisationId organisation);
}
