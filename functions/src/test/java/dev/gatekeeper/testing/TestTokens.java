package dev.gatekeeper.testing;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Token records for the storage tests: the DynamoDB store's own and the port contract every store passes. */
public final class TestTokens {
    public static final Instant ISSUED = Instant.parse("2026-03-01T10:00:00Z");
    public static final Instant EXPIRES = ISSUED.plusSeconds(3600);
    public static final OrganisationId MERCHANT = new OrganisationId("merchant01");

    private TestTokens() {
    }

    /**
     * merchant01's own active access token with a new id, issued at {@link #ISSUED} for an hour, in generation 0,
     * with scope admin and no lineage or parent, unless the builder is told otherwise.
     */
    public static Builder token() {
        return new Builder();
    }

    /** The same record, saying whether a token was ever minted with it. */
    public static TokenRecord withMinted(TokenRecord token, boolean minted) {
        return new TokenRecord(token.id(), token.requestedOrganisation(), token.requestingOrganisation(),
                token.accessType(), token.requestingAccessType(), token.parentId(), token.scopes(),
                token.ipFiltering(), token.mtlsFilter(), token.createdAt(), token.expiresAt(), token.generation(),
                token.revokedAt(), token.applicationToken(), token.resourceId(), token.keyId(), token.lineage(),
                token.parentToken(), minted);
    }

    /** Builds token records field by field, from {@link #token()}'s defaults. */
    public static final class Builder {
        private TokenId id = TokenId.of(UUID.randomUUID());
        private OrganisationId requested = MERCHANT;
        private OrganisationId requesting = MERCHANT;
        private AccessType requestingType = AccessType.CR;
        private OrganisationId parent;
        private List<String> scopes = List.of("admin");
        private boolean ipFiltering;
        private boolean mtls;
        private Instant createdAt = ISSUED;
        private Instant expiresAt = EXPIRES;
        private long generation;
        private boolean application;
        private String resourceId;
        private String keyId = "key-2026-01";
        private KeyLineage lineage;
        private ParentToken parentToken;

        public Builder id(TokenId id) {
            this.id = id;
            return this;
        }

        public Builder requestedFor(OrganisationId organisation) {
            this.requested = organisation;
            this.requesting = organisation;
            return this;
        }

        public Builder requestedBy(OrganisationId organisation, AccessType type) {
            this.requesting = organisation;
            this.requestingType = type;
            return this;
        }

        public Builder below(OrganisationId parent) {
            this.parent = parent;
            return this;
        }

        public Builder scopes(String... scopes) {
            this.scopes = List.of(scopes);
            return this;
        }

        public Builder ipFiltering() {
            this.ipFiltering = true;
            return this;
        }

        public Builder mtls() {
            this.mtls = true;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        public Builder generation(long generation) {
            this.generation = generation;
            return this;
        }

        public Builder application(String resourceId) {
            this.application = true;
            this.resourceId = resourceId;
            return this;
        }

        public Builder keyId(String keyId) {
            this.keyId = keyId;
            return this;
        }

        public Builder lineage(KeyLineage lineage) {
            this.lineage = lineage;
            return this;
        }

        /** Minted with {@code parent} as the bearer credential: requested by the organisation it acts for. */
        public Builder mintedWith(TokenRecord parent) {
            this.parentToken = ParentToken.of(parent);
            this.requesting = parent.requestedOrganisation();
            this.requestingType = parent.accessType();
            this.expiresAt = parent.expiresAt();
            return this;
        }

        public Builder parentToken(ParentToken parentToken) {
            this.parentToken = parentToken;
            return this;
        }

        public TokenRecord build() {
            return new TokenRecord(id, requested, requesting, AccessType.CR, requestingType, parent, scopes,
                    ipFiltering, mtls, createdAt, expiresAt, generation, null, application, resourceId, keyId, lineage,
                    parentToken);
        }
    }
}
