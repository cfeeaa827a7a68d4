package dev.gatekeeper.local;

/** The command line (or a file it names) is wrong: the message says how, and the runner exits with status 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
