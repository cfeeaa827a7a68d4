package dev.gatekeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.admin.AdminCli.Result;
import dev.gatekeeper.testing.LocalDynamoDb;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

class GatekeeperAdminTest {
    private static final String LOCAL_ENDPOINT = LocalDynamoDb.shared().endpoint().toString();

    private final AdminCli cli = new AdminCli();

    @TestFactory
    Stream<DynamicTest> everyCommandAnswersHelpWithoutATable() {
        GatekeeperAdmin admin = new GatekeeperAdmin(Map.of(), Clock.systemUTC(), new SecureRandom());
        return commandPaths(new CommandLine(new GatekeeperAdminCommand(admin)))
                .stream()
                .map(path -> DynamicTest.dynamicTest(String.join(" ", path) + " --help", () -> {
                    List<String> args = new ArrayList<>(path);
                    args.add("--help");

                    Result help = cli.runAsGiven(Map.of(), args.toArray(String[]::new));

                    assertThat(help.exitCode()).isZero();
                    assertThat(help.out()).startsWith("Usage: gatekeeper-admin " + String.join(" ", path))
                            .contains("--table=NAME");
                    assertThat(help.err()).isEmpty();
                }));
    }

    @Test
    void versionNamesTheProject() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exitCode = GatekeeperAdmin.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "--version");

        assertThat(exitCode).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("gatekeeper-admin 1.0.0-SNAPSHOT\n");
    }

    @Test
    void unreachableEndpointExitsWithThreeAndOneLine() throws IOException {
        String endpoint = "http://127.0.0.1:" + closedPort();

        Result listed = cli.runAsGiven(Map.of(), "org", "list", "--table", "tokens", "--endpoint", endpoint);

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.UNREACHABLE);
        assertThat(listed.out()).isEmpty();
        assertThat(listed.err().lines()).singleElement().asString()
                .startsWith("error: cannot reach table 'tokens' in us-east-1 at " + endpoint + ": ")
                .contains("Connection refused");
    }

    @Test
    void debugAddsTheStackTrace() throws IOException {
        String endpoint = "http://127.0.0.1:" + closedPort();

        Result listed = cli.runAsGiven(Map.of(), "org", "list", "--table", "tokens", "--endpoint", endpoint, "--debug");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.UNREACHABLE);
        assertThat(listed.err()).startsWith("error: cannot reach table").contains("\tat dev.gatekeeper.");
    }

    @Test
    void missingTableExitsWithThree() {
        Result listed = cli.runAsGiven(Map.of(), "org", "list", "--table", "no-such-table", "--endpoint", LOCAL_ENDPOINT);

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.UNREACHABLE);
        assertThat(listed.err()).isEqualTo("error: cannot reach table 'no-such-table' in us-east-1 at "
                + LOCAL_ENDPOINT + ": the table does not exist\n");
    }

    @Test
    void tableComesFromTheEnvironmentWhenNotGiven() {
        cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR");

        Result listed = cli.runAsGiven(Map.of(GatekeeperAdmin.TABLE_VARIABLE, cli.table()),
                "org", "list", "--endpoint", LOCAL_ENDPOINT);

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains("merchant01");
    }

    @Test
    void noTableAtAllIsBadUsage() {
        Result listed = cli.runAsGiven(Map.of(), "org", "list");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(listed.err()).isEqualTo("error: No table given: use --table NAME or set GATEKEEPER_TABLE\n"
                + "Try 'gatekeeper-admin org list --help' for more information.\n");
    }

    @Test
    void globalOptionsAreAcceptedAfterTheCommandToo() {
        cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR");

        Result listed = cli.runAsGiven(Map.of(), "org", "list", "--json", "--table", cli.table(),
                "--endpoint", LOCAL_ENDPOINT, "--region", "us-east-1");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains("\"merchant01\"");
    }

    @Test
    void oneInstanceRunsEachCommandLineWithOnlyItsOwnOptions() {
        GatekeeperAdmin admin = new GatekeeperAdmin(Map.of(), Clock.systemUTC(), new SecureRandom());
        PrintStream discard = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        int first = admin.execute(discard, discard, "org", "list", "--table", cli.table(), "--endpoint", LOCAL_ENDPOINT);
        int second = admin.execute(discard, discard, "org", "list");

        assertThat(first).isEqualTo(GatekeeperAdmin.OK);
        assertThat(second).isEqualTo(GatekeeperAdmin.USAGE);
    }

    @Test
    void misspelledCommandIsBadUsageWithASuggestion() {
        Result listed = cli.runAsGiven(Map.of(), "org", "lst");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(listed.err()).contains("Unmatched argument at index 1: 'lst'").contains("Did you mean: org list?");
    }

    @Test
    void groupWithoutACommandIsBadUsage() {
        Result group = cli.runAsGiven(Map.of(), "token");

        assertThat(group.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(group.err()).startsWith("error: Missing required subcommand\n");
    }

    @Test
    void malformedEndpointIsBadUsage() {
        Result listed = cli.runAsGiven(Map.of(), "org", "list", "--table", "tokens", "--endpoint", "127.0.0.1:8000");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(listed.err()).startsWith("error: Invalid value for option '--endpoint': '127.0.0.1:8000' is not an "
                + "http(s) URL such as http://127.0.0.1:8000\n");
    }

    /** Every command's path below the root, groups included: {@code [org], [org, create], ...}. */
    private static List<List<String>> commandPaths(CommandLine command) {
        List<List<String>> paths = new ArrayList<>();
        for (CommandLine sub : command.getSubcommands().values()) {
            List<String> path = List.of(sub.getCommandName());
            paths.add(path);
            for (List<String> below : commandPaths(sub)) {
                List<String> full = new ArrayList<>(path);
                full.addAll(below);
                paths.add(full);
            }
        }
        return paths;
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
