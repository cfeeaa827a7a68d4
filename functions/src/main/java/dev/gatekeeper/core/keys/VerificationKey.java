package dev.gatekeeper.core.keys;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Objects;

/**
 * The public half of one signing key, with its {@code kid} and the one algorithm its signatures are checked under:
 * all a function that only verifies tokens (or publishes the JWKS) ever holds. It has no private parameters and no
 * way to sign, so a verify-only function cannot mint a token even if its code is subverted.
 */
public final class VerificationKey {
    private final String kid;
    private final SigningAlgorithm algorithm;
    private final JWK publicJwk;

    private VerificationKey(String kid, SigningAlgorithm algorithm, JWK publicJwk) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.publicJwk = publicJwk;
    }

    /**
     * The verification key a stored public JWK is, under the rules of {@link SigningKey#of} (an RSA key without
     * {@code alg} is RS256, an EC key must be P-256 and say ES256). Rebuilt from the public parameters alone, so no
     * other stored attribute survives.
     *
     * @throws InvalidSigningKeysException for a JWK holding private parameters (a public key set must never carry
     *                                     them: the set is wired to the wrong secret, or was written wrongly), and
     *                                     for anything that is not an RS256 or ES256 key; the message names the kid
     *                                     at most
     */
    public static VerificationKey of(JWK jwk) {
        Objects.requireNonNull(jwk, "jwk");
        String kid = jwk.getKeyID();
        if (kid == null || kid.isBlank()) {
            throw new InvalidSigningKeysException("every verification key needs a kid");
        }
        if (jwk.isPrivate()) {
            throw new InvalidSigningKeysException("key " + kid
                    + " holds private key material; a public key set must hold public keys only");
        }
        Algorithm declared = jwk.getAlgorithm();
        if (jwk instanceof RSAKey rsa) {
            if (declared != null && !JWSAlgorithm.RS256.equals(declared)) {
                throw new InvalidSigningKeysException("RSA key " + kid + " has alg " + declared + "; an RSA key signs RS256");
            }
            return publicHalf(kid, SigningAlgorithm.RS256, rsa);
        }
        if (jwk instanceof ECKey ec) {
            if (!Curve.P_256.equals(ec.getCurve())) {
                throw new InvalidSigningKeysException("EC key " + kid + " is on curve " + ec.getCurve()
                        + "; only P-256 (ES256) is accepted");
            }
            if (!JWSAlgorithm.ES256.equals(declared)) {
                throw new InvalidSigningKeysException("EC key " + kid + " has alg " + declared + "; it must say ES256");
            }
            return publicHalf(kid, SigningAlgorithm.ES256, ec);
        }
        throw new InvalidSigningKeysException("key " + kid + " is of type " + jwk.getKeyType()
                + "; only RSA (RS256) and EC P-256 (ES256) keys are accepted");
    }

    /**
     * The public half of a key whose type and algorithm are already checked: {@code kty}, {@code kid}, {@code use},
     * {@code alg} and the public parameters ({@code n e} for RSA, {@code crv x y} for EC), built from those alone
     * rather than by stripping a private key, so no private member can ever leak into it.
     */
    static VerificationKey publicHalf(String kid, SigningAlgorithm algorithm, JWK key) {
        JWK publicJwk = key instanceof RSAKey rsa
                ? new RSAKey.Builder(rsa.getModulus(), rsa.getPublicExponent())
                        .keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm.jwsAlgorithm()).build()
                : new ECKey.Builder(((ECKey) key).getCurve(), ((ECKey) key).getX(), ((ECKey) key).getY())
                        .keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(algorithm.jwsAlgorithm()).build();
        return new VerificationKey(kid, algorithm, publicJwk);
    }

    public String kid() {
        return kid;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /** What may be published and stored in the public key set: no private member, ever. */
    public JWK publicJwk() {
        return publicJwk;
    }

    /** A new verifier of this key's signatures. */
    public JWSVerifier newVerifier() throws JOSEException {
        return switch (algorithm) {
            case RS256 -> new RSASSAVerifier(((RSAKey) publicJwk).toRSAPublicKey());
            case ES256 -> new ECDSAVerifier(((ECKey) publicJwk).toECPublicKey());
        };
    }

    /** Same kid, algorithm and public key. */
    @Override
    public boolean equals(Object other) {
        return other instanceof VerificationKey that && kid.equals(that.kid) && algorithm == that.algorithm
                && publicJwk.equals(that.publicJwk);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kid, algorithm, publicJwk);
    }

    @Override
    public String toString() {
        return "VerificationKey[" + kid + ", " + algorithm + "]";
    }
}
