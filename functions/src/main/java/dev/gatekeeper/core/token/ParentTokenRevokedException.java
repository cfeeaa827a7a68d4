package dev.gatekeeper.core.token;

/**
 * A token insert lost a race with the revocation of the bearer token it is minted with (on its own, or by a
 * revoke-all of that token's organisation): the caller's token was live when it was checked, and is not any more.
 * Nothing was stored; the issuer refuses the request as it would the revoked token.
 */
public final class ParentTokenRevokedException extends RuntimeException {
    public ParentTokenRevokedException(String message) {
        super(message, null, false, false);
    }
}
