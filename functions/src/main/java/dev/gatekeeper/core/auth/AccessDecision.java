package dev.gatekeeper.core.auth;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What {@link AccessAuthorizer} decided about valid credentials. Invalid credentials are not a decision: 401. */
public sealed interface AccessDecision {

    /** The organisation the credentials act for. */
    OrganisationId organisation();

    /**
     * The request may proceed.
     *
     * @param organisation           the organisation the request acts for (a token's {@code sub})
     * @param requestingOrganisation who obtained the token (a partner, for a merchant's token); for an API key, the
     *                               key's own organisation
     * @param scopes                 a token's scopes; for an API key, every scope its organisation may have
     * @param tokenId                the token's id; empty for an API key
     * @param apiKeyId               the API key's public id; empty for a token
     */
    record Allow(OrganisationId organisation, OrganisationId requestingOrganisation, AccessType accessType,
                 List<String> scopes, Optional<TokenId> tokenId, Optional<String> apiKeyId) implements AccessDecision {
        public Allow {
            Objects.requireNonNull(organisation, "organisation");
            Objects.requireNonNull(requestingOrganisation, "requestingOrganisation");
            Objects.requireNonNull(accessType, "accessType");
            scopes = List.copyOf(scopes);
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(apiKeyId, "apiKeyId");
        }

        /** As {@link Caller#credentialId()}: which credential, by its public id, for logs. */
        public String credentialId() {
            return Caller.credentialId(tokenId, apiKeyId);
        }

        public boolean usedApiKey() {
            return tokenId.isEmpty();
        }
    }

    /** Valid credentials from a source address their allow-list does not contain: 403. */
    record Deny(OrganisationId organisation) implements AccessDecision {
        public Deny {
            Objects.requireNonNull(organisation, "organisation");
        }
    }
}
