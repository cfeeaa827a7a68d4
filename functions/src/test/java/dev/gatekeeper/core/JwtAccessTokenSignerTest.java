package dev.gatekeeper.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenSettings;
import dev.gatekeeper.testing.TestKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The signer signs under the key's own algorithm, and ECDSA draws its nonces from the randomness it was given. */
class JwtAccessTokenSignerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private static final TokenSettings SETTINGS = TokenSettings.gatekeeperDefaults("https://issuer.test", List.of("gatekeeper"));

    /** Counts the bytes drawn, standing for the generator a snapshot restore replaces. */
    private static final class CountingRandom extends SecureRandom {
        final AtomicInteger bytesDrawn = new AtomicInteger();

        @Override
        public void nextBytes(byte[] bytes) {
            bytesDrawn.addAndGet(bytes.length);
            super.nextBytes(bytes);
        }
    }

    private static String sign(SigningKey key, SecureRandom random) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        SigningKeys keys = new SigningKeys(() -> TestKeys.only(key), clock, Duration.ofMinutes(5), Duration.ZERO);
        TokenRecord record = new TokenRecord(new TokenId("3fe40be4-8139-4bcc-a6fc-9fc6df927b31"),
                new OrganisationId("merchant01"), new OrganisationId("merchant01"), AccessType.CR, AccessType.CR, null,
                List.of("admin"), false, false, NOW, NOW.plusSeconds(60), 0, null, false, null, key.kid());
        return new JwtAccessTokenSigner(keys, SETTINGS, random).sign(record);
    }

    @Test
    void anEs256SignatureDrawsItsNonceFromTheGivenRandomnessAndNotTheJdkDefault() throws Exception {
        CountingRandom random = new CountingRandom();

        String token = sign(TestKeys.EC_FIRST, random);

        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(random.bytesDrawn.get()).as("bytes the ECDSA signature drew from the signer's randomness")
                .isGreaterThanOrEqualTo(32);
    }

    @Test
    void anRs256SignatureNeedsNoRandomness() throws Exception {
        CountingRandom random = new CountingRandom();

        String token = sign(TestKeys.FIRST, random);

        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(random.bytesDrawn.get()).isZero();
    }
}
