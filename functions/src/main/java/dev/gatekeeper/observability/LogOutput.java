package dev.gatekeeper.observability;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Where log and metric lines go: one JSON object per line on stdout, which Lambda sends to CloudWatch Logs as one
 * event each (and CloudWatch reads metrics out of the lines that are EMF documents).
 */
public final class LogOutput {
    /** Null means the current {@code System.out}, looked up on every line, as the Lambda runtime may replace it. */
    private static volatile PrintStream redirected;

    private LogOutput() {
    }

    static void writeLine(String line) {
        PrintStream out = redirected;
        (out != null ? out : System.out).println(line); // one println: lines of concurrent writers never interleave
    }

    /**
     * Until the returned handle is closed, every line goes to {@code out} instead of stdout: for tests, and for a
     * command-line tool whose stdout is its output.
     */
    public static Redirection redirectTo(PrintStream out) {
        PrintStream previous = redirected;
        redirected = Objects.requireNonNull(out, "out");
        return () -> redirected = previous;
    }

    /** Ends a redirection. */
    @FunctionalInterface
    public interface Redirection extends AutoCloseable {
        @Override
        void close();
    }
}
