package dev.gatekeeper.admin;

/**
 * A command that could not do what was asked: something not found, or an operation refused. Its message is shown
 * to the operator as it is, so it must say what went wrong and never carry a secret.
 */
final class AdminFailure extends RuntimeException {
    AdminFailure(String message) {
        super(message);
    }
}
