package dev.gatekeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.admin.AdminCli.Result;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.core.keys.VerificationKey;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.keys.VerificationKeySetJson;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code signing-key list} and {@code signing-key remove} against real Secrets Manager API calls (moto server): the
 * sets are read and written only in the forms the functions accept, and a removal never leaves a key that leaked
 * verifying in one set, nor lets a rotation under way bring it back.
 */
class SigningKeyCommandsTest {
    private static final Instant FIRST_SIGNED_UNTIL = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant EC_SIGNED_UNTIL = Instant.parse("2026-04-01T00:00:00Z");
    /** Current SECOND; before it EC_FIRST (an algorithm switched back), before that FIRST. */
    private static final SigningKeySet KEYS = new SigningKeySet(TestKeys.SECOND,
            List.of(TestKeys.EC_FIRST, TestKeys.FIRST),
            Map.of(TestKeys.FIRST.kid(), FIRST_SIGNED_UNTIL, TestKeys.EC_FIRST.kid(), EC_SIGNED_UNTIL));

    private final MotoServer moto = MotoServer.shared();
    private final SecretsManagerClient secrets = moto.secretsManager();
    private final AdminCli cli = new AdminCli();
    private String signingSecret = moto.createSigningKeySecret(KEYS);
    private String publicSecret = moto.createPublicKeySecret(KEYS);

    @Test
    void listShowsEveryKeyCurrentFirstWithWhenItStoppedSigningAndWhichSetsHoldIt() throws IOException {
        Result table = signingKey("list");
        Result json = signingKey("list", "--json");

        assertThat(table.exitCode()).as(table.err()).isZero();
        // Columns are two or more spaces apart; an empty cell shows as "-".
        assertThat(table.out().lines().map(line -> List.of(line.split(" {2,}")))).containsExactly(
                List.of("KID", "ALG", "STATUS", "SIGNED UNTIL", "PRIVATE SET", "PUBLIC SET"),
                List.of(TestKeys.SECOND.kid(), "RS256", "current", "-", "yes", "yes"),
                List.of(TestKeys.EC_FIRST.kid(), "ES256", "previous", EC_SIGNED_UNTIL.toString(), "yes", "yes"),
                List.of(TestKeys.FIRST.kid(), "RS256", "previous", FIRST_SIGNED_UNTIL.toString(), "yes", "yes"));
        JsonNode listed = new ObjectMapper().readTree(json.out());
        assertThat(listed).hasSize(3);
        assertThat(listed.get(0).get("kid").asText()).isEqualTo(TestKeys.SECOND.kid());
        assertThat(listed.get(0).get("status").asText()).isEqualTo("current");
        assertThat(listed.get(0).has("signedUntil")).isFalse();
        assertThat(listed.get(1).get("algorithm").asText()).isEqualTo("ES256");
        assertThat(listed.get(1).get("signedUntil").asText()).isEqualTo(EC_SIGNED_UNTIL.toString());
        assertThat(listed.get(2).get("inPublicSet").asBoolean()).isTrue();
        // Nothing private is ever printed.
        for (JsonNode key : new ObjectMapper().readTree(SigningKeySetJson.format(KEYS)).get("keys")) {
            assertThat(table.out() + json.out()).doesNotContain(key.get("d").asText());
        }
    }

