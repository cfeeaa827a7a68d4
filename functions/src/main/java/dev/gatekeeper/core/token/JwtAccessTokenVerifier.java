package dev.gatekeeper.core.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.VerificationKey;
import dev.gatekeeper.core.keys.VerificationKeys;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Checks that a bearer token is one of ours and valid now: algorithm pinned per key (the {@code kid} selects the key,
 * and the key's own algorithm, RS256 or ES256, is the only one accepted; {@code none}, HS256 with the public key as
 * secret and any other algorithm are refused before any key is touched, and RS256 under an EC key's kid or ES256
 * under an RSA key's kid once the key is known), issuer, audience, expiry and issue time, a known {@code kid} and
 * the signature. Revocation is checked afterwards against the token store.
 * Every failure is the same 401, so a caller learns nothing about which check failed.
 */
public final class JwtAccessTokenVerifier {
    /** Tolerated clock difference for {@code iat} in the future; expiry gets none. */
    private static final long MAX_FUTURE_IAT_SECONDS = 5;

    private final VerificationKeys keys;
    private final TokenSettings settings;
    private final Clock clock;
    private final ConcurrentMap<String, JWSVerifier> verifiers = new ConcurrentHashMap<>();

    /** @param keys public halves only: a signing function's {@code SigningKeys} or a verify-only one's {@code PublicKeys} */
    public JwtAccessTokenVerifier(VerificationKeys keys, TokenSettings settings, Clock clock) {
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
    }

    public AccessTokenClaims verify(String token) {
        return verifyOrExplain(token).orElseThrow(() -> GatekeeperException.unauthorized(AuthFailure.INVALID_TOKEN, "Invalid token"));
    }

    /** Empty if the token is not valid now; never throws for a bad token (a key outage is still 503). */
    public Optional<AccessTokenClaims> verifyOrExplain(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            Optional<SigningAlgorithm> algorithm = SigningAlgorithm.of(header.getAlgorithm());
            if (algorithm.isEmpty() || header.getCriticalParams() != null) {
                return Optional.empty();
            }
            // Claims first, signature second: an expired or foreign token is refused without touching the key
            // cache, whose unknown-kid reload is a network call. Nothing here is trusted until the signature holds.
            Optional<AccessTokenClaims> claims = claimsIfValid(jwt.getJWTClaimsSet());
            if (claims.isEmpty()) {
                return Optional.empty();
            }
            Optional<VerificationKey> key = keys.verificationKey(header.getKeyID());
            // The key, not the header, says how it signs: a token under another algorithm is not its signature.
            if (key.isEmpty() || key.get().algorithm() != algorithm.get() || !jwt.verify(verifierFor(key.get()))) {
                return Optional.empty();
            }
            return claims;
        } catch (ParseException | JOSEException | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private Optional<AccessTokenClaims> claimsIfValid(JWTClaimsSet claims) throws ParseException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        List<String> audience = claims.getAudience();
        if (!settings.issuer().equals(claims.getIssuer())
                || audience == null || !audience.contains(settings.audience().get(0))
                || exp == null || !exp.toInstant().isAfter(now)
                || iat == null || iat.toInstant().isAfter(now.plusSeconds(MAX_FUTURE_IAT_SECONDS))
                || (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now))) {
            return Optional.empty();
        }
        Optional<TokenId> id = TokenId.parse(claims.getJWTID());
        Optional<OrganisationId> organisation = OrganisationId.parse(claims.getStringClaim(JwtClaimNames.ORG_ID));
        Optional<OrganisationId> requesting = OrganisationId.parse(claims.getStringClaim(JwtClaimNames.ORIGINATOR_ORG_ID));
        String accessType = claims.getStringClaim(JwtClaimNames.ACCESS_TYPE);
        List<String> scopes = claims.getStringListClaim(JwtClaimNames.SCOPE);
        if (id.isEmpty() || organisation.isEmpty() || requesting.isEmpty() || accessType == null || scopes == null
                || !organisation.get().value().equals(claims.getSubject())) {
            return Optional.empty();
        }
        return Optional.of(new AccessTokenClaims(id.get(), organisation.get(), requesting.get(),
                AccessType.valueOf(accessType), scopes,
                Boolean.TRUE.equals(claims.getBooleanClaim(JwtClaimNames.IP_FILTERING)),
                Boolean.TRUE.equals(claims.getBooleanClaim(JwtClaimNames.MTLS_FILTER)),
                Boolean.TRUE.equals(claims.getBooleanClaim(JwtClaimNames.APPLICATION_TOKEN)),
                iat.toInstant(), exp.toInstant(), claims.getIssuer(), audience));
    }

    private JWSVerifier verifierFor(VerificationKey key) {
        return verifiers.computeIfAbsent(key.kid(), kid -> {
            try {
                return key.newVerifier();
            } catch (JOSEException e) {
                throw new IllegalArgumentException("unusable verification key", e);
            }
        });
    }
}
