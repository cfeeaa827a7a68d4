package dev.gatekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.keys.SigningAlgorithm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's environment as the template sets it: the signing algorithm of new keys. */
class GatekeeperConfigTest {

    private static Map<String, String> environment(String signingAlgorithm) {
        Map<String, String> env = new HashMap<>(Map.of(
                GatekeeperConfig.TABLE_NAME, "TokensTable",
                GatekeeperConfig.SIGNING_KEY_SECRET_ARN, "SigningKeySecret",
                GatekeeperConfig.TOKEN_ISSUER, "https://gatekeeper.test",
                GatekeeperConfig.TOKEN_AUDIENCE, "gatekeeper"));
        if (signingAlgorithm != null) {
            env.put(GatekeeperConfig.SIGNING_ALGORITHM, signingAlgorithm);
        }
        return env;
    }

    @Test
    void theSigningAlgorithmIsRs256WhenUnsetAndWhateverTheTemplateSaysOtherwise() {
        assertThat(GatekeeperConfig.fromEnvironment(environment(null)).signingAlgorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(GatekeeperConfig.fromEnvironment(environment("RS256")).signingAlgorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(GatekeeperConfig.fromEnvironment(environment("ES256")).signingAlgorithm()).isEqualTo(SigningAlgorithm.ES256);
    }

    @Test
    void anInvalidSigningAlgorithmFailsTheFunctionsConfigurationNamingTheVariableAndTheChoices() {
        for (String invalid : List.of("HS256", "rs256 ", "ES256 ", "none", "PS256")) {
            assertThatThrownBy(() -> GatekeeperConfig.fromEnvironment(environment(invalid)))
                    .as(invalid)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("SIGNING_ALGORITHM must be one of RS256, ES256, not \"" + invalid + "\"");
            // The composition root reads the configuration before it builds any client: a container fails at start.
            assertThatThrownBy(() -> Gatekeeper.fromEnvironment(environment(invalid)))
                    .as(invalid).isInstanceOf(IllegalStateException.class).hasMessageContaining("SIGNING_ALGORITHM");
        }
    }
}
