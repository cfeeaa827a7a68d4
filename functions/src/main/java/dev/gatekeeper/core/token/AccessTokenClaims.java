package dev.gatekeeper.core.token;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.List;

/**
 * The claims of a verified access token, typed.
 *
 * @param issuer   the {@code iss} claim, verified to be ours
 * @param audience the {@code aud} claim as issued; verification requires it to contain our first audience
 */
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
        Instant expiresAt,
        String issuer,
        List<String> audience) {

    public AccessTokenClaims {
        scopes = List.copyOf(scopes);
        audience = List.copyOf(audience);
    }

    public boolean hasAnyScope(List<String> accepted) {
        return scopes.stream().anyMatch(accepted::contains);
    }
}
