package dev.gatekeeper.core.token;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.Organisation;
import java.time.Clock;
import java.time.Instant;

/** Revokes one token by id or as presented (RFC 7009), or every token of an organisation at once. */
public final class TokenRevocation {
    private final TokenStore store;
    private final JwtAccessTokenVerifier verifier;
    private final Clock clock;

    public TokenRevocation(TokenStore store, JwtAccessTokenVerifier verifier, Clock clock) {
        this.store = store;
        this.verifier = verifier;
        this.clock = clock;
    }

    /**
     * Revokes a token issued to {@code holder}. Idempotent: a second call returns the first revocation time.
     * A malformed, unknown or foreign id is the same 404.
     */
    public TokenRecord revoke(Organisation holder, String encodedTokenId, AuditContext audit) {
        TokenId id = TokenId.parse(encodedTokenId).orElseThrow(TokenRevocation::notFound);
        return store.revoke(holder.id(), id, Instant.ofEpochMilli(clock.millis()), audit)
                .orElseThrow(TokenRevocation::notFound);
    }

    /**
     * RFC 7009: revokes the token presented, if it is one {@code caller} may revoke by id (issued to it, or
     * requested by it, as {@link #revoke} allows), and answers whether it is revoked now. Nothing happens for any
     * other token, and the caller is not told which case applied.
     *
     * <p>The id is taken from the token only after its signature verifies, so no one can revoke a token by
     * forging a JWT around its id. A token that no longer verifies (expired) needs no revocation.
     */
    public boolean revokePresented(Organisation caller, String token, AuditContext audit) {
        return verifier.verifyOrExplain(token)
                .flatMap(claims -> store.revoke(caller.id(), claims.tokenId(), Instant.ofEpochMilli(clock.millis()),
                        audit))
                .isPresent();
    }

    /** Revokes every token of {@code holder}; returns how many were active until now. */
    public long revokeAll(Organisation holder, AuditContext audit) {
        return store.revokeAll(holder.id(), Instant.ofEpochMilli(clock.millis()), audit);
    }

    private static GatekeeperException notFound() {
        return GatekeeperException.notFound("Token not found");
    }
}
