package dev.gatekeeper.core.keys;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The JWS algorithms the service signs with, one per key type: RS256 (RSA 2048, Gatekeeper-compatible, the default)
 * and ES256 (ECDSA on P-256, far cheaper to sign). A key has exactly one of them, and a token is accepted only under
 * the algorithm of the key its {@code kid} names.
 */
public enum SigningAlgorithm {
    RS256(JWSAlgorithm.RS256),
    ES256(JWSAlgorithm.ES256);

    /** The algorithm of new keys when the deployment names none: the one Gatekeeper's own tokens use. */
    public static final SigningAlgorithm DEFAULT = RS256;

    private final JWSAlgorithm jwsAlgorithm;

    SigningAlgorithm(JWSAlgorithm jwsAlgorithm) {
        this.jwsAlgorithm = jwsAlgorithm;
    }

    public JWSAlgorithm jwsAlgorithm() {
        return jwsAlgorithm;
    }

    /** The algorithm named exactly (as a JOSE {@code alg}, case and spaces matter), if it is one of ours. */
    public static Optional<SigningAlgorithm> of(String name) {
        return Arrays.stream(values()).filter(algorithm -> algorithm.name().equals(name)).findFirst();
    }

    /** The algorithm of a JWS header, if it is one of ours (so {@code none}, HS256, ES384... are empty). */
    public static Optional<SigningAlgorithm> of(JWSAlgorithm algorithm) {
        return algorithm == null ? Optional.empty() : of(algorithm.getName());
    }

    /**
     * The configured algorithm of new keys: {@link #DEFAULT} when unset or empty, else exactly one of the names.
     *
     * @throws IllegalStateException naming the variable and the allowed values, for anything else
     */
    public static SigningAlgorithm configured(String variable, String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT;
        }
        return of(value).orElseThrow(() -> new IllegalStateException(variable + " must be one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + ", not \"" + value + "\""));
    }
}
