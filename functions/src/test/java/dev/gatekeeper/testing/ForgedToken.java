package dev.gatekeeper.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The ways a presented token can be almost right, each made from a real token this service issued (so its
 * {@code jti} names a live stored record and only the forged property is wrong). "Our key" is
 * {@link TestKeys#FIRST}, the key of {@link GatekeeperFixture#create()}.
 */
public enum ForgedToken {
    /** Issued an hour from now, signed with our key under our kid. */
    NOT_YET_VALID {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signedByUs(new JWTClaimsSet.Builder(valid.getJWTClaimsSet())
                    .issueTime(Date.from(now.plus(Duration.ofHours(1))))
                    .expirationTime(Date.from(now.plus(Duration.ofHours(2))))
                    .build());
        }
    },
    /** Someone else's issuer, signed with our key. */
    WRONG_ISSUER {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signedByUs(new JWTClaimsSet.Builder(valid.getJWTClaimsSet()).issuer("https://evil.test").build());
        }
    },
    /** Meant for another audience, signed with our key. */
    WRONG_AUDIENCE {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signedByUs(new JWTClaimsSet.Builder(valid.getJWTClaimsSet()).audience("payments").build());
        }
    },
    /** Signed with a key we never had, under a kid we never used. */
    UNKNOWN_KID {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signed(valid.getJWTClaimsSet(), TestKeys.SECOND, "unknown-kid");
        }
    },
    /** Signed with a key we never had, claiming our kid. */
    FOREIGN_KEY_UNDER_OUR_KID {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signed(valid.getJWTClaimsSet(), TestKeys.SECOND, TestKeys.FIRST.kid());
        }
    },
    /** {@code "alg": "none"} and no signature. */
    ALG_NONE {
        @Override
        String forge(SignedJWT valid, Instant now) {
            String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + TestKeys.FIRST.kid() + "\"}").toString();
            return header + "." + valid.getParsedParts()[1] + ".";
        }
    },
    /** HS256 with our public key (PEM, as a verifier that trusts the header would hold it) as the HMAC secret. */
    HS256_WITH_OUR_PUBLIC_KEY {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(((RSAKey) TestKeys.FIRST.privateJwk()).toRSAPublicKey().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(TestKeys.FIRST.kid())
                    .type(JOSEObjectType.JWT).build(), valid.getJWTClaimsSet());
            forged.sign(new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)));
            return forged.serialize();
        }
    },
    /**
     * ES256 under our RSA key's kid, signed with an EC key we never had: a verifier that let the header pick the
     * algorithm (or that took any key of a kid for any algorithm) would look for an EC key, not find one and might
     * fall back; ours refuses any algorithm but the kid's own.
     */
    ES256_UNDER_OUR_RSA_KID {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signed(valid.getJWTClaimsSet(), JWSAlgorithm.ES256, TestKeys.FIRST.kid(),
                    new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));
        }
    },
    /** ES384 (an algorithm the service never signs with) under our kid, signed with a P-384 key we never had. */
    ES384_UNDER_OUR_KID {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            return signed(valid.getJWTClaimsSet(), JWSAlgorithm.ES384, TestKeys.FIRST.kid(),
                    new ECDSASigner(new ECKeyGenerator(Curve.P_384).generate()));
        }
    },
    /** Our token with more scope written into its payload, signature kept. */
    TAMPERED_PAYLOAD {
        @Override
        String forge(SignedJWT valid, Instant now) throws Exception {
            Map<String, Object> payload = valid.getPayload().toJSONObject();
            payload.put("scope", List.of("admin", "bankadmin", "openbanking_pisp"));
            Base64URL tampered = Base64URL.encode(JSONObjectUtils.toJSONString(payload));
            return valid.getParsedParts()[0] + "." + tampered + "." + valid.getSignature();
        }
    };

    abstract String forge(SignedJWT valid, Instant now) throws Exception;

    /** The forgery of {@code validToken}, made at {@code now}. */
    public String from(String validToken, Instant now) {
        try {
            return forge(SignedJWT.parse(validToken), now);
        } catch (Exception e) {
            throw new IllegalStateException("could not forge " + name(), e);
        }
    }

    private static String signedByUs(JWTClaimsSet claims) throws JOSEException {
        return signed(claims, TestKeys.FIRST, TestKeys.FIRST.kid());
    }

    /** Signed with {@code key} under its own algorithm, but with the header's {@code kid} set to {@code kid}. */
    static String signed(JWTClaimsSet claims, SigningKey key, String kid) throws JOSEException {
        JWSSigner signer = key.privateJwk() instanceof RSAKey rsa ? new RSASSASigner(rsa)
                : new ECDSASigner((ECKey) key.privateJwk());
        return signed(claims, key.algorithm().jwsAlgorithm(), kid, signer);
    }

    /** Any header algorithm and kid, with any signer: for tokens whose header lies about how they were signed. */
    public static String signed(JWTClaimsSet claims, JWSAlgorithm algorithm, String kid, JWSSigner signer)
            throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }
}
