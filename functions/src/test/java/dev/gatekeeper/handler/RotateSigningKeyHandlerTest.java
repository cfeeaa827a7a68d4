package dev.gatekeeper.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SecretsManagerRotationEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerSigningKeySource;
import dev.gatekeeper.adapter.secretsmanager.SigningKeyRotation;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import dev.gatekeeper.testing.TestLambdaContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotateSigningKeyHandlerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    private static final KeyRetention RETENTION = KeyRetention.forGatekeeperTokens(KeyRetention.DEFAULT_MAX_KEYS);
    private static final List<String> STEPS = List.of("createSecret", "setSecret", "testSecret", "finishSecret");

    private final MotoServer moto = MotoServer.shared();
    private final TestLambdaContext context = new TestLambdaContext("RotateSigningKeyFunction");
    /** The public key secret the rotation publishes to: the placeholder CloudFormation generates, at first. */
    private final String publicSecret = moto.createSecret("placeholder-generated-by-cloudformation");

    /** The event as Secrets Manager sends it, deserialised the way the Lambda Java runtime does. */
    private static SecretsManagerRotationEvent event(String step, String secretId, String token) {
        String json = JSONObjectUtils.toJSONString(Map.of("Step", step, "SecretId", secretId,
                "ClientRequestToken", token));
        return LambdaEventSerializers.serializerFor(SecretsManagerRotationEvent.class,
                RotateSigningKeyHandlerTest.class.getClassLoader()).fromJson(json);
    }

    private SigningKeySet currentKeys(String secret) {
        return new SecretsManagerSigningKeySource(moto.secretsManager(), secret).load();
    }

    private VerificationKeySet publishedKeys() {
        return new SecretsManagerPublicKeySource(moto.secretsManager(), publicSecret).load();
    }

    @Test
    void theRuntimeReadsTheRotationEventFieldsSecretsManagerSends() {
        SecretsManagerRotationEvent event = event("createSecret", "arn:secret", "token-1");

        assertThat(event.getStep()).isEqualTo("createSecret");
        assertThat(event.getSecretId()).isEqualTo("arn:secret");
        assertThat(event.getClientRequestToken()).isEqualTo("token-1");
    }

    @Test
    void theFourStepsFromSecretsManagerMakeANewKeyCurrentAndKeepTheOldOne() {
        RotateSigningKeyHandler handler = new RotateSigningKeyHandler(
                new SigningKeyRotation(moto.secretsManager(), CLOCK, RETENTION, SigningAlgorithm.RS256, publicSecret));
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);

        for (String step : STEPS) {
            assertThat(handler.handleRequest(event(step, secret, token), context)).isNull();
        }

        SigningKeySet keys = currentKeys(secret);
        assertThat(keys.current().kid()).isNotEqualTo(TestKeys.FIRST.kid());
        assertThat(keys.previous()).containsExactly(TestKeys.FIRST);
        assertThat(publishedKeys()).isEqualTo(keys.verificationKeys());
    }

    @Test
    void aStepThatFailsReachesTheRuntimeSoSecretsManagerMarksTheRotationFailed() {
        RotateSigningKeyHandler handler = new RotateSigningKeyHandler(
                new SigningKeyRotation(moto.secretsManager(), CLOCK, RETENTION, SigningAlgorithm.RS256, publicSecret));
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);

        assertThatThrownBy(() -> handler.handleRequest(event("testSecret", secret, token), context))
                .isInstanceOf(IllegalStateException.class);
        assertThat(currentKeys(secret).all()).containsExactly(TestKeys.FIRST);
    }

    @Test
    void aHandlerConfiguredFromTheEnvironmentRotatesThroughTheEndpointOverride() {
        String secret = moto.createSigningKeySecret(TestKeys.rotated());
        String token = moto.startRotation(secret);
        RotateSigningKeyHandler handler = withDummyCredentials(() -> new RotateSigningKeyHandler(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", moto.endpoint().toString(),
                GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecret,
                "SIGNING_KEYS_MAX", "3")));

        withDummyCredentials(() -> {
            STEPS.forEach(step -> handler.handleRequest(event(step, secret, token), context));
            return null;
        });

        SigningKeySet keys = currentKeys(secret);
        assertThat(keys.all()).hasSize(3);
        assertThat(keys.previous()).containsExactly(TestKeys.SECOND, TestKeys.FIRST);
    }

    @Test
    void aHandlerConfiguredForEs256RotatesToAnEcKeyAndKeepsThePreviousRsaKey() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String token = moto.startRotation(secret);
        RotateSigningKeyHandler handler = withDummyCredentials(() -> new RotateSigningKeyHandler(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", moto.endpoint().toString(),
                GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecret,
                GatekeeperConfig.SIGNING_ALGORITHM, "ES256")));

        withDummyCredentials(() -> {
            STEPS.forEach(step -> handler.handleRequest(event(step, secret, token), context));
            return null;
        });

        SigningKeySet keys = currentKeys(secret);
        assertThat(keys.current().algorithm()).isEqualTo(SigningAlgorithm.ES256);
        assertThat(keys.previous()).containsExactly(TestKeys.FIRST);
        assertThat(publishedKeys()).isEqualTo(keys.verificationKeys());
    }

    @Test
    void aHandlerWithoutASigningAlgorithmRotatesToRs256() {
        String secret = moto.createSigningKeySecret(TestKeys.only(TestKeys.EC_FIRST));
        String token = moto.startRotation(secret);
        RotateSigningKeyHandler handler = withDummyCredentials(() -> new RotateSigningKeyHandler(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", moto.endpoint().toString(),
                GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecret)));

        withDummyCredentials(() -> {
            STEPS.forEach(step -> handler.handleRequest(event(step, secret, token), context));
            return null;
        });

        SigningKeySet keys = currentKeys(secret);
        assertThat(keys.current().algorithm()).isEqualTo(SigningAlgorithm.RS256);
        assertThat(keys.previous()).containsExactly(TestKeys.EC_FIRST);
    }

    @Test
    void aHandlerWithAnInvalidSigningAlgorithmFailsAtStartWithTheReason() {
        for (String invalid : List.of("HS256", "rs256 ", "ES384")) {
            assertThatThrownBy(() -> new RotateSigningKeyHandler(Map.of("AWS_REGION", "us-east-1",
                    GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecret, GatekeeperConfig.SIGNING_ALGORITHM, invalid)))
                    .as(invalid)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("SIGNING_ALGORITHM must be one of RS256, ES256, not \"" + invalid + "\"");
        }
    }

    @Test
    void aHandlerWithoutARegionFailsAtStartWithTheReason() {
        assertThatThrownBy(() -> new RotateSigningKeyHandler(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("AWS_REGION is not set");
    }

    @Test
    void aHandlerWithoutThePublicKeySecretFailsAtStartRatherThanRotateKeysVerifiersCannotLearn() {
        assertThatThrownBy(() -> new RotateSigningKeyHandler(Map.of("AWS_REGION", "us-east-1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("PUBLIC_KEY_SECRET_ARN is not set");
    }

    @Test
    void aHandlerWithAnUnreadableKeyLimitOrScheduleFailsAtStartWithTheReason() {
        for (String variable : List.of("SIGNING_KEYS_MAX", "KEY_ROTATION_DAYS")) {
            assertThatThrownBy(() -> new RotateSigningKeyHandler(Map.of("AWS_REGION", "us-east-1",
                    GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecret, variable, "three")))
                    .as(variable)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(variable + " must be a positive whole number, not three");
        }
    }

    /**
     * 366 days of retention (a year of token lifetime and a day of grace) over rotations as close as 29 days (the
     * random hour of the due day): 14 keys, and room for 4 extra rotations.
     */
    @Test
    void aHandlerWhoseScheduleNeedsMoreKeysThanItMayHoldFailsAtStartNamingBoth() {
        Map<String, String> environment = Map.of("AWS_REGION", "us-east-1",
                GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, publicSecret, "KEY_ROTATION_DAYS", "30");

        assertThat(RotateSigningKeyHandler.retention(environment).maxKeys()).isEqualTo(KeyRetention.DEFAULT_MAX_KEYS);
        assertThatThrownBy(() -> new RotateSigningKeyHandler(with(environment, "SIGNING_KEYS_MAX", "17")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("KEY_ROTATION_DAYS and SIGNING_KEYS_MAX disagree: rotating every 30 days keeps"
                        + " up to 14 signing keys")
                .hasMessageContaining("more than the 17 a key set may hold");
        assertThat(RotateSigningKeyHandler.retention(with(environment, "SIGNING_KEYS_MAX", "18")).maxKeys())
                .isEqualTo(18);
        assertThatThrownBy(() -> new RotateSigningKeyHandler(with(environment, "KEY_ROTATION_DAYS", "15")))
                .as("the template's minimum before it was raised")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rotating every 15 days keeps up to 28 signing keys");
        assertThatThrownBy(() -> new RotateSigningKeyHandler(with(environment, "KEY_ROTATION_DAYS", "7")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rotating every 7 days keeps up to 63 signing keys");
    }

    private static Map<String, String> with(Map<String, String> environment, String name, String value) {
        Map<String, String> changed = new java.util.HashMap<>(environment);
        changed.put(name, value);
        return changed;
    }

    /**
     * The environment-built client takes its credentials from the default chain, as in Lambda; the JVM system
     * properties are the first link of that chain, so the test sets them for the duration of the call only.
     */
    private static <T> T withDummyCredentials(java.util.function.Supplier<T> action) {
        String keyId = System.getProperty("aws.accessKeyId");
        String secret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        try {
            return action.get();
        } finally {
            restore("aws.accessKeyId", keyId);
            restore("aws.secretAccessKey", secret);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
