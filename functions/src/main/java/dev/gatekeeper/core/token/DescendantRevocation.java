package dev.gatekeeper.core.token;

/**
 * What a revocation of the tokens minted with a token did.
 *
 * @param revoked  how many tokens this call revoked (tokens already revoked are not counted again)
 * @param complete false if it stopped at its limit (of steps, not only revocations) with tokens still to examine:
 *                 revoking the parent again goes on
 */
public record DescendantRevocation(long revoked, boolean complete) {
}
