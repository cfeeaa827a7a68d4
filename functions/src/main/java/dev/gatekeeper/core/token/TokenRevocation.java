package dev.gatekeeper.core.token;

import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.Organisation;
import java.time.Clock;
import java.time.Instant;

/** Revokes one token by id, or every token of an organisation at once. */
public final class TokenRevocation {
    private final TokenStore store;
    private final Clock clock;

    public TokenRevocation(TokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Revokes a token issued to {@code holder}. Idempotent: a second call returns the first revocation time.
     * A malformed, unknown or foreign id is the same 404.
     */
    public TokenRecord revoke(Organisation holder, String encodedTokenId) {
        TokenId id = TokenId.parse(encodedTokenId).orElseThrow(TokenRevocation::notFound);
        return store.revoke(holder.id(), id, Instant.ofEpochMilli(clock.millis())).orElseThrow(TokenRevocation::notFound);
    }

    /** Revokes every token of {@code holder}; returns how many were active until now. */
    public long revokeAll(Organisation holder) {
        return store.revokeAll(holder.id(), Instant.ofEpochMilli(clock.millis()));
    }

    private static GatekeeperException notFound() {
        return GatekeeperException.notFound("Token not found");
    }
}
