package dev.gatekeeper.admin;

import dev.gatekeeper.config.GatekeeperConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

/**
 * The {@code gatekeeper-admin} command: the options every command takes, and the table they name, connected once
 * per run when a command first needs it.
 */
@Command(name = "gatekeeper-admin",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = GatekeeperAdminCommand.Version.class,
        usageHelpAutoWidth = true,
        description = {"Manages Gatekeeper organisations, API keys and tokens in a local or deployed table,",
                "reads its audit trail, and lists or removes signing keys in the stack's secrets."},
        subcommands = {OrganisationCommand.class, ApiKeyCommand.class, TokenCommand.class, AuditCommand.class,
                SigningKeyCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:Success.",
                "1:Not found, or refused (for example an organisation id already taken).",
                "2:Bad usage: unknown command or option, malformed value.",
                "3:The table or a secret could not be reached (endpoint, credentials, permissions, missing table or secret)."})
final class GatekeeperAdminCommand implements AutoCloseable {
    @Option(names = "--table", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "The Gatekeeper table (the stack's TokensTableName output). "
                    + "Default: $" + GatekeeperAdmin.TABLE_VARIABLE + ".")
    private String tableName;

    @Option(names = "--region", paramLabel = "REGION", scope = ScopeType.INHERIT,
            description = "AWS region. Default: the AWS default region chain (AWS_REGION, profile), else us-east-1.")
    private String region;

    @Option(names = "--endpoint", paramLabel = "URL", scope = ScopeType.INHERIT,
            converter = ArgumentConverters.Endpoints.class,
            description = "DynamoDB endpoint, such as http://127.0.0.1:8000 for DynamoDB Local or the local runner's "
                    + "store. Stand-in credentials are used when none are configured.")
    private URI endpoint;

    @Option(names = "--audit-retention-days", paramLabel = "DAYS", scope = ScopeType.INHERIT,
            description = "Days the audit records this run writes are kept before TTL removes them: the stack's "
                    + "AuditRetentionDays. Default: $" + GatekeeperAdmin.AUDIT_RETENTION_VARIABLE + ", else "
                    + "400, the stack's default.")
    private Integer auditRetentionDays;

    @Option(names = "--signing-key-secret", paramLabel = "ARN", scope = ScopeType.INHERIT,
            description = "The private signing-key set's secret (the stack's SigningKeySecretArn output), for "
                    + "signing-key commands. Default: $" + GatekeeperAdmin.SIGNING_KEY_SECRET_VARIABLE + ".")
    private String signingKeySecret;

    @Option(names = "--public-key-secret", paramLabel = "ARN", scope = ScopeType.INHERIT,
            description = "The public key set's secret (the stack's PublicKeySecretArn output), for signing-key "
                    + "commands. Default: $" + GatekeeperAdmin.PUBLIC_KEY_SECRET_VARIABLE + ".")
    private String publicKeySecret;

    @Option(names = "--secrets-endpoint", paramLabel = "URL", scope = ScopeType.INHERIT,
            converter = ArgumentConverters.Endpoints.class,
            description = "Secrets Manager endpoint, such as a moto server or LocalStack. Stand-in credentials are "
                    + "used when none are configured.")
    private URI secretsEndpoint;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    private boolean debug;

    private final GatekeeperAdmin admin;
    private AdminTable table;
    private KeySecrets keySecrets;

    GatekeeperAdminCommand(GatekeeperAdmin admin) {
        this.admin = admin;
    }

    GatekeeperAdmin admin() {
        return admin;
    }

    /** The table named by the options or the environment, connected on first use. */
    AdminTable table(CommandLine command) {
        if (table == null) {
            String name = Optional.ofNullable(tableName).filter(value -> !value.isBlank())
                    .or(admin::tableFromEnvironment)
                    .orElseThrow(() -> new ParameterException(command,
                            "No table given: use --table NAME or set " + GatekeeperAdmin.TABLE_VARIABLE));
            table = AdminTable.open(name, Optional.ofNullable(region), Optional.ofNullable(endpoint),
                    auditRetention(command));
        }
        return table;
    }

    /** As the functions keep theirs: the option, else the functions' variable, else their default. */
    private Duration auditRetention(CommandLine command) {
        if (auditRetentionDays != null) {
            return positiveDays(auditRetentionDays, "--audit-retention-days", command);
        }
        try {
            return GatekeeperConfig.auditRetention(admin.environment());
        } catch (IllegalStateException e) {
            throw new ParameterException(command, "$" + e.getMessage());
        }
    }

    private static Duration positiveDays(int days, String source, CommandLine command) {
        if (days < 1) {
            throw new ParameterException(command, source + " must be at least 1 day, not " + days);
        }
        return Duration.ofDays(days);
    }

    /** The signing-key secrets named by the options or the environment, connected on first use. */
    KeySecrets keySecrets(CommandLine command) {
        if (keySecrets == null) {
            String signing = given(signingKeySecret, GatekeeperAdmin.SIGNING_KEY_SECRET_VARIABLE, "--signing-key-secret",
                    command);
            String published = given(publicKeySecret, GatekeeperAdmin.PUBLIC_KEY_SECRET_VARIABLE, "--public-key-secret",
                    command);
            keySecrets = KeySecrets.open(signing, published, Optional.ofNullable(region),
                    Optional.ofNullable(secretsEndpoint));
        }
        return keySecrets;
    }

    private String given(String option, String variable, String name, CommandLine command) {
        return Optional.ofNullable(option).filter(value -> !value.isBlank())
                .or(() -> admin.fromEnvironment(variable))
                .orElseThrow(() -> new ParameterException(command,
                        "No secret given: use " + name + " ARN or set " + variable));
    }

    /**
     * What a failure to reach AWS is about, such as {@code table 'tokens' in us-east-1}: the secrets once a command
     * uses them (no command uses both).
     */
    Optional<String> dependencyDescription() {
        return Optional.ofNullable(keySecrets).map(KeySecrets::description)
                .or(() -> Optional.ofNullable(table).map(AdminTable::description));
    }

    boolean debug() {
        return debug;
    }

    @Override
    public void close() {
        if (table != null) {
            table.close();
            table = null;
        }
        if (keySecrets != null) {
            keySecrets.close();
            keySecrets = null;
        }
    }

    /** The project version, written into a resource at build time. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties properties = new Properties();
            try (InputStream in = GatekeeperAdminCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"gatekeeper-admin " + properties.getProperty("version", "unknown")};
        }
    }
}
