package dev.gatekeeper.admin;

import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The one place that turns a failure into a message on stderr and an exit code. Messages are one line; stack
 * traces only with {@code --debug}.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    private final GatekeeperAdminCommand admin;

    ErrorReporter(GatekeeperAdminCommand admin) {
        this.admin = admin;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("error: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        return GatekeeperAdmin.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        int exitCode;
        if (e instanceof AdminFailure) {
            err.println("error: " + e.getMessage());
            exitCode = GatekeeperAdmin.REFUSED;
        } else if (unreachable(e)) {
            err.println("error: cannot reach " + admin.dependencyDescription().orElse("the table") + ": " + reason(e));
            exitCode = GatekeeperAdmin.UNREACHABLE;
        } else {
            err.println("error: unexpected failure: " + firstLine(String.valueOf(e))
                    + (admin.debug() ? "" : " (--debug shows the stack trace)"));
            exitCode = GatekeeperAdmin.REFUSED;
        }
        if (admin.debug()) {
            e.printStackTrace(err);
        }
        return exitCode;
    }

    private static boolean unreachable(Exception e) {
        return e instanceof SdkException
                || e instanceof GatekeeperException gatekeeper && gatekeeper.code() == ErrorCode.SERVICE_UNAVAILABLE;
    }

    /** The SDK's own account of what failed, shortened for the cases operators meet most. */
    private static String reason(Exception e) {
        if (find(e, ResourceNotFoundException.class).isPresent()) {
            return "the table does not exist";
        }
        if (find(e, software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException.class).isPresent()) {
            return "the secret does not exist";
        }
        return find(e, SdkException.class)
                .map(sdk -> firstLine(String.valueOf(sdk.getMessage())))
                .map(message -> message.startsWith("Unable to load credentials")
                        ? "no AWS credentials found (configure a profile or environment credentials)"
                        : message)
                .orElse(firstLine(String.valueOf(e.getMessage())));
    }

    private static <T extends Throwable> Optional<T> find(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }
}
