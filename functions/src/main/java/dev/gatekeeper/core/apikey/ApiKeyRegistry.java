package dev.gatekeeper.core.apikey;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.List;

/** Port for administration of API keys. Keys arrive hashed; the plain key is shown once by whoever made it. */
public interface ApiKeyRegistry extends ApiKeyStore {
    /**
     * Stores a new key of an existing organisation and records that in its audit trail ({@code API_KEY_ISSUED},
     * at the key's creation time, naming the key by its id and label, never the key or its hash) in the same write,
     * so neither exists without the other. False, writing nothing, if the organisation does not exist; fails with
     * {@link IllegalStateException}, writing nothing, if the key's hash or id is already stored.
     */
    boolean add(ApiKeyRecord key, AuditContext audit);

    /** As the administrator (the admin CLI). */
    default boolean add(ApiKeyRecord key) {
        return add(key, AuditContext.administrator());
    }

    /**
     * Deactivates a key of {@code organisation} and records that in its audit trail ({@code API_KEY_DEACTIVATED},
     * naming the key by its id) in the same write, so neither exists without the other. False if it has no key
     * with that id. A key that is already inactive stays so and nothing is written: only a change is recorded.
     */
    boolean deactivate(OrganisationId organisation, String keyId, Instant at, AuditContext audit);

    /** As the administrator (the admin CLI). */
    default boolean deactivate(OrganisationId organisation, String keyId, Instant at) {
        return deactivate(organisation, keyId, at, AuditContext.administrator());
    }

    List<ApiKeyRecord> listFor(OrganisationId organisation);
}
