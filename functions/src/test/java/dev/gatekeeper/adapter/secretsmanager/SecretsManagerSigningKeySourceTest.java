package dev.gatekeeper.adapter.secretsmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestKeys;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class SecretsManagerSigningKeySourceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);

    private final MotoServer moto = MotoServer.shared();

    private SecretsManagerSigningKeySource sourceFor(String secretId) {
        return new SecretsManagerSigningKeySource(moto.secretsManager(), secretId);
    }

    private static SigningKeys cacheOver(SecretsManagerSigningKeySource source) {
        return new SigningKeys(source, CLOCK, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    private static String keySetJson(String currentKid, List<Map<String, Object>> keys) {
        return currentKid == null
                ? JSONObjectUtils.toJSONString(Map.of("keys", keys))
                : JSONObjectUtils.toJSONString(Map.of("current", currentKid, "keys", keys));
    }

    @Test
    void loadReturnsTheStoredKeySetWithTheCurrentKeyFirst() {
        String secret = moto.createSigningKeySecret(TestKeys.rotated());

        SigningKeySet keys = sourceFor(secret).load();

        assertThat(keys.current()).isEqualTo(TestKeys.SECOND);
        assertThat(keys.all()).extracting(SigningKey::kid)
                .containsExactly(TestKeys.SECOND.kid(), TestKeys.FIRST.kid());
        assertThat(keys.find(TestKeys.FIRST.kid())).contains(TestKeys.FIRST);
    }

    @Test
    void loadFindsTheSecretByNameAsWellAsByArn() {
        String arn = moto.createSigningKeySecret(TestKeys.only(TestKeys.FIRST));
        String name = moto.secretsManager().describeSecret(request -> request.secretId(arn)).name();

        assertThat(sourceFor(name).load().current()).isEqualTo(TestKeys.FIRST);
    }

    @Test
    void loadWhenTheSecretDoesNotExistThenTheKeysAreInvalid() {
        SecretsManagerSigningKeySource source = sourceFor(MotoServer.uniqueName("no-such-secret"));

        assertThatThrownBy(source::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("no current value");
    }

    @Test
    void loadWhenTheSecretIsNotJsonThenTheKeysAreInvalid() {
        String secret = moto.createSecret("gT7#q0Lx!placeholder-from-cloudformation");

        assertThatThrownBy(sourceFor(secret)::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("not valid JSON Web Keys");
    }

    @Test
    void loadWhenAnEcKeyDoesNotSayES256ThenTheKeysAreInvalid() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-key").generate();
        String secret = moto.createSecret(keySetJson(TestKeys.FIRST.kid(),
                List.of(TestKeys.FIRST.privateJwk().toJSONObject(), ec.toJSONObject())));

        assertThatThrownBy(sourceFor(secret)::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("EC key ec-key").hasMessageContaining("must say ES256");
    }

    @Test
    void loadWhenAKeyIsPublicOnlyThenTheKeysAreInvalid() {
        String secret = moto.createSecret(keySetJson(TestKeys.FIRST.kid(),
                List.of(TestKeys.FIRST.privateJwk().toPublicJWK().toJSONObject())));

        assertThatThrownBy(sourceFor(secret)::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("not a private key");
    }

    @Test
    void loadWhenTheSetNamesNoCurrentKeyThenTheKeysAreInvalid() {
        String secret = moto.createSecret(keySetJson(null, List.of(TestKeys.FIRST.privateJwk().toJSONObject())));

        assertThatThrownBy(sourceFor(secret)::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("no current key");
    }

    @Test
    void loadWhenTheCurrentKidIsNotInTheSetThenTheKeysAreInvalid() {
        String secret = moto.createSecret(keySetJson("missing-kid", List.of(TestKeys.FIRST.privateJwk().toJSONObject())));

        assertThatThrownBy(sourceFor(secret)::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("not in the key set");
    }

    @Test
    void loadWhenAKeyHasNoKidThenTheKeysAreInvalid() {
        RSAKey withoutKid = new RSAKey.Builder((RSAKey) TestKeys.SECOND.privateJwk()).keyID(null).build();
        String secret = moto.createSecret(keySetJson(TestKeys.FIRST.kid(),
                List.of(TestKeys.FIRST.privateJwk().toJSONObject(), withoutKid.toJSONObject())));

        assertThatThrownBy(sourceFor(secret)::load).isInstanceOf(InvalidSigningKeysException.class)
                .hasMessageContaining("kid");
    }

    @Test
    void signingKeysOverAMissingSecretFailClosedWithServiceUnavailable() {
        SigningKeys keys = cacheOver(sourceFor(MotoServer.uniqueName("no-such-secret")));

        assertThatThrownBy(keys::current).isInstanceOfSatisfying(GatekeeperException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    }

    @Test
    void signingKeysOverAMalformedSecretFailClosedWithServiceUnavailable() {
        SigningKeys keys = cacheOver(sourceFor(moto.createSecret("{\"current\": 42}")));

        assertThatThrownBy(keys::current).isInstanceOfSatisfying(GatekeeperException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    }

    @Test
    void loadWhenSecretsManagerCannotBeReachedThenTheSdkErrorPropagatesAndSigningKeysAnswerServiceUnavailable()
            throws Exception {
        URI nobodyListens;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobodyListens = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        try (SecretsManagerClient unreachable = SecretsManagerClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .endpointOverride(nobodyListens)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(config -> config.retryStrategy(retry -> retry.maxAttempts(1)))
                .build()) {
            SecretsManagerSigningKeySource source = new SecretsManagerSigningKeySource(unreachable, "any-secret");

            assertThatThrownBy(source::load).isInstanceOf(SdkClientException.class);
            assertThatThrownBy(cacheOver(source)::current).isInstanceOfSatisfying(GatekeeperException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        }
    }
}
