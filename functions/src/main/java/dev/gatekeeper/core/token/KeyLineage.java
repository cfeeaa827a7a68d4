package dev.gatekeeper.core.token;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.Objects;

/**
 * The API key a token descends from: the key it was obtained with or, for a token minted with a bearer token, the
 * key that bearer token descends from. Revoking the key revokes every live token of this lineage.
 *
 * @param owner the organisation the key belongs to, which need not be the one the token acts for (a partner's key
 *              obtains tokens for its merchants)
 * @param keyId the key's public id ({@code ApiKeyHash.keyId}), as {@code admin key list} shows it
 */
public record KeyLineage(OrganisationId owner, String keyId) {
    public KeyLineage {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(keyId, "keyId");
    }
}
