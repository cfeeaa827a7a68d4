package dev.gatekeeper.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.SigningKeys;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Mints the JWT for a token record with the current signing key, under that key's own algorithm (RS256 or ES256):
 * the key decides, not the configuration, so a container never signs with a key under an algorithm it does not have.
 *
 * <p>ECDSA needs a fresh secret random number (the nonce {@code k}) for every signature, and two signatures made
 * with the same {@code k} give away the private key. Its randomness is therefore the {@code signatureRandom} given
 * here, which the composition root replaces after a SnapStart restore (see {@code config.SnapshotSafeRandom}),
 * never the JDK's shared default, whose state a snapshot would hand identically to every restored copy.
 * RS256 (PKCS #1 v1.5) is deterministic and needs none.
 */
public final class JwtAccessTokenSigner {
    private final SigningKeys keys;
    private final TokenSettings settings;
    private final SecureRandom signatureRandom;
    /** Signers are thread-safe and costly to build (key conversion), so one per kid per container. */
    private final ConcurrentMap<String, JWSSigner> signers = new ConcurrentHashMap<>();

    /** @param signatureRandom the randomness of ECDSA signatures; must not survive a snapshot restore unchanged */
    public JwtAccessTokenSigner(SigningKeys keys, TokenSettings settings, SecureRandom signatureRandom) {
        this.keys = keys;
        this.settings = settings;
        this.signatureRandom = Objects.requireNonNull(signatureRandom, "signatureRandom");
    }

    /** The kid that {@link #sign} will use now, so the record can name it before it is signed. */
    public String currentKeyId() {
        return keys.current().current().kid();
    }

    public String sign(TokenRecord token) {
        return prepare(token).sign();
    }

    /**
     * Everything of the token's JWT but its signature: the key (which may have to be fetched, so this can fail with
     * {@code SERVICE_UNAVAILABLE}), the header and the claims. What is left, {@link UnsignedToken#sign()}, is
     * computation only, so a caller can run it on another thread while it stores the record.
     */
    public UnsignedToken prepare(TokenRecord token) {
        SigningKey key = keys.current().find(token.keyId())
                .orElseThrow(() -> GatekeeperException.unavailable("Signing key changed during issuance", null));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(settings.issuer())
                .subject(token.requestedOrganisation().value())
                .audience(settings.audience())
                .jwtID(token.id().value())
                .issueTime(Date.from(token.createdAt()))
                .expirationTime(Date.from(token.expiresAt()))
                .claim(JwtClaimNames.SCOPE, token.scopes())
                .claim(JwtClaimNames.ORG_ID, token.requestedOrganisation().value())
                .claim(JwtClaimNames.ORIGINATOR_ORG_ID, token.requestingOrganisation().value())
                .claim(JwtClaimNames.CLIENT_ID, token.requestingOrganisation().value())
                .claim(JwtClaimNames.ACCESS_TYPE, token.accessType().name())
                .claim(JwtClaimNames.REQUESTING_ACCESS_TYPE, token.requestingAccessType().name())
                .claim(JwtClaimNames.IP_FILTERING, token.ipFiltering())
                .claim(JwtClaimNames.MTLS_FILTER, token.mtlsFilter());
        if (token.applicationToken()) {
            claims.claim(JwtClaimNames.APPLICATION_TOKEN, true).claim(JwtClaimNames.RESOURCE_ID, token.resourceId());
        }
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jwsAlgorithm()).keyID(key.kid())
                .type(JOSEObjectType.JWT).build();
        return new UnsignedToken(new SignedJWT(header, claims.build()), signerFor(key));
    }

    /** A token's JWT with its key chosen, waiting for its signature. */
    public static final class UnsignedToken {
        private final SignedJWT jwt;
        private final JWSSigner signer;

        private UnsignedToken(SignedJWT jwt, JWSSigner signer) {
            this.jwt = jwt;
            this.signer = signer;
        }

        /** Signs and serialises the JWT: CPU only, no I/O. Call once. */
        public String sign() {
            try {
                jwt.sign(signer);
            } catch (JOSEException e) {
                throw GatekeeperException.unavailable("Token signing failed", e);
            }
            return jwt.serialize();
        }
    }

    /** The signer of a key, built once per kid. */
    private JWSSigner signerFor(SigningKey key) {
        return signers.computeIfAbsent(key.kid(), kid -> newSigner(key));
    }

    private JWSSigner newSigner(SigningKey key) {
        try {
            return key.newSigner(signatureRandom);
        } catch (JOSEException e) {
            throw GatekeeperException.unavailable("Signing key is unusable", e);
        }
    }
}