    @Test
    void removeTakesAPreviousKeyOutOfBothSetsAndKeepsTheRestAsTheyWere() {
        Result removed = signingKey("remove", TestKeys.EC_FIRST.kid());

        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).startsWith("Removed key " + TestKeys.EC_FIRST.kid()
                + " from the private key set and the public key set.");
        SigningKeySet signing = storedSigningKeys();
        assertThat(signing.current()).isEqualTo(TestKeys.SECOND);
        assertThat(signing.all()).extracting(SigningKey::kid)
                .containsExactly(TestKeys.SECOND.kid(), TestKeys.FIRST.kid());
        assertThat(signing.signedUntil()).isEqualTo(Map.of(TestKeys.FIRST.kid(), FIRST_SIGNED_UNTIL));
        VerificationKeySet published = storedPublicKeys();
        assertThat(published.current().kid()).isEqualTo(TestKeys.SECOND.kid());
        assertThat(published.all()).extracting(VerificationKey::kid)
                .containsExactly(TestKeys.SECOND.kid(), TestKeys.FIRST.kid());
        assertThat(published).isEqualTo(signing.verificationKeys());
    }

    @Test
    void removeRefusesTheCurrentKeyAndWritesNothing() {
        List<String> before = values();

        Result refused = signingKey("remove", TestKeys.SECOND.kid());

        assertThat(refused.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(refused.err()).startsWith("error: Key " + TestKeys.SECOND.kid() + " is the current signing key:"
                + " rotate first");
        assertThat(values()).isEqualTo(before);
    }

    @Test
    void removeRefusesWhileARotationIsUnderWaySinceItsFinishWouldBringTheKeyBack() {
        secrets.putSecretValue(request -> request.secretId(signingSecret)
                .clientRequestToken(UUID.randomUUID().toString())
                .secretString(SigningKeySetJson.format(KEYS))
                .versionStages("AWSPENDING"));
        List<String> before = values();

        Result refused = signingKey("remove", TestKeys.FIRST.kid());

        assertThat(refused.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(refused.err()).contains("rotation of the signing keys is under way");
        assertThat(values()).isEqualTo(before);
    }

    @Test
    void aRemovalThatReachedThePrivateSetOnlyIsShownAndFinishedByRunningItAgain() {
        signingSecret = moto.createSigningKeySecret(KEYS.withoutPrevious(TestKeys.FIRST.kid()));

        Result listed = signingKey("list");
        Result finished = signingKey("remove", TestKeys.FIRST.kid());
        Result again = signingKey("remove", TestKeys.FIRST.kid());

        assertThat(listed.out().lines().filter(line -> line.startsWith(TestKeys.FIRST.kid()))
                .map(line -> List.of(line.split(" {2,}")))).containsExactly(
                        List.of(TestKeys.FIRST.kid(), "RS256", "public only", "-", "no", "yes"));
        assertThat(finished.exitCode()).as(finished.err()).isZero();
        assertThat(finished.out()).startsWith("Removed key " + TestKeys.FIRST.kid() + " from the public key set.");
        assertThat(storedPublicKeys().find(TestKeys.FIRST.kid())).isEmpty();
        assertThat(again.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(again.err()).isEqualTo("error: Key " + TestKeys.FIRST.kid() + " is in neither key set\n");
    }

    @Test
    void aSecretTheFunctionsWouldRefuseIsReportedAndNeverRewritten() {
        signingSecret = moto.createSecret("{\"current\":\"gone\",\"keys\":[]}");
        List<String> before = values();

        Result refused = signingKey("remove", TestKeys.FIRST.kid());

        assertThat(refused.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(refused.err()).startsWith("error: The private key set's secret holds no valid key set (");
        assertThat(values()).isEqualTo(before);
    }

    @Test
    void theSecretsComeFromTheFunctionsOwnVariablesWhenNotGiven() {
        Result listed = cli.runAsGiven(Map.of(GatekeeperAdmin.SIGNING_KEY_SECRET_VARIABLE, signingSecret,
                        GatekeeperAdmin.PUBLIC_KEY_SECRET_VARIABLE, publicSecret),
                "--secrets-endpoint", moto.endpoint().toString(), "signing-key", "list");
        Result missing = cli.runAsGiven(Map.of(GatekeeperAdmin.SIGNING_KEY_SECRET_VARIABLE, signingSecret),
                "--secrets-endpoint", moto.endpoint().toString(), "signing-key", "list");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains(TestKeys.FIRST.kid());
        assertThat(missing.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(missing.err()).startsWith("error: No secret given: use --public-key-secret ARN or set "
                + GatekeeperAdmin.PUBLIC_KEY_SECRET_VARIABLE);
    }

    @Test
    void unreachableSecretsExitWithThreeNamingThem() throws IOException {
        String endpoint = "http://127.0.0.1:" + closedPort();

        Result listed = cli.runAsGiven(Map.of(), "--secrets-endpoint", endpoint, "--signing-key-secret", signingSecret,
                "--public-key-secret", publicSecret, "signing-key", "list");

        assertThat(listed.exitCode()).isEqualTo(GatekeeperAdmin.UNREACHABLE);
        assertThat(listed.err().lines()).singleElement().asString()
                .startsWith("error: cannot reach the signing-key secrets in us-east-1 at " + endpoint + ": ");
    }

    private Result signingKey(String... command) {
        List<String> args = new ArrayList<>(List.of("--secrets-endpoint", moto.endpoint().toString(),
                "--signing-key-secret", signingSecret, "--public-key-secret", publicSecret, "signing-key"));
        args.addAll(List.of(command));
        return cli.runAsGiven(Map.of(), args.toArray(String[]::new));
    }

    private SigningKeySet storedSigningKeys() {
        return SigningKeySetJson.parse(current(signingSecret));
    }

    private VerificationKeySet storedPublicKeys() {
        return VerificationKeySetJson.parse(current(publicSecret));
    }

    /** Both secrets' current values, to show nothing was written. */
    private List<String> values() {
        return List.of(current(signingSecret), current(publicSecret));
    }

    private String current(String secretId) {
        return secrets.getSecretValue(request -> request.secretId(secretId).versionStage("AWSCURRENT")).secretString();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
