package dev.gatekeeper.core.token;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.Organisation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes one token by id or as presented (RFC 7009), with the tokens minted with it; or every token of an
 * organisation at once.
 */
public final class TokenRevocation {
    /**
     * Steps one request takes at most in revoking the tokens minted with a revoked token (a step, a few round
     * trips, revokes one or is done with one revoked before: see {@link TokenStore#revokeMintedWith}), so it ends well
     * within the function's time limit; revoking the token again goes on from where it stopped.
     */
    static final int DESCENDANTS_PER_REQUEST = 100;
    private static final Logger LOG = LoggerFactory.getLogger(TokenRevocation.class);

    private final TokenStore store;
    private final JwtAccessTokenVerifier verifier;
    private final Clock clock;
    private final Duration answerReserve;

    /**
     * @param answerReserve of a request's time left, what revoking minted tokens leaves unused: enough for the
     *                      storage calls a step already begun may still wait on, and for answering
     */
    public TokenRevocation(TokenStore store, JwtAccessTokenVerifier verifier, Clock clock, Duration answerReserve) {
        this.store = store;
        this.verifier = verifier;
        this.clock = clock;
        this.answerReserve = answerReserve;
    }

    /**
     * Revokes a token issued to {@code holder}, and the tokens minted with it. Idempotent: a second call returns the
     * first revocation time (and finishes revoking the tokens minted with it, if an earlier call did not).
     * A malformed, unknown or foreign id is the same 404.
     *
     * @param timeLeft how long the request may still run (a Lambda function's remaining time): revoking the minted
     *                 tokens stops in time to answer that more remain
     */
    public RevokedToken revoke(Organisation holder, String encodedTokenId, AuditContext audit, Duration timeLeft) {
        RevocationBudget budget = budget(timeLeft);
        TokenId id = TokenId.parse(encodedTokenId).orElseThrow(TokenRevocation::notFound);
        Instant at = Instant.ofEpochMilli(clock.millis());
        TokenRecord token = store.revoke(holder.id(), id, at, audit).orElseThrow(TokenRevocation::notFound);
        return new RevokedToken(token, !revokeMintedWith(token, at, audit, budget));
    }

    /**
     * RFC 7009: revokes the token presented, if it is one {@code caller} may revoke by id (issued to it, or
     * requested by it, as {@link #revoke} allows), and answers it if it is revoked now. Nothing happens for any
     * other token, and the caller is not told which case applied.
     *
     * <p>The id is taken from the token only after its signature verifies, so no one can revoke a token by
     * forging a JWT around its id. A token that no longer verifies (expired) needs no revocation.
     */
    public Optional<RevokedToken> revokePresented(Organisation caller, String token, AuditContext audit,
                                                  Duration timeLeft) {
        RevocationBudget budget = budget(timeLeft);
        Instant at = Instant.ofEpochMilli(clock.millis());
        return verifier.verifyOrExplain(token)
                .flatMap(claims -> store.revoke(caller.id(), claims.tokenId(), at, audit))
                .map(record -> new RevokedToken(record, !revokeMintedWith(record, at, audit, budget)));
    }

    /** Taken as the request reaches the revocation, when {@code timeLeft} was measured. */
    private RevocationBudget budget(Duration timeLeft) {
        return RevocationBudget.of(DESCENDANTS_PER_REQUEST, timeLeft.minus(answerReserve));
    }

    /**
     * Ends what the revoked {@code token} handed on: whoever held it could mint tokens with it, which must not
     * outlive it. Runs even when the token was revoked before, so a revocation repeated finishes the job.
     *
     * <p>An error here is not the request's: the token itself is revoked, committed, and answering 503 would say
     * otherwise. It is logged, and reported as work left, which revoking the token again goes on with.
     *
     * @return whether no token minted with it is left to revoke
     */
    private boolean revokeMintedWith(TokenRecord token, Instant at, AuditContext audit, RevocationBudget budget) {
        DescendantRevocation descendants;
        try {
            descendants = store.revokeMintedWith(token, at, audit, budget);
        } catch (RuntimeException e) {
            // The organisation too: it is what `admin token revoke ORG_ID TOKEN_ID` needs to finish the job.
            LOG.error("Revoking the tokens minted with token {} of organisation {} failed part-way: revoking it again"
                    + " goes on", token.id(), token.requestedOrganisation(), e);
            return false;
        }
        if (!descendants.complete()) {
            LOG.warn("Revoked {} tokens minted with token {} of organisation {}, more remain: revoking it again goes"
                    + " on", descendants.revoked(), token.id(), token.requestedOrganisation());
        }
        return descendants.complete();
    }

    /** Revokes every token of {@code holder}; returns how many were active until now. */
    public long revokeAll(Organisation holder, AuditContext audit) {
        return store.revokeAll(holder.id(), Instant.ofEpochMilli(clock.millis()), audit);
    }

    private static GatekeeperException notFound() {
        return GatekeeperException.notFound("Token not found");
    }
}
