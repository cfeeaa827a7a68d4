package dev.gatekeeper.admin;

import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.apikey.ApiKeyGenerator;
import dev.gatekeeper.observability.LogOutput;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The admin CLI's entry point: organisations, API keys and tokens in a Gatekeeper table, local or deployed.
 *
 * <p>Configuration (the environment, the clock, randomness) is taken here, at the edge, and handed to the
 * commands. {@link #run(PrintStream, PrintStream, String...)} lets other modules' tests drive the CLI in-process.
 */
public final class GatekeeperAdmin {
    public static final int OK = 0;
    /** Something not found, or an operation refused. */
    public static final int REFUSED = 1;
    /** Bad usage: an unknown command or option, a malformed value (picocli's own code for it). */
    public static final int USAGE = 2;
    /** The table could not be reached: endpoint, credentials, permissions, or no such table. */
    public static final int UNREACHABLE = 3;

    /** The table's name when {@code --table} is not given. */
    public static final String TABLE_VARIABLE = "GATEKEEPER_TABLE";
    /** The audit records' retention in days when {@code --audit-retention-days} is not given (the functions' own). */
    public static final String AUDIT_RETENTION_VARIABLE = GatekeeperConfig.AUDIT_RETENTION_DAYS;
    /** The private key set's secret when {@code --signing-key-secret} is not given (the functions' own variable). */
    public static final String SIGNING_KEY_SECRET_VARIABLE = GatekeeperConfig.SIGNING_KEY_SECRET_ARN;
    /** The public key set's secret when {@code --public-key-secret} is not given (the functions' own variable). */
    public static final String PUBLIC_KEY_SECRET_VARIABLE = GatekeeperConfig.PUBLIC_KEY_SECRET_ARN;

    private final Map<String, String> environment;
    private final Clock clock;
    private final SecureRandom random;
    private final ApiKeyGenerator apiKeyGenerator;

    /**
     * @param environment where {@value #TABLE_VARIABLE} is looked up; AWS settings come from the AWS SDK's own
     *                    chains
     */
    public GatekeeperAdmin(Map<String, String> environment, Clock clock, SecureRandom random) {
        this.environment = Map.copyOf(environment);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.apiKeyGenerator = new ApiKeyGenerator(random);
    }

    public static void main(String[] args) {
        // The functions' code logs JSON lines to stdout, as Lambda wants; here stdout is what a command prints
        // (a new API key, say), so any log line goes to stderr.
        LogOutput.redirectTo(System.err);
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line as {@code main} would, printing to the given streams; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return new GatekeeperAdmin(System.getenv(), Clock.systemUTC(), new SecureRandom()).execute(out, err, args);
    }

    /** Runs one command line; the table connection it opens is closed before this returns. */
    public int execute(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        // A new command object per run: picocli would take a used one's option values as the next run's defaults.
        GatekeeperAdminCommand command = new GatekeeperAdminCommand(this);
        ErrorReporter reporter = new ErrorReporter(command);
        try {
            return new CommandLine(command)
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .setOut(outWriter)
                    .setErr(errWriter)
                    .setParameterExceptionHandler(reporter)
                    .setExecutionExceptionHandler(reporter)
                    .execute(args);
        } finally {
            command.close();
            outWriter.flush();
            errWriter.flush();
        }
    }

    Optional<String> tableFromEnvironment() {
        return fromEnvironment(TABLE_VARIABLE);
    }

    Map<String, String> environment() {
        return environment;
    }

    Optional<String> fromEnvironment(String variable) {
        return Optional.ofNullable(environment.get(variable)).filter(value -> !value.isBlank());
    }

    Clock clock() {
        return clock;
    }

    SecureRandom random() {
        return random;
    }

    ApiKeyGenerator apiKeyGenerator() {
        return apiKeyGenerator;
    }
}
