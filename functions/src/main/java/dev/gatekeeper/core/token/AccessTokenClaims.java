package dev.gatekeeper.core.token;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.List;

/** The claims of a verified access token, typed. */
public record AccessTokenClaims(
        TokenId tokenId,
        OrganisationId organisation,
        OrganisationId requestingOrganisation,
        AccessType accessType,
        List<String> scopes,
        boolean ipFiltering,
        boolean mtlsFilter,
        boolean applicationToken,
        Instant issuedAt,
        Instant expiresAt) {

    public AccessTokenClaims {
        scopes = List.copyOf(scopes);
    }

    public boolean hasAnyScope(List<String> accepted) {
        return scopes.stream().anyMatch(accepted::contains);
    }
}
