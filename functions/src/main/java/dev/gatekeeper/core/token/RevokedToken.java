package dev.gatekeeper.core.token;

/**
 * A token revoked by id or as presented, and whether tokens minted with it may still be live.
 *
 * @param record             the token as revoked (now, or at its first revocation)
 * @param mintedTokensRemain true if the revocation of the tokens minted with it stopped before it was done (at the
 *                           per-request limit, or on an error): revoking the token again goes on from there
 */
public record RevokedToken(TokenRecord record, boolean mintedTokensRemain) {
}
