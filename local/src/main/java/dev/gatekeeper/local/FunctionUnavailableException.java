package dev.gatekeeper.local;

/** A function the runner cannot run here, with the reason; served runs skip it, an invoke of it fails. */
final class FunctionUnavailableException extends RuntimeException {
    FunctionUnavailableException(String message) {
        super(message);
    }
}
