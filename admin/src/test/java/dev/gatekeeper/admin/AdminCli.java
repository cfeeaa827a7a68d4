package dev.gatekeeper.admin;

import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbAuditLog;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbTokenStore;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The CLI run in-process against a fresh table in the shared DynamoDB Local, the way an operator runs it against
 * a local store: by endpoint, without credentials (the CLI's stand-ins), in the fallback region.
 */
final class AdminCli {
    static final Instant NOW = Instant.parse("2026-03-01T10:30:00Z");

    private final DynamoDbClient client = LocalDynamoDb.shared().client();
    private final String table = LocalDynamoDb.shared().createTokenTable();
    private final MutableClock clock = new MutableClock(NOW);

    /** What one command printed, and its exit code. */
    record Result(int exitCode, String out, String err) {
    }

    /** Runs a command against this table. */
    Result run(String... command) {
        List<String> args = new ArrayList<>(List.of("--table", table, "--endpoint",
                LocalDynamoDb.shared().endpoint().toString()));
        args.addAll(List.of(command));
        return runAsGiven(Map.of(), args.toArray(String[]::new));
    }

    /** Runs exactly these arguments, with {@code environment} as the CLI's environment. */
    Result runAsGiven(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = new GatekeeperAdmin(environment, clock, new SecureRandom())
                .execute(stream(out), stream(err), args);
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String table() {
        return table;
    }

    MutableClock clock() {
        return clock;
    }

    DynamoDbClient client() {
        return client;
    }

    DynamoDbOrganisationRegistry organisations() {
        return new DynamoDbOrganisationRegistry(client, table);
    }

    DynamoDbApiKeyRegistry apiKeys() {
        return new DynamoDbApiKeyRegistry(client, table);
    }

    DynamoDbAuditLog audit() {
        return new DynamoDbAuditLog(client, table, Duration.ofDays(400));
    }

    DynamoDbTokenStore tokens() {
        return new DynamoDbTokenStore(client, table, Duration.ofDays(7));
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
