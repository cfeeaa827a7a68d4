package dev.gatekeeper.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.keys.SigningKeys;
import java.util.Date;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Mints the RS256 JWT for a token record with the current signing key. */
public final class JwtAccessTokenSigner {
    static final JWSAlgorithm ALGORITHM = JWSAlgorithm.RS256;

    private final SigningKeys keys;
    private final TokenSettings settings;
    /** Signers are thread-safe and costly to build (key conversion), so one per kid per container. */
    private final ConcurrentMap<String, RSASSASigner> signers = new ConcurrentHashMap<>();

    public JwtAccessTokenSigner(SigningKeys keys, TokenSettings settings) {
        this.keys = keys;
        this.settings = settings;
    }

    /** The kid that {@link #sign} will use now, so the record can name it before it is signed. */
    public String currentKeyId() {
        return keys.current().current().getKeyID();
    }

    public String sign(TokenRecord token) {
        RSAKey key = keys.current().find(token.keyId())
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
        JWSHeader header = new JWSHeader.Builder(ALGORITHM).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signers.computeIfAbsent(key.getKeyID(), kid -> newSigner(key)));
        } catch (JOSEException e) {
            throw GatekeeperException.unavailable("Token signing failed", e);
        }
        return jwt.serialize();
    }

    private static RSASSASigner newSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw GatekeeperException.unavailable("Signing key is unusable", e);
        }
    }
}
