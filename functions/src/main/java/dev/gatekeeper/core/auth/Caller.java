package dev.gatekeeper.core.auth;

import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.token.AccessTokenClaims;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.TokenId;
import java.util.Optional;

/**
 * An authenticated caller: the organisation it acts as, and the token it presented if it used one.
 *
 * @param bearerToken the verified claims when the caller used a bearer token; empty for an API key
 * @param apiKeyId    the public id of the API key it presented ({@code ApiKeyHash.keyId}); empty for a token
 * @param lineage     the API key its credential descends from: the key it presented, or the one its token was
 *                    obtained with (from the token's record); empty for a token stored without one. Tokens it
 *                    obtains inherit it, so revoking that key reaches them too
 * @param presentedToken the stored token it presented, as the tokens it mints name their parent (so revoking it
 *                    reaches them); empty for an API key
 */
public record Caller(Organisation organisation, Optional<AccessTokenClaims> bearerToken, String sourceIp,
                     Optional<String> apiKeyId, Optional<KeyLineage> lineage, Optional<ParentToken> presentedToken) {
    public Caller(Organisation organisation, Optional<AccessTokenClaims> bearerToken, String sourceIp) {
        this(organisation, bearerToken, sourceIp, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean usedApiKey() {
        return bearerToken.isEmpty();
    }

    /**
     * Which credential this was, for logs: {@code apiKey:<key id>} or {@code token:<jti>}. Both are public handles
     * (the key id is what the admin CLI lists and revokes by), never the secret itself.
     */
    public String credentialId() {
        return credentialId(bearerToken.map(AccessTokenClaims::tokenId), apiKeyId);
    }

    /** {@code token:<id>} if a token was used, else {@code apiKey:<key id>}: the one spelling logs use. */
    static String credentialId(Optional<TokenId> tokenId, Optional<String> apiKeyId) {
        return tokenId.map(id -> "token:" + id.value()).orElseGet(() -> "apiKey:" + apiKeyId.orElse("unknown"));
    }
}
