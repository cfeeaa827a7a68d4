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
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import java.time.Clock;
import java.util.Optional;

/**
 * Turns presented credentials into a {@link Caller}, in this order: valid credentials (else 401), source address
 * allowed (else 403), kind of organisation and scope sufficient for the operation (else 403).
 */
public final class Authenticator {
    private final ApiKeyStore apiKeys;
    private final OrganisationDirectory organisations;
    private final JwtAccessTokenVerifier verifier;
    private final TokenStore tokens;
    private final Clock clock;

    public Authenticator(ApiKeyStore apiKeys, OrganisationDirectory organisations, JwtAccessTokenVerifier verifier,
                         TokenStore tokens, Clock clock) {
        this.apiKeys = apiKeys;
        this.organisations = organisations;
        this.verifier = verifier;
        this.tokens = tokens;
        this.clock = clock;
    }

    public Caller authenticate(Credentials credentials, String sourceIp, Permission permission) {
        if (credentials instanceof Credentials.Bearer && !permission.acceptsBearer()) {
            throw GatekeeperException.unauthorized(AuthFailure.API_KEY_REQUIRED, "This operation requires an API key");
        }
        Caller caller = credentials instanceof Credentials.ApiKey key
                ? withApiKey(key, sourceIp)
                : withBearer((Credentials.Bearer) credentials, sourceIp);
        if (!permission.allowsKind(caller.organisation().accessType())) {
            throw GatekeeperException.forbidden(AuthFailure.FORBIDDEN_KIND,
                    "This operation is not available to this kind of organisation")
                    .refusingCredentialOf(caller.organisation().id());
        }
        if (caller.bearerToken().isPresent() && !caller.bearerToken().get().hasAnyScope(permission.bearerScopes())) {
            throw GatekeeperException.forbidden(AuthFailure.MISSING_SCOPE,
                    "The token lacks the scope this operation requires")
                    .refusingCredentialOf(caller.organisation().id());
        }
        return caller;
    }

    private Caller withApiKey(Credentials.ApiKey key, String sourceIp) {
        ApiKeyHash presented = ApiKeyHash.of(key.key());
        ApiKeyRecord stored = apiKeys.findByHash(presented)
                .filter(record -> record.hash().matches(presented))
                .orElseThrow(() -> invalidCredentials(AuthFailure.INVALID_API_KEY));
        // From here on the key is genuine: a refusal is recorded against its organisation.
        if (!stored.active()) {
            throw invalidCredentials(AuthFailure.INVALID_API_KEY).refusingCredentialOf(stored.organisationId());
        }
        Organisation organisation = organisations.find(stored.organisationId())
                .orElseThrow(() -> invalidCredentials(AuthFailure.INVALID_API_KEY)
                        .refusingCredentialOf(stored.organisationId()));
        requireAllowedSource(organisation, sourceIp);
        return new Caller(organisation, Optional.empty(), sourceIp, Optional.of(stored.keyId()),
                Optional.of(new KeyLineage(stored.organisationId(), stored.keyId())), Optional.empty());
    }

    private Caller withBearer(Credentials.Bearer bearer, String sourceIp) {
        AccessTokenClaims claims = verifier.verify(bearer.token());
        // The signature verified: a refusal from here on is recorded against the organisation the token acts for.
        TokenRecord record = tokens.findLive(claims.organisation(), claims.tokenId(), clock.instant())
                .orElseThrow(() -> GatekeeperException.unauthorized(AuthFailure.REVOKED_TOKEN, "Invalid token")
                        .refusingCredentialOf(claims.organisation()));
        if (!record.describes(claims)) {
            throw GatekeeperException.unauthorized(AuthFailure.INVALID_TOKEN, "Invalid token")
                    .refusingCredentialOf(claims.organisation());
        }
        Organisation organisation = organisations.find(record.requestedOrganisation())
                .orElseThrow(() -> invalidCredentials(AuthFailure.INVALID_TOKEN)
                        .refusingCredentialOf(record.requestedOrganisation()));
        if (record.ipFiltering()) {
            // The token is used by whoever requested it, so it is held to the requester's allow-list.
            Organisation requester = record.requestingOrganisation().equals(organisation.id())
                    ? organisation
                    : organisations.find(record.requestingOrganisation())
                            .orElseThrow(() -> invalidCredentials(AuthFailure.INVALID_TOKEN)
                                    .refusingCredentialOf(organisation.id()));
            if (requester.ipFiltering() && !IpAllowList.permits(requester.allowedIps(), sourceIp)) {
                throw ipNotAllowed().refusingCredentialOf(organisation.id());
            }
        }
        return new Caller(organisation, Optional.of(claims), sourceIp, Optional.empty(),
                Optional.ofNullable(record.lineage()), Optional.of(ParentToken.of(record)));
    }

    private static void requireAllowedSource(Organisation organisation, String sourceIp) {
        if (organisation.ipFiltering() && !IpAllowList.permits(organisation.allowedIps(), sourceIp)) {
            throw ipNotAllowed().refusingCredentialOf(organisation.id());
        }
    }

    private static GatekeeperException ipNotAllowed() {
        return GatekeeperException.forbidden(AuthFailure.IP_NOT_ALLOWED, "Requests from this address are not allowed");
    }

    private static GatekeeperException invalidCredentials(AuthFailure reason) {
        return GatekeeperException.unauthorized(reason, "Invalid credentials");
    }
}
