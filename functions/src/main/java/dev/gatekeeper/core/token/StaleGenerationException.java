package dev.gatekeeper.core.token;

/** A token insert lost a race with a revoke-all; the issuer retries under the new generation. */
public final class StaleGenerationException extends RuntimeException {
    public StaleGenerationException(String message) {
        super(message, null, false, false);
    }
}
