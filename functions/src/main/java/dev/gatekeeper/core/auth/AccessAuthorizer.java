package dev.gatekeeper.core.auth;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.apikey.ApiKeyStore;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.IpAllowList;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationDirectory;
import dev.gatekeeper.core.token.AccessTokenClaims;
import dev.gatekeeper.core.token.JwtAccessTokenVerifier;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a request to some other API may proceed, for a gateway authorizer in front of it: the same
 * checks as {@link Authenticator}, with no operation of ours to authorise, and with the read cost of a check that
 * runs on every request of another API.
 *
 * <p>Cost per decision, on a warm container:
 * <ul>
 *   <li>a token whose algorithm, claims (issuer, audience, expiry, issue time) or signature fail: no network call
 *       (an unknown {@code kid} may reload the signing keys from Secrets Manager, at most once per 10 s);</li>
 *   <li>a valid token: one consistent DynamoDB {@code BatchGetItem} (token record and revocation generation), so a
 *       token revoked one by one or by a revoke-all is refused on the very next request, in every container;</li>
 *   <li>plus, only for a token carrying {@code ip_filtering}, the requester's allow-list from the organisation
 *       cache ({@code organisations} is meant to be a {@link dev.gatekeeper.core.organisation.CachingOrganisationDirectory}:
 *       a read at most once per profile per cache lifetime);</li>
 *   <li>an API key: one {@code GetItem} for the key (never cached, so a deactivated key stops at once) and its
 *       organisation from the cache.</li>
 * </ul>
 */
public final class AccessAuthorizer {
    private final ApiKeyStore apiKeys;
    private final OrganisationDirectory organisations;
    private final JwtAccessTokenVerifier verifier;
    private final TokenStore tokens;
    private final Clock clock;

    public AccessAuthorizer(ApiKeyStore apiKeys, OrganisationDirectory organisations, JwtAccessTokenVerifier verifier,
                            TokenStore tokens, Clock clock) {
        this.apiKeys = apiKeys;
        this.organisations = organisations;
        this.verifier = verifier;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * @throws GatekeeperException {@code UNAUTHORIZED} for credentials that are not valid now; {@code SERVICE_UNAVAILABLE}
     *                             when the table or the keys cannot be reached (the caller must fail closed)
     */
    public AccessDecision decide(Credentials credentials, String sourceIp) {
        return credentials instanceof Credentials.ApiKey key
                ? withApiKey(key, sourceIp)
                : withBearer((Credentials.Bearer) credentials, sourceIp);
    }

    private AccessDecision withBearer(Credentials.Bearer bearer, String sourceIp) {
        AccessTokenClaims claims = verifier.verify(bearer.token());
        // The signature verified: a refusal from here on is attributed to the organisation the token acts for.
        TokenRecord record = tokens.findLive(claims.organisation(), claims.tokenId(), clock.instant())
                .orElseThrow(() -> invalid(AuthFailure.REVOKED_TOKEN).refusingCredentialOf(claims.organisation()));
        if (!record.describes(claims)) {
            throw invalid(AuthFailure.INVALID_TOKEN).refusingCredentialOf(claims.organisation());
        }
        if (record.ipFiltering()) {
            // Held to the requester's allow-list, as Authenticator does: the requester is who uses the token.
            Organisation requester = organisations.find(record.requestingOrganisation())
                    .orElseThrow(() -> invalid(AuthFailure.INVALID_TOKEN).refusingCredentialOf(claims.organisation()));
            if (!sourceAllowed(requester, sourceIp)) {
                return new AccessDecision.Deny(record.requestedOrganisation());
            }
        }
        return new AccessDecision.Allow(record.requestedOrganisation(), record.requestingOrganisation(),
                record.accessType(), record.scopes(), Optional.of(record.id()), Optional.empty());
    }

    private AccessDecision withApiKey(Credentials.ApiKey key, String sourceIp) {
        ApiKeyHash presented = ApiKeyHash.of(key.key());
        ApiKeyRecord stored = apiKeys.findByHash(presented)
                .filter(record -> record.hash().matches(presented))
                .orElseThrow(() -> invalid(AuthFailure.INVALID_API_KEY));
        // From here on the key is genuine: a refusal is attributed to its organisation.
        if (!stored.active()) {
            throw invalid(AuthFailure.INVALID_API_KEY).refusingCredentialOf(stored.organisationId());
        }
        Organisation organisation = organisations.find(stored.organisationId())
                .orElseThrow(() -> invalid(AuthFailure.INVALID_API_KEY).refusingCredentialOf(stored.organisationId()));
        if (!sourceAllowed(organisation, sourceIp)) {
            return new AccessDecision.Deny(organisation.id());
        }
        // An API key carries the full rights of its organisation.
        List<String> scopes = organisation.allowedScopes().stream().sorted().toList();
        return new AccessDecision.Allow(organisation.id(), organisation.id(), organisation.accessType(), scopes,
                Optional.empty(), Optional.of(stored.keyId()));
    }

    private static boolean sourceAllowed(Organisation organisation, String sourceIp) {
        return !organisation.ipFiltering() || IpAllowList.permits(organisation.allowedIps(), sourceIp);
    }

    private static GatekeeperException invalid(AuthFailure reason) {
        return GatekeeperException.unauthorized(reason, "Invalid credentials");
    }
}
