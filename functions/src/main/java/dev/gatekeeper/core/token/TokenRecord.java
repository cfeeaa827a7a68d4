package dev.gatekeeper.core.token;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What is stored about an issued token: everything in its response except the signed JWT itself, which is never
 * stored.
 *
 * @param requestedOrganisation  the organisation the token acts for; its partition holds the record
 * @param requestingOrganisation the organisation that asked for it (the same one, or a partner above it)
 * @param generation             the requested organisation's revocation generation at issue time; a revoke-all
 *                               ends a generation, revoking every token of it with one write
 * @param revokedAt              when it was revoked, or null while it is active
 * @param resourceId             for application tokens, the resource they were issued for; otherwise null
 * @param keyId                  the id of the signing key its JWT was signed with
 * @param lineage                the API key it descends from; null for a token stored without one (records
 *                               written before lineage was kept, tokens stored by hand)
 * @param parentToken            the bearer token it was minted with; null for a token obtained with an API key
 *                               (and for records written before parents were kept)
 * @param minted                 whether a token was ever minted with it: only then can revoking it have tokens
 *                               minted with it to revoke. Set by the first such insert and never cleared
 */
public record TokenRecord(
        TokenId id,
        OrganisationId requestedOrganisation,
        OrganisationId requestingOrganisation,
        AccessType accessType,
        AccessType requestingAccessType,
        OrganisationId parentId,
        List<String> scopes,
        boolean ipFiltering,
        boolean mtlsFilter,
        Instant createdAt,
        Instant expiresAt,
        long generation,
        Instant revokedAt,
        boolean applicationToken,
        String resourceId,
        String keyId,
        KeyLineage lineage,
        ParentToken parentToken,
        boolean minted) {

    public TokenRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(requestedOrganisation, "requestedOrganisation");
        Objects.requireNonNull(requestingOrganisation, "requestingOrganisation");
        Objects.requireNonNull(accessType, "accessType");
        Objects.requireNonNull(requestingAccessType, "requestingAccessType");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = List.copyOf(scopes);
    }

    /** A record nothing was minted with (yet). */
    public TokenRecord(TokenId id, OrganisationId requestedOrganisation, OrganisationId requestingOrganisation,
                       AccessType accessType, AccessType requestingAccessType, OrganisationId parentId,
                       List<String> scopes, boolean ipFiltering, boolean mtlsFilter, Instant createdAt,
                       Instant expiresAt, long generation, Instant revokedAt, boolean applicationToken,
                       String resourceId, String keyId, KeyLineage lineage, ParentToken parentToken) {
        this(id, requestedOrganisation, requestingOrganisation, accessType, requestingAccessType, parentId, scopes,
                ipFiltering, mtlsFilter, createdAt, expiresAt, generation, revokedAt, applicationToken, resourceId,
                keyId, lineage, parentToken, false);
    }

    /** A record obtained with an API key, or with a token of no known parent. */
    public TokenRecord(TokenId id, OrganisationId requestedOrganisation, OrganisationId requestingOrganisation,
                       AccessType accessType, AccessType requestingAccessType, OrganisationId parentId,
                       List<String> scopes, boolean ipFiltering, boolean mtlsFilter, Instant createdAt,
                       Instant expiresAt, long generation, Instant revokedAt, boolean applicationToken,
                       String resourceId, String keyId, KeyLineage lineage) {
        this(id, requestedOrganisation, requestingOrganisation, accessType, requestingAccessType, parentId, scopes,
                ipFiltering, mtlsFilter, createdAt, expiresAt, generation, revokedAt, applicationToken, resourceId,
                keyId, lineage, null);
    }

    /** A record that descends from no API key. */
    public TokenRecord(TokenId id, OrganisationId requestedOrganisation, OrganisationId requestingOrganisation,
                       AccessType accessType, AccessType requestingAccessType, OrganisationId parentId,
                       List<String> scopes, boolean ipFiltering, boolean mtlsFilter, Instant createdAt,
                       Instant expiresAt, long generation, Instant revokedAt, boolean applicationToken,
                       String resourceId, String keyId) {
        this(id, requestedOrganisation, requestingOrganisation, accessType, requestingAccessType, parentId, scopes,
                ipFiltering, mtlsFilter, createdAt, expiresAt, generation, revokedAt, applicationToken, resourceId,
                keyId, null, null);
    }

    public TokenStatus status() {
        return revokedAt == null ? TokenStatus.ACTIVE : TokenStatus.REVOKED;
    }

    public boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** Usable as a credential at {@code now}: not revoked and not expired. */
    public boolean isLiveAt(Instant now) {
        return revokedAt == null && !isExpiredAt(now);
    }

    /**
     * Whether a token's signed claims say what was stored when it was issued. The stored record is the authority:
     * a token that claims other scopes, organisations or filters than its record was forged with a stolen signing
     * key, even though its signature verifies.
     */
    public boolean describes(AccessTokenClaims claims) {
        return id.equals(claims.tokenId())
                && requestedOrganisation.equals(claims.organisation())
                && requestingOrganisation.equals(claims.requestingOrganisation())
                && accessType == claims.accessType()
                && scopes.equals(claims.scopes())
                && ipFiltering == claims.ipFiltering()
                && mtlsFilter == claims.mtlsFilter()
                && applicationToken == claims.applicationToken();
    }

    /**
     * How many bearer tokens it was minted below: 0 for a token obtained with an API key, 1 for one minted with such a
     * token, and so on. Bounded ({@code TokenIssuer.MAX_MINT_DEPTH}), so that revoking a token walks a bounded depth.
     */
    public int mintDepth() {
        return parentToken == null ? 0 : parentToken.depth() + 1;
    }

    public TokenRecord revokedAt(Instant when) {
        return new TokenRecord(id, requestedOrganisation, requestingOrganisation, accessType, requestingAccessType,
                parentId, scopes, ipFiltering, mtlsFilter, createdAt, expiresAt, generation, when, applicationToken,
                resourceId, keyId, lineage, parentToken, minted);
    }
}
