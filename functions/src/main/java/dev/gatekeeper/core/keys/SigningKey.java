package dev.gatekeeper.core.keys;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * One private signing key with its {@code kid} and the one algorithm it signs and verifies with: RS256 for an RSA
 * key, ES256 for an EC key on P-256. Nothing else is a signing key, so a key set read from storage cannot smuggle in
 * another algorithm or key type.
 *
 * <p>{@link #toString()} names the kid and algorithm only: the JWK holds private key material.
 */
public final class SigningKey {
    private final String kid;
    private final SigningAlgorithm algorithm;
    private final JWK privateJwk;
    private final VerificationKey verificationKey;

    private SigningKey(String kid, SigningAlgorithm algorithm, JWK privateJwk) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.privateJwk = privateJwk;
        this.verificationKey = VerificationKey.publicHalf(kid, algorithm, privateJwk);
    }

    /**
     * The signing key a stored private JWK is. Its {@code alg} decides the algorithm, and must fit the key type; an
     * RSA key without {@code alg} is RS256 (key sets written before ES256 existed carry none).
     *
     * @throws InvalidSigningKeysException for anything that is not a private RSA key for RS256 or a private P-256
     *                                     key for ES256; the message names the kid at most, never key material
     */
    public static SigningKey of(JWK jwk) {
        Objects.requireNonNull(jwk, "jwk");
        String kid = jwk.getKeyID();
        if (kid == null || kid.isBlank()) {
            throw new InvalidSigningKeysException("every signing key needs a kid");
        }
        if (!jwk.isPrivate()) {
            throw new InvalidSigningKeysException("key " + kid + " is not a private key");
        }
        Algorithm declared = jwk.getAlgorithm();
        if (jwk instanceof RSAKey) {
            if (declared != null && !JWSAlgorithm.RS256.equals(declared)) {
                throw new InvalidSigningKeysException("RSA key " + kid + " has alg " + declared + "; an RSA key signs RS256");
            }
            return new SigningKey(kid, SigningAlgorithm.RS256, jwk);
        }
        if (jwk instanceof ECKey ec) {
            if (!Curve.P_256.equals(ec.getCurve())) {
                throw new InvalidSigningKeysException("EC key " + kid + " is on curve " + ec.getCurve()
                        + "; only P-256 (ES256) is accepted");
            }
            if (!JWSAlgorithm.ES256.equals(declared)) {
                throw new InvalidSigningKeysException("EC key " + kid + " has alg " + declared + "; it must say ES256");
            }
            return new SigningKey(kid, SigningAlgorithm.ES256, jwk);
        }
        throw new InvalidSigningKeysException("key " + kid + " is of type " + jwk.getKeyType()
                + "; only RSA (RS256) and EC P-256 (ES256) keys are accepted");
    }

    public String kid() {
        return kid;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /** The private key as stored: only for signing and for writing the key set back to its store. */
    public JWK privateJwk() {
        return privateJwk;
    }

    /** The public half of this key: what verifies its signatures and may be published. */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /**
     * What may be published of this key: {@code kty}, {@code kid}, {@code use}, {@code alg} and the public parameters
     * ({@code n e} for RSA, {@code crv x y} for EC); see {@link VerificationKey#publicJwk()}.
     */
    public JWK publicJwk() {
        return verificationKey.publicJwk();
    }

    /**
     * A new signer for this key under its algorithm. ECDSA draws a secret nonce per signature from {@code random},
     * so it must be a source no two restored snapshots share (RS256 draws nothing).
     */
    public JWSSigner newSigner(SecureRandom random) throws JOSEException {
        return switch (algorithm) {
            case RS256 -> new RSASSASigner((RSAKey) privateJwk);
            case ES256 -> {
                ECDSASigner signer = new ECDSASigner((ECKey) privateJwk);
                signer.getJCAContext().setSecureRandom(Objects.requireNonNull(random, "random"));
                yield signer;
            }
        };
    }

    /** A new verifier of this key's signatures, from its public part. */
    public JWSVerifier newVerifier() throws JOSEException {
        return verificationKey.newVerifier();
    }

    /** Same kid, algorithm and key material. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SigningKey that && kid.equals(that.kid) && algorithm == that.algorithm
                && privateJwk.equals(that.privateJwk);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kid, algorithm, privateJwk);
    }

    @Override
    public String toString() {
        return "SigningKey[" + kid + ", " + algorithm + "]";
    }
}
