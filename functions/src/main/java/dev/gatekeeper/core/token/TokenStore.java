package dev.gatekeeper.core.token;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.Optional;

/**
 * Port: durable token records, partitioned by the requested organisation.
 *
 * <p>Revoke-all is a generation counter per organisation: ending generation {@code g} revokes every token issued
 * in it, however many, with a constant number of writes. Records returned by this port already show that effect:
 * a token of an ended generation comes back with {@code revokedAt} set to the time its generation ended.
 *
 * <p>Every change leaves exactly one audit record ({@code AuditEvent}) in the organisation's partition, written in
 * the same transaction as the change, so neither exists without the other. {@code audit} says who asked and from
 * where; the methods without it record the change as the administrator's (the admin CLI and store tests).
 *
 * <p>Failures to reach the store surface as {@code GatekeeperException} with {@code SERVICE_UNAVAILABLE}.
 */
public interface TokenStore {

    /**
     * The organisation's revocation generation, 0 before its first revoke-all. It may be remembered from an earlier
     * call rather than read: a revoke-all elsewhere makes it stale, and {@link #insert} then refuses the token with
     * {@link StaleGenerationException} and forgets it, so the next call reads the current one. A token is never
     * stored in an ended generation either way.
     */
    long currentGeneration(OrganisationId organisation);

    /**
     * Stores a new token record, never overwriting one. A token with a {@link TokenRecord#lineage() lineage} is
     * stored only while its API key is still active, checked in the same write: a key revoked after the caller was
     * authenticated, and its tokens swept by {@link #revokeByApiKey}, never gains a token the sweep missed. Likewise
     * a token with a {@link TokenRecord#parentToken() parent} is stored only while that parent is neither revoked on
     * its own nor in an ended generation, so {@link #revokeMintedWith} never misses a child either.
     *
     * @throws StaleGenerationException if {@code token.generation()} is no longer current: a revoke-all ended it
     *                                  after it was read, and the caller must retry with the new generation
     * @throws ApiKeyRevokedException   if the API key the token descends from is no longer active (or no longer
     *                                  stored); nothing was stored
     * @throws ParentTokenRevokedException if the bearer token it is minted with is revoked (on its own or by a
     *                                  revoke-all) or no longer stored; nothing was stored
     */
    void insert(TokenRecord token, AuditContext audit);

    default void insert(TokenRecord token) {
        insert(token, AuditContext.administrator());
    }

    /**
     * The record of a token issued to {@code organisation}: one whose requested organisation it is, or one it
     * requested for an organisation below it. Empty for any other id.
     */
    Optional<TokenRecord> findForOrganisation(OrganisationId organisation, TokenId id);

    /**
     * As {@link #findForOrganisation}, but only if the token is usable at {@code now}: neither revoked (on its own
     * or by a revoke-all) nor expired. This is the check on every use of a token, so stores answer it with as few
     * reads as they can: it never needs to know <em>when</em> a token was revoked.
     */
    default Optional<TokenRecord> findLive(OrganisationId organisation, TokenId id, Instant now) {
        return findForOrganisation(organisation, id).filter(record -> record.isLiveAt(now));
    }

    /**
     * Revokes a token held in {@code organisation}'s partition (or requested by it). Idempotent: revoking an
     * already revoked token returns the timestamp of its first revocation. Empty if no such token is visible to
     * {@code organisation}. Only the revocation that revokes writes an audit record.
     */
    Optional<TokenRecord> revoke(OrganisationId organisation, TokenId id, Instant at, AuditContext audit);

    default Optional<TokenRecord> revoke(OrganisationId organisation, TokenId id, Instant at) {
        return revoke(organisation, id, at, AuditContext.administrator());
    }

    /**
     * Ends the organisation's current generation, revoking all its tokens at once.
     *
     * @return how many tokens were active (not expired at {@code at}, not revoked before) and are revoked now
     */
    long revokeAll(OrganisationId organisation, Instant at, AuditContext audit);

    default long revokeAll(OrganisationId organisation, Instant at) {
        return revokeAll(organisation, at, AuditContext.administrator());
    }

    /**
     * Revokes, one by one and each with its own audit record, every token that descends from {@code organisation}'s
     * API key {@code keyId} and is live at {@code at}: those obtained with the key (for the organisation itself or,
     * by a partner, for organisations below it) and those minted with a bearer token of that lineage, wherever they
     * are stored. Tokens already revoked or expired are left as they are, so a second run revokes nothing; run it
     * after deactivating the key, which stops new tokens of the lineage from being stored.
     *
     * @return how many tokens this call revoked
     */
    long revokeByApiKey(OrganisationId organisation, String keyId, Instant at, AuditContext audit);

    default long revokeByApiKey(OrganisationId organisation, String keyId, Instant at) {
        return revokeByApiKey(organisation, keyId, at, AuditContext.administrator());
    }

    /**
     * Revokes, one by one and each with its own audit record naming its parent, every live token minted with
     * {@code parent}, and every live token minted with those, and so on: wherever they are stored, visible to the
     * parent's holder or not. Run it after revoking {@code parent} (from then on no child of it can be stored, so
     * none is missed); tokens already revoked are not revoked again but still searched for children, so running it
     * again finishes what an interrupted run left. Only tokens whose record says {@link TokenRecord#minted()} are
     * searched, so a token that minted nothing costs nothing here.
     *
     * @param parent the record as {@link #revoke} returned it: its {@code minted} is as of its revocation
     * @param budget how many steps this call takes at most, and until when, so a request's work stays bounded: a
     *               step revokes a token, or is done for good with one (revoked before, expired, no longer stored), a
     *               few round trips each. Stepping down into a token revoked before is not a step (a later run passes
     *               there again), but it is bounded by how deep tokens may be minted ({@code
     *               TokenIssuer.MAX_MINT_DEPTH}). The rest is left for the next run, which reads again only the tokens
     *               on the way to where this one stopped (what an earlier run finished is not read again)
     */
    DescendantRevocation revokeMintedWith(TokenRecord parent, Instant at, AuditContext audit, RevocationBudget budget);

    /** As {@link #revokeMintedWith(TokenRecord, Instant, AuditContext, RevocationBudget)}, bounded by steps only. */
    default DescendantRevocation revokeMintedWith(TokenRecord parent, Instant at, AuditContext audit, int limit) {
        return revokeMintedWith(parent, at, audit, RevocationBudget.ofSteps(limit));
    }

    /** Up to {@code limit} of the organisation's token records, newest first, for administration. */
    java.util.List<TokenRecord> listForOrganisation(OrganisationId organisation, int limit);
}
