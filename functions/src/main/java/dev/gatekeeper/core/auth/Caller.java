package dev.gatekeeper.core.auth;

import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.token.AccessTokenClaims;
import java.util.Optional;

/**
 * An authenticated caller: the organisation it acts as, and the token it presented if it used one.
 *
 * @param bearerToken the verified claims when the caller used a bearer token; empty for an API key
 */
public record Caller(Organisation organisation, Optional<AccessTokenClaims> bearerToken, String sourceIp) {
    public boolean usedApiKey() {
        return bearerToken.isEmpty();
    }
}
