package dev.gatekeeper.core.token;

/**
 * A token insert lost a race with the revocation of the API key it descends from: the caller passed the key check
 * before the key was deactivated. Nothing was stored; the issuer refuses the request as it would the revoked key.
 */
public final class ApiKeyRevokedException extends RuntimeException {
    public ApiKeyRevokedException(String message) {
        super(message, null, false, false);
    }
}
