package dev.gatekeeper.core.keys;

/** The stored signing keys cannot be used; the service fails closed. */
public final class InvalidSigningKeysException extends RuntimeException {
    public InvalidSigningKeysException(String message) {
        super(message);
    }

    public InvalidSigningKeysException(String message, Throwable cause) {
        super(message, cause);
    }
}
