package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.local.Http.Reply;
import dev.gatekeeper.local.storage.FileSigningKeySource;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template's SigningAlgorithm parameter in the runner: its default (RS256) applies as the template says, an
 * {@code --env-vars} file switches it to ES256 (SIGNING_ALGORITHM is a declared variable of every function), and the
 * key generated on first start follows it.
 */
class SigningAlgorithmOptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temporary;

    private record Run(int status, Console console) {
        String accessToken() throws Exception {
            JsonNode response = JSON.readTree(console.out());
            return JSON.readTree(response.get("body").asText()).get("data").get("accessToken").asText();
        }

        String algorithm() throws Exception {
            return SignedJWT.parse(accessToken()).getHeader().getAlgorithm().getName();
        }
    }

    private Run requestToken(String... options) {
        Console console = new Console();
        List<String> arguments = new ArrayList<>(List.of("invoke", "RequestTokenFunction",
                "-e", Repository.event("request-token.json").toString(), "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString()));
        arguments.addAll(List.of(options));
        return new Run(console.runner().run(arguments.toArray(String[]::new)), console);
    }

    private Path envVars(String signingAlgorithm) throws Exception {
        Path file = temporary.resolve("env-" + signingAlgorithm.trim() + ".json");
        Files.writeString(file, "{\"Parameters\": {\"SIGNING_ALGORITHM\": \"" + signingAlgorithm + "\"}}");
        return file;
    }

    @Test
    void theTemplatesDefaultSignsRs256() throws Exception {
        Run run = requestToken("--in-memory");

        assertThat(run.status()).as(run.console().err()).isZero();
        assertThat(run.algorithm()).isEqualTo("RS256");
    }

    @Test
    void anEnvVarsFileSwitchesToEs256AndTheKeyGeneratedOnFirstStartFollows() throws Exception {
        Path data = temporary.resolve("data");

        Run run = requestToken("--data-dir", data.toString(), "--env-vars", envVars("ES256").toString());

        assertThat(run.status()).as(run.console().err()).isZero();
        assertThat(run.algorithm()).isEqualTo("ES256");
        assertThat(run.console().err()).contains("Generated an ES256 signing key in ");
        assertThat(new FileSigningKeySource(data.resolve("signing-keys.json")).load().current().algorithm())
                .isEqualTo(SigningAlgorithm.ES256);
        Run inMemory = requestToken("--in-memory", "--env-vars", envVars("ES256").toString());
        assertThat(inMemory.algorithm()).isEqualTo("ES256");
    }

    /**
     * As a deployed stack after a switch of SigningAlgorithm and a rotation: the key file of an earlier RS256 run
     * gets a new ES256 key that signs from then on, and keeps the RS256 key, so the token it signed still verifies.
     */
    @Test
    void aKeyFileOfAnotherAlgorithmGetsANewCurrentKeyAndKeepsTheOldOneForItsTokens() throws Exception {
        Path data = temporary.resolve("data");
        Run before = requestToken("--data-dir", data.toString());
        assertThat(before.algorithm()).isEqualTo("RS256");
        SigningKeySet rs256 = new FileSigningKeySource(data.resolve("signing-keys.json")).load();
        Console console = new Console();

        try (LocalApi api = console.runner().serve("--port", "0", "--data-dir", data.toString(),
                "--template", Repository.template().toString(), "--env-vars", envVars("ES256").toString())) {
            Http http = new Http(api.baseUri());
            Reply issued = http.postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
            Reply introspected = http.send(http.request("/oauth2/introspect")
                    .header("Authorization", Http.basic(LocalApiTest.MERCHANT_KEY))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + before.accessToken())));

            assertThat(SignedJWT.parse(issued.accessToken()).getHeader().getAlgorithm().getName()).isEqualTo("ES256");
            assertThat(introspected.json().get("active").asBoolean()).as("the RS256 token still verifies").isTrue();
        }
        SigningKeySet switched = new FileSigningKeySource(data.resolve("signing-keys.json")).load();
        assertThat(switched.current().algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(switched.previous()).containsExactly(rs256.current());
        assertThat(switched.signedUntil(rs256.current().kid())).isPresent();
        assertThat(console.err()).contains("Rotated the signing keys in " + data.resolve("signing-keys.json")
                + " to a new ES256 key (SIGNING_ALGORITHM); the previous RS256 key still verifies");

        Run again = requestToken("--data-dir", data.toString(), "--env-vars", envVars("ES256").toString());
        assertThat(again.algorithm()).isEqualTo("ES256");
        assertThat(again.console().err()).as("the same algorithm again rotates nothing").doesNotContain("Rotated");
        assertThat(new FileSigningKeySource(data.resolve("signing-keys.json")).load().all())
                .containsExactlyElementsOf(switched.all());
    }

    @Test
    void anInvalidSigningAlgorithmStopsTheFunctionWithTheReason() throws Exception {
        Run run = requestToken("--in-memory", "--env-vars", envVars("HS256").toString());

        assertThat(run.status()).isNotZero();
        assertThat(run.console().err() + run.console().out())
                .contains("SIGNING_ALGORITHM must be one of RS256, ES256, not \"HS256\"");
    }
}
