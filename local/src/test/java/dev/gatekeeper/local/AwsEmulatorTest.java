package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.local.Http.Reply;
import dev.gatekeeper.testing.MotoServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving with --aws-endpoint: the template's table and both key secrets live in the emulator. */
class AwsEmulatorTest {
    @TempDir
    Path data;

    @Test
    void theTableAndTheSigningKeySecretAreCreatedInTheEmulatorAndServeTokens() {
        MotoServer moto = MotoServer.shared();
        Console console = new Console();

        try (LocalApi api = console.runner().serve("--port", "0", "--aws-endpoint", moto.endpoint().toString(),
                "--data-dir", data.toString(), "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString())) {
            Reply issued = new Http(api.baseUri()).postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

            assertThat(issued.status()).isEqualTo(201);
        }
        SigningKeySet keys = new SecretsManagerSigningKeySource(moto.secretsManager(), "SigningKeySecret").load();
        assertThat(console.err()).contains("Created table TokensTable in " + moto.endpoint())
                .contains("Created secret SigningKeySecret with a new RS256 signing key in " + moto.endpoint())
                .contains("Created secret PublicKeySecret with the public keys of SigningKeySecret in " + moto.endpoint());
        assertThat(keys.current().kid()).isNotBlank();
        assertThat(new SecretsManagerPublicKeySource(moto.secretsManager(), "PublicKeySecret").load())
                .as("what the verify-only functions read").isEqualTo(keys.verificationKeys());
        assertThat(data).as("nothing is kept locally when the emulator holds everything").isEmptyDirectory();
    }
}
