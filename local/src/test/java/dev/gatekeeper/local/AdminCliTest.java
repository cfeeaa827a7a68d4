package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.admin.GatekeeperAdmin;
import dev.gatekeeper.local.Http.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin CLI against the runner's own store: the runner started in memory with its DynamoDB Local on a known
 * port, the CLI pointed at that port as its banner says, and what the CLI creates used over real HTTP at once.
 */
class AdminCliTest {
    private static final String TABLE = "TokensTable";
    private static final Console console = new Console();
    private static LocalApi api;
    private static Http http;
    private static String endpoint;

    @BeforeAll
    static void start() {
        int dynamoDbPort = freePort();
        endpoint = "http://127.0.0.1:" + dynamoDbPort;
        api = console.runner().serve("--port", "0", "--in-memory", "--dynamodb-port", String.valueOf(dynamoDbPort),
                "--seed", Repository.seed().toString(), "--template", Repository.template().toString());
        http = new Http(api.baseUri());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theBannerTellsTheAdminCliWhereTheStoreIs() {
        assertThat(console.err())
                .contains("Data: table " + TABLE + " in DynamoDB Local at " + endpoint + " (in memory)")
                .contains("Admin CLI: scripts/admin --endpoint " + endpoint + " --table " + TABLE + " ...");
    }

    @Test
    void organisationsAndKeysCreatedByTheCliObtainTokensThroughTheRunnerUntilTheKeyIsRevoked() {
        admin("org", "create", "--id", "clipartner", "--name", "CLI Partner", "--type", "BN",
                "--scope", "openbanking_pisp");
        admin("org", "create", "--id", "climerch01", "--name", "CLI Merchant", "--type", "CR",
                "--parent", "clipartner", "--scope", "openbanking_pisp,admin");
        String partnerKey = apiKey(admin("key", "issue", "clipartner"));
        String merchantIssue = admin("key", "issue", "climerch01");
        String merchantKey = apiKey(merchantIssue);

        Reply forMerchant = http.postJson("/organisations/climerch01/tokens", partnerKey, "{\"scopes\": [\"openbanking_pisp\"]}");
        Reply own = http.postJson("/tokens", merchantKey, "{\"scopes\": [\"admin\"]}");

        assertThat(forMerchant.status()).as(forMerchant.toString()).isEqualTo(201);
        assertThat(forMerchant.data().get("requestingOrganisation").asText()).isEqualTo("clipartner");
        assertThat(forMerchant.data().get("requestedOrganisation").asText()).isEqualTo("climerch01");
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        assertThat(own.data().get("requestedOrganisation").asText()).isEqualTo("climerch01");

        admin("key", "revoke", "climerch01", keyId(merchantIssue));
        Reply afterRevocation = http.postJson("/tokens", merchantKey, "{\"scopes\": [\"admin\"]}");

        assertThat(afterRevocation.status()).isEqualTo(401);
        assertThat(afterRevocation.returnCode()).isEqualTo("UNAUTHORIZED");
    }

    /** Runs one admin command against the runner's table; returns its stdout, failing with both streams otherwise. */
    private static String admin(String... command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[command.length + 4];
        args[0] = "--endpoint";
        args[1] = endpoint;
        args[2] = "--table";
        args[3] = TABLE;
        System.arraycopy(command, 0, args, 4, command.length);
        int status = GatekeeperAdmin.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(String.join(" ", command) + "\nstdout: " + printed + "\nstderr: "
                + err.toString(StandardCharsets.UTF_8)).isEqualTo(GatekeeperAdmin.OK);
        return printed;
    }

    private static String apiKey(String issued) {
        return find(Pattern.compile("API key: (gk_\\S+)"), issued);
    }

    private static String keyId(String issued) {
        return find(Pattern.compile("Issued API key (\\S+) for organisation"), issued);
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(pattern + " in:\n" + text).isTrue();
        return matcher.group(1);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
