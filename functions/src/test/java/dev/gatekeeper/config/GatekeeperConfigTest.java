package dev.gatekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.keys.SigningAlgorithm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's environment as the template sets it: the key set it may read, the signing algorithm of new keys. */
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

    /**
     * Rotation keeps a replaced key for the longest token lifetime plus a day after the end of signing it recorded,
     * and may finish up to 12 h after recording it; a container caching keys for the other 12 h or more could sign
     * with it past that, and its tokens would outlive the key.
     */
    @Test
    void aKeyCacheAsLongAsTheGraceLeftAfterASlowRotationFailsAtStart() {
        Map<String, String> env = environment(null);
        env.put(GatekeeperConfig.SIGNING_KEY_CACHE_SECONDS, "43199");
        assertThat(GatekeeperConfig.fromEnvironment(env).signingKeyMaxAge()).hasSeconds(43_199);

        env.put(GatekeeperConfig.SIGNING_KEY_CACHE_SECONDS, "43200");
        assertThatThrownBy(() -> GatekeeperConfig.fromEnvironment(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SIGNING_KEY_CACHE_SECONDS must be less than 43200 (the grace rotation keeps replaced keys"
                        + " for, less the time a rotation may take to finish)");
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

    @Test
    void aFunctionReadsEitherThePrivateOrThePublicKeySet() {
        Map<String, String> verifyOnly = environment(null);
        verifyOnly.remove(GatekeeperConfig.SIGNING_KEY_SECRET_ARN);
        verifyOnly.put(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, "PublicKeySecret");

        GatekeeperConfig signing = GatekeeperConfig.fromEnvironment(environment(null));
        GatekeeperConfig verifying = GatekeeperConfig.fromEnvironment(verifyOnly);

        assertThat(signing.signingKeySecretId()).hasValue("SigningKeySecret");
        assertThat(signing.publicKeySecretId()).isEmpty();
        assertThat(verifying.signingKeySecretId()).isEmpty();
        assertThat(verifying.publicKeySecretId()).hasValue("PublicKeySecret");
    }

    @Test
    void aFunctionGivenBothKeySetsOrNeitherFailsAtStartNamingTheVariables() {
        Map<String, String> both = environment(null);
        both.put(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, "PublicKeySecret");
        Map<String, String> neither = environment(null);
        neither.remove(GatekeeperConfig.SIGNING_KEY_SECRET_ARN);

        assertThatThrownBy(() -> GatekeeperConfig.fromEnvironment(both))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Set either SIGNING_KEY_SECRET_ARN (a function that signs tokens) or PUBLIC_KEY_SECRET_ARN "
                        + "(a function that only verifies them), not both");
        assertThatThrownBy(() -> GatekeeperConfig.fromEnvironment(neither))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Missing environment variables: SIGNING_KEY_SECRET_ARN or PUBLIC_KEY_SECRET_ARN");
    }

    /** What the verify-only handlers' Lambda constructors check before anything is built or loaded. */
    @Test
    void aVerifyOnlyFunctionWhoseEnvironmentNamesThePrivateKeySetRefusesToStart() {
        assertThatThrownBy(() -> Gatekeeper.refuseSigningKeys(environment(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only verifies tokens")
                .hasMessageContaining("PUBLIC_KEY_SECRET_ARN");
        Map<String, String> verifyOnly = environment(null);
        verifyOnly.remove(GatekeeperConfig.SIGNING_KEY_SECRET_ARN);
        verifyOnly.put(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, "PublicKeySecret");
        Gatekeeper.refuseSigningKeys(verifyOnly);
    }
}
