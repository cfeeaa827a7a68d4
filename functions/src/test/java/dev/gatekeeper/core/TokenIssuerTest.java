package dev.gatekeeper.core;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestOrganisations.partner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.auth.Caller;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.ErrorDetail;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.keys.SigningKeys;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.token.AccessTokenClaims;
import dev.gatekeeper.core.token.ApiKeyRevokedException;
import dev.gatekeeper.core.token.ApplicationTokenRequest;
import dev.gatekeeper.core.token.DescendantRevocation;
import dev.gatekeeper.core.token.IssuedToken;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.JwtAccessTokenVerifier;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.ParentTokenRevokedException;
import dev.gatekeeper.core.token.RevocationBudget;
import dev.gatekeeper.core.token.StaleGenerationException;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenIssuer;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenRequest;
import dev.gatekeeper.core.token.TokenSettings;
import dev.gatekeeper.core.token.TokenStore;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.TestKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenIssuerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00.123Z");
    private static final TokenSettings SETTINGS = TokenSettings.gatekeeperDefaults("https://issuer.test", List.of("gatekeeper"));
    private static final UUID TOKEN_ID = UUID.fromString("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SigningKeys keys = new SigningKeys(() -> TestKeys.only(TestKeys.FIRST), clock, Duration.ofMinutes(5), Duration.ZERO);
    private final RecordingStore store = new RecordingStore();
    /** Signatures on threads of their own, as in the service. */
    private static final Executor SIGNING = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-signing");
        thread.setDaemon(true);
        return thread;
    });
    private final TokenIssuer issuer = new TokenIssuer(store, new JwtAccessTokenSigner(keys, SETTINGS, new java.security.SecureRandom()), SETTINGS, clock, () -> TOKEN_ID, SIGNING);

    private final Organisation partner = partner("partner001").withIpAllowList("10.0.0.0/8").withMtls().build();
    private final Organisation merchant = merchant("merchant01").below("partner001").build();

    private static Caller apiKeyCaller(Organisation organisation) {
        return new Caller(organisation, Optional.empty(), "10.1.2.3");
    }

    @Test
    void theDefaultLifetimeIsTenSeconds() {
        IssuedToken token = issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), null));
        assertThat(token.record().createdAt()).isEqualTo(NOW);
        assertThat(token.record().expiresAt()).isEqualTo(NOW.plusSeconds(10));
    }

    @Test
    void theTokenIsStoredBeforeItIsReturnedAndTheRecordMatchesTheJwt() {
        IssuedToken token = issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 360));
        assertThat(store.inserted).containsExactly(token.record());
        var claims = new JwtAccessTokenVerifier(keys, SETTINGS, clock).verify(token.accessToken());
        assertThat(claims.tokenId()).isEqualTo(token.record().id());
        assertThat(claims.expiresAt()).isEqualTo(NOW.plusSeconds(360).minusMillis(123)); // JWT times are whole seconds
    }

    @Test
    void aTokenMintedWithABearerTokenEndsNoLaterThanThatToken() {
        // JWT times are whole seconds.
        Instant parentEnd = Instant.parse("2026-11-24T10:01:00Z");
        Caller bearer = bearerCaller(merchant, parentEnd);

        IssuedToken capped = issuer.issue(bearer, merchant, new TokenRequest(List.of("admin"), 31_556_926));
        IssuedToken shorter = issuer.issue(bearer, merchant, new TokenRequest(List.of("admin"), 30));

        assertThat(capped.record().expiresAt()).isEqualTo(parentEnd);
        assertThat(new JwtAccessTokenVerifier(keys, SETTINGS, clock).verify(capped.accessToken()).expiresAt())
                .isEqualTo(parentEnd);
        assertThat(shorter.record().expiresAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(issuer.issueApplication(bearer, merchant, new ApplicationTokenRequest(List.of("open_banking_pis"), "8ow24y2pdx", 3600))
                .record().expiresAt()).isEqualTo(parentEnd);
    }

    @Test
    void aBearerTokenThatExpiredSinceItWasVerifiedMintsNothing() {
        assertThatThrownBy(() -> issuer.issue(bearerCaller(merchant, NOW), merchant, new TokenRequest(List.of("admin"), 60)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        assertThat(store.inserted).isEmpty();
    }

    private static Caller bearerCaller(Organisation organisation, Instant parentExpiresAt) {
        AccessTokenClaims parent = new AccessTokenClaims(TokenId.of(UUID.randomUUID()), organisation.id(), organisation.id(),
                organisation.accessType(), List.of("admin"), false, false, false, NOW.minusSeconds(5), parentExpiresAt,
                SETTINGS.issuer(), SETTINGS.audience());
        return new Caller(organisation, Optional.of(parent), "10.1.2.3");
    }

    @Test
    void aTokenDescendsFromTheApiKeyItsCallersCredentialDescendsFrom() {
        KeyLineage partnersKey = new KeyLineage(partner.id(), "0123456789ab");
        Caller withKey = new Caller(partner, Optional.empty(), "10.1.2.3", Optional.of("0123456789ab"),
                Optional.of(partnersKey), Optional.empty());
        Caller withToken = new Caller(merchant, bearerCaller(merchant, NOW.plusSeconds(60)).bearerToken(), "10.1.2.3",
                Optional.empty(), Optional.of(partnersKey), Optional.empty());

        assertThat(issuer.issue(withKey, merchant, new TokenRequest(List.of("admin"), 60)).record().lineage())
                .isEqualTo(partnersKey);
        assertThat(issuer.issue(withToken, merchant, new TokenRequest(List.of("admin"), 60)).record().lineage())
                .isEqualTo(partnersKey);
        assertThat(issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 60))
                .record().lineage()).isNull();
    }

    @Test
    void aKeyRevokedBeforeTheTokenIsStoredIsRefusedAsTheRevokedCredentialWouldBe() {
        store.keyRevoked = true;
        KeyLineage merchantsKey = new KeyLineage(merchant.id(), "0123456789ab");
        Caller withKey = new Caller(merchant, Optional.empty(), "10.1.2.3", Optional.of("0123456789ab"),
                Optional.of(merchantsKey), Optional.empty());
        Caller withToken = new Caller(merchant, bearerCaller(merchant, NOW.plusSeconds(60)).bearerToken(), "10.1.2.3",
                Optional.empty(), Optional.of(merchantsKey), Optional.empty());

        assertThatThrownBy(() -> issuer.issue(withKey, merchant, new TokenRequest(List.of("admin"), 60)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.description()).isEqualTo("Invalid credentials");
                    assertThat(e.authFailure()).contains(AuthFailure.INVALID_API_KEY);
                    assertThat(e.credentialOwner()).contains(merchant.id());
                });
        assertThatThrownBy(() -> issuer.issue(withToken, merchant, new TokenRequest(List.of("admin"), 60)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.authFailure()).contains(AuthFailure.REVOKED_TOKEN);
                    assertThat(e.credentialOwner()).contains(merchant.id());
                });
        assertThat(store.inserted).isEmpty();
    }

    @Test
    void aTokenMintedWithABearerTokenNamesItsParentAndOneObtainedWithAKeyNamesNone() {
        ParentToken parent = new ParentToken(merchant.id(), TokenId.of(UUID.randomUUID()), 3);
        Caller withToken = new Caller(merchant, bearerCaller(merchant, NOW.plusSeconds(60)).bearerToken(), "10.1.2.3",
                Optional.empty(), Optional.empty(), Optional.of(parent));

        assertThat(issuer.issue(withToken, merchant, new TokenRequest(List.of("admin"), 60)).record().parentToken())
                .isEqualTo(parent);
        assertThat(issuer.issueApplication(withToken, merchant,
                new ApplicationTokenRequest(List.of("open_banking_pis"), "8ow24y2pdx", 60)).record().parentToken())
                .isEqualTo(parent);
        assertThat(issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 60))
                .record().parentToken()).isNull();
    }

    @Test
    void aBearerTokenMintsDownToTheMintDepthAndNoFurtherStoringNothing() {
        Caller atTheLimit = mintingCaller(TokenIssuer.MAX_MINT_DEPTH - 1);
        assertThat(issuer.issue(atTheLimit, merchant, new TokenRequest(List.of("admin"), 60)).record().mintDepth())
                .isEqualTo(TokenIssuer.MAX_MINT_DEPTH);
        store.inserted.clear();
        Caller beyond = mintingCaller(TokenIssuer.MAX_MINT_DEPTH);

        List<Runnable> requests = List.of(
                () -> issuer.issue(beyond, merchant, new TokenRequest(List.of("admin"), 60)),
                () -> issuer.issueApplication(beyond, merchant,
                        new ApplicationTokenRequest(List.of("open_banking_pis"), "8ow24y2pdx", 60)));

        for (Runnable request : requests) {
            assertThatThrownBy(request::run).isInstanceOfSatisfying(GatekeeperException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(e.authFailure()).contains(AuthFailure.MINT_DEPTH_EXCEEDED);
                assertThat(e.credentialOwner()).contains(merchant.id());
            });
        }
        assertThat(store.inserted).isEmpty();
    }

    /** A merchant presenting a token that was itself minted {@code depth} tokens below its API key. */
    private Caller mintingCaller(int depth) {
        return new Caller(merchant, bearerCaller(merchant, NOW.plusSeconds(60)).bearerToken(), "10.1.2.3",
                Optional.empty(), Optional.empty(),
                Optional.of(new ParentToken(merchant.id(), TokenId.of(UUID.randomUUID()), 0, depth)));
    }

    @Test
    void aParentRevokedBeforeTheTokenIsStoredIsRefusedAsTheRevokedTokenWouldBe() {
        store.parentRevoked = true;
        Caller withToken = new Caller(merchant, bearerCaller(merchant, NOW.plusSeconds(60)).bearerToken(), "10.1.2.3",
                Optional.empty(), Optional.empty(),
                Optional.of(new ParentToken(merchant.id(), TokenId.of(UUID.randomUUID()), 0)));

        assertThatThrownBy(() -> issuer.issue(withToken, merchant, new TokenRequest(List.of("admin"), 60)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.description()).isEqualTo("Invalid token");
                    assertThat(e.authFailure()).contains(AuthFailure.REVOKED_TOKEN);
                    assertThat(e.credentialOwner()).contains(merchant.id());
                });
        assertThat(store.inserted).isEmpty();
    }

    @Test
    void aPartnerTokenCarriesBothOrganisationsAndTheRequestersFilters() {
        TokenRecord record = issuer.issue(apiKeyCaller(partner), merchant, new TokenRequest(List.of("openbanking_pisp"), 60)).record();
        assertThat(record.requestedOrganisation().value()).isEqualTo("merchant01");
        assertThat(record.requestingOrganisation().value()).isEqualTo("partner001");
        assertThat(record.accessType().name()).isEqualTo("CR");
        assertThat(record.requestingAccessType().name()).isEqualTo("BN");
        assertThat(record.parentId().value()).isEqualTo("partner001");
        assertThat(record.ipFiltering()).isTrue();
        assertThat(record.mtlsFilter()).isTrue();
        assertThat(record.keyId()).isEqualTo(TestKeys.FIRST.kid());
    }

    @Test
    void expiresInOutsideTenToOneYearIsRefusedNamingTheField() {
        for (int bad : new int[] {9, 0, -1, TokenSettings.GATEKEEPER_MAX_EXPIRES_IN + 1}) {
            assertValidationFailure(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), bad)), "expiresIn");
        }
        assertThat(issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 10)).record().expiresAt())
                .isEqualTo(NOW.plusSeconds(10));
        assertThat(issuer.issue(apiKeyCaller(merchant), merchant,
                new TokenRequest(List.of("admin"), TokenSettings.GATEKEEPER_MAX_EXPIRES_IN)).record().expiresAt())
                .isEqualTo(NOW.plusSeconds(TokenSettings.GATEKEEPER_MAX_EXPIRES_IN));
    }

    @Test
    void missingEmptyOrForbiddenScopesAreRefusedNamingTheField() {
        assertValidationFailure(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(null, null)), "scopes");
        assertValidationFailure(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of(), null)), "scopes");
        assertValidationFailure(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("bankadmin"), null)), "scopes[0]");
        assertValidationFailure(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin", "x y"), null)), "scopes[1]");
        assertValidationFailure(() -> issuer.issue(apiKeyCaller(merchant), merchant,
                new TokenRequest(Collections.nCopies(10_000, "admin"), null)), "scopes");
        assertThat(store.inserted).isEmpty();
    }

    @Test
    void duplicateScopesAreIssuedOnce() {
        assertThat(issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin", "admin"), null)).record().scopes())
                .containsExactly("admin");
    }

    @Test
    void applicationTokensAreNeverIpFilteredAndCarryTheirResource() {
        Organisation filteredMerchant = merchant("merchant02").withIpAllowList("10.0.0.0/8").build();
        TokenRecord record = issuer.issueApplication(apiKeyCaller(filteredMerchant), filteredMerchant,
                new ApplicationTokenRequest(List.of("open_banking_pis"), "8ow24y2pdx", null)).record();
        assertThat(record.ipFiltering()).isFalse();
        assertThat(record.applicationToken()).isTrue();
        assertThat(record.resourceId()).isEqualTo("8ow24y2pdx");
        assertThat(record.scopes()).containsExactly("open_banking_pis");
    }

    @Test
    void applicationTokensNeedAllowedProductsAndAPlainResourceId() {
        Caller caller = apiKeyCaller(merchant);
        assertValidationFailure(() -> issuer.issueApplication(caller, merchant, new ApplicationTokenRequest(List.of("accounts"), "r1", null)), "products[0]");
        assertValidationFailure(() -> issuer.issueApplication(caller, merchant, new ApplicationTokenRequest(List.of("open_banking_pis"), "../etc", null)), "resourceId");
        assertValidationFailure(() -> issuer.issueApplication(caller, merchant, new ApplicationTokenRequest(List.of("open_banking_pis"), null, null)), "resourceId");
    }

    @Test
    void anInsertThatLosesARaceWithRevokeAllIsIssuedAgainInTheNewGeneration() {
        store.staleInsertsToFail.set(1);
        store.generation = 7;
        TokenRecord record = issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), null)).record();
        assertThat(record.generation()).isEqualTo(8);
        assertThat(store.inserted).containsExactly(record);
    }

    @Test
    void aTokenThatKeepsLosingToRevokeAllIsNeverHandedOut() {
        store.staleInsertsToFail.set(Integer.MAX_VALUE);
        assertThatThrownBy(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), null)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(store.inserted).isEmpty();
    }

    @Test
    void theSignatureIsComputedWhileTheRecordIsStored() {
        // The signing executor holds the signature back; the store finds it still pending while it stores the
        // record, and only then lets it run. A signature computed before the insert (sequential issuance) fails.
        List<Runnable> pendingSignatures = new ArrayList<>();
        List<Integer> pendingDuringInsert = new ArrayList<>();
        store.onInsert = () -> {
            pendingDuringInsert.add(pendingSignatures.size());
            pendingSignatures.forEach(Runnable::run);
        };
        TokenIssuer heldBack = new TokenIssuer(store, new JwtAccessTokenSigner(keys, SETTINGS, new java.security.SecureRandom()),
                SETTINGS, clock, () -> TOKEN_ID, pendingSignatures::add);

        IssuedToken token = heldBack.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 60));

        assertThat(pendingDuringInsert).containsExactly(1);
        assertThat(store.inserted).containsExactly(token.record());
        assertThat(new JwtAccessTokenVerifier(keys, SETTINGS, clock).verify(token.accessToken()).tokenId())
                .isEqualTo(token.record().id());
    }

    @Test
    void aSignatureThatFailsAfterTheRecordIsStoredRevokesTheRecordAndHandsOutNothing() {
        // ES256 draws a random nonce per signature; a random source that fails makes the signature fail on the
        // signing thread, after the record was stored.
        SigningKeys ecKeys = new SigningKeys(() -> TestKeys.only(TestKeys.EC_FIRST), clock, Duration.ofMinutes(5), Duration.ZERO);
        java.security.SecureRandom broken = new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                throw new IllegalStateException("entropy source failed");
            }
        };
        TokenIssuer failing = new TokenIssuer(store, new JwtAccessTokenSigner(ecKeys, SETTINGS, broken), SETTINGS, clock,
                () -> TOKEN_ID, SIGNING);

        assertThatThrownBy(() -> failing.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 60)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(store.inserted).hasSize(1);
        assertThat(store.revoked).containsExactly(store.inserted.get(0).id());
    }

    @Test
    void aRecordThatCannotBeStoredHandsOutNoTokenAndRevokesNothing() {
        store.onInsert = () -> {
            throw GatekeeperException.unavailable("Token store unavailable", null);
        };
        assertThatThrownBy(() -> issuer.issue(apiKeyCaller(merchant), merchant, new TokenRequest(List.of("admin"), 60)))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        assertThat(store.inserted).isEmpty();
        assertThat(store.revoked).isEmpty();
    }

    private static void assertValidationFailure(Runnable action, String field) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(GatekeeperException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
            assertThat(e.details()).extracting(ErrorDetail::field).contains(field);
        });
    }

    /** A fake of our own port (not of an AWS API) that can lose the generation race on demand. */
    private static final class RecordingStore implements TokenStore {
        final List<TokenRecord> inserted = new ArrayList<>();
        final List<TokenId> revoked = new ArrayList<>();
        final AtomicInteger staleInsertsToFail = new AtomicInteger();
        long generation;
        /** Runs inside every insert that is not a lost race, before the record counts as stored. */
        Runnable onInsert = () -> { };
        boolean keyRevoked;
        boolean parentRevoked;

        @Override
        public long currentGeneration(OrganisationId organisation) {
            return generation;
        }

        @Override
        public void insert(TokenRecord token, AuditContext audit) {
            if (staleInsertsToFail.getAndDecrement() > 0) {
                generation++; // a revoke-all ended the generation the issuer read
                throw new StaleGenerationException("generation moved");
            }
            if (keyRevoked) {
                throw new ApiKeyRevokedException("key deactivated");
            }
            if (parentRevoked) {
                throw new ParentTokenRevokedException("parent revoked");
            }
            onInsert.run();
            inserted.add(token);
        }

        @Override
        public Optional<TokenRecord> findForOrganisation(OrganisationId organisation, TokenId id) {
            return Optional.empty();
        }

        @Override
        public Optional<TokenRecord> revoke(OrganisationId organisation, TokenId id, Instant at, AuditContext audit) {
            revoked.add(id);
            return inserted.stream().filter(token -> token.id().equals(id)).findFirst().map(token -> token.revokedAt(at));
        }

        @Override
        public long revokeAll(OrganisationId organisation, Instant at, AuditContext audit) {
            return 0;
        }

        @Override
        public long revokeByApiKey(OrganisationId organisation, String keyId, Instant at, AuditContext audit) {
            return 0;
        }

        @Override
        public DescendantRevocation revokeMintedWith(TokenRecord parent, Instant at, AuditContext audit,
                                                     RevocationBudget budget) {
            return new DescendantRevocation(0, true);
        }

        @Override
        public List<TokenRecord> listForOrganisation(OrganisationId organisation, int limit) {
            return List.of();
        }
    }
}
