package dev.gatekeeper.testing;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestOrganisations.partner;
import static dev.gatekeeper.testing.TestTokens.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.core.organisation.ProfileChange;
import dev.gatekeeper.core.token.ApiKeyRevokedException;
import dev.gatekeeper.core.token.DescendantRevocation;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.ParentTokenRevokedException;
import dev.gatekeeper.core.token.RevocationBudget;
import dev.gatekeeper.core.token.StaleGenerationException;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of the storage ports must do, told through the ports alone: a subclass supplies fresh,
 * empty storage and inherits every test. The DynamoDB adapters are the reference; where the ports' javadoc leaves a
 * choice open, these tests pin what those adapters chose, so the local runner's storage answers as AWS would.
 */
public abstract class StorageContract {
    private static final Instant ISSUED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant EXPIRES = ISSUED.plusSeconds(3600);
    private static final Instant FIRST_REVOCATION = ISSUED.plusSeconds(60);
    private static final Instant SECOND_REVOCATION = ISSUED.plusSeconds(120);
    private static final Instant REVOKE_ALL = ISSUED.plusSeconds(600);
    /** Later than anything a test does: the end of every audit trail read. */
    private static final Instant END_OF_TRAIL = ISSUED.plus(Duration.ofDays(30));
    /** Long enough that no record a test reads could be due for removal, whatever clock a store might consult. */
    private static final Duration RETENTION = Duration.ofDays(3650);

    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final OrganisationId OTHER_MERCHANT = new OrganisationId("merchant02");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");
    private static final OrganisationId OTHER_PARTNER = new OrganisationId("partner002");

    /** A partner's request, so every audit field has a value a test can check. */
    private static final AuditContext AUDIT = new AuditContext(PARTNER, "10.1.2.3", "request-1");

    /** The four ports over one storage: a key added through one is what the token store checks lineage against. */
    public record Ports(TokenStore tokens, ApiKeyRegistry apiKeys, OrganisationRegistry organisations,
                        AuditLog auditLog) {
    }

    /**
     * A fresh, empty storage for one test.
     *
     * @param tokenRetention how long a token record is kept after it expires
     * @param auditIds       where the ids of the audit records every change writes come from
     */
    protected abstract Ports newStorage(Duration tokenRetention, Supplier<UUID> auditIds);

    private final Set<UUID> suppliedAuditIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong auditIdSequence = new AtomicLong();
    private TokenStore tokens;
    private ApiKeyRegistry apiKeys;
    private OrganisationRegistry organisations;
    private AuditLog auditLog;

    @BeforeEach
    void openStorage() {
        Ports ports = newStorage(RETENTION, this::nextAuditId);
        tokens = ports.tokens();
        apiKeys = ports.apiKeys();
        organisations = ports.organisations();
        auditLog = ports.auditLog();
    }

    @Test
    void insertThenFindReturnsTheRecordWithEveryFieldToTheMerchantAndToThePartnerThatRequestedIt() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        TokenRecord parent = token().requestedFor(PARTNER).lineage(partnersKey).build();
        tokens.insert(parent);
        TokenRecord token = token().mintedWith(parent).requestedBy(PARTNER, AccessType.BN).below(PARTNER)
                .scopes("openbanking_pisp", "admin", "openbanking_aisp").ipFiltering().createdAt(ISSUED.plusSeconds(5))
                .application("resource-42").keyId("key-2026-01").lineage(partnersKey).build();

        tokens.insert(token);

        assertThat(tokens.findForOrganisation(MERCHANT, token.id())).contains(token);
        assertThat(tokens.findForOrganisation(PARTNER, token.id())).contains(token);
    }

    @Test
    void insertThenFindReturnsARecordWithoutAnyOptionalField() {
        tokens.revokeAll(MERCHANT, REVOKE_ALL);
        TokenRecord token = token().scopes().mtls().keyId(null).generation(1).build();

        tokens.insert(token);

        assertThat(tokens.findForOrganisation(MERCHANT, token.id())).contains(token);
    }

    @Test
    void anUnknownIdOrAnUnrelatedOrganisationFindsAndRevokesNothing() {
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).build();
        tokens.insert(token);

        assertThat(tokens.findForOrganisation(OTHER_PARTNER, token.id())).isEmpty();
        assertThat(tokens.findLive(OTHER_PARTNER, token.id(), ISSUED)).isEmpty();
        assertThat(tokens.revoke(OTHER_PARTNER, token.id(), FIRST_REVOCATION)).isEmpty();
        assertThat(tokens.revoke(OTHER_MERCHANT, token.id(), FIRST_REVOCATION)).isEmpty();
        assertThat(tokens.findForOrganisation(MERCHANT, newTokenId())).isEmpty();
        assertThat(tokens.revoke(MERCHANT, newTokenId(), FIRST_REVOCATION)).isEmpty();
        assertThat(tokens.findForOrganisation(MERCHANT, token.id())).contains(token);
    }

    @Test
    void insertOfAnIdAlreadyStoredFailsAndChangesNothing() {
        TokenRecord first = token().scopes("admin").build();
        TokenRecord sameId = token().id(first.id()).scopes("openbanking_pisp").createdAt(ISSUED.plusSeconds(1)).build();
        tokens.insert(first);

        assertThatThrownBy(() -> tokens.insert(sameId)).isInstanceOf(IllegalStateException.class);

        assertThat(tokens.findForOrganisation(MERCHANT, first.id())).contains(first);
        assertThat(trail(MERCHANT)).extracting(AuditEvent::action).containsExactly(AuditAction.TOKEN_ISSUED);
    }

    @Test
    void insertOfARecordThatIsRevokedAlreadyIsRefused() {
        TokenRecord revoked = token().build().revokedAt(ISSUED);

        assertThatThrownBy(() -> tokens.insert(revoked)).isInstanceOf(IllegalArgumentException.class);

        assertThat(tokens.findForOrganisation(MERCHANT, revoked.id())).isEmpty();
        assertThat(trail(MERCHANT)).isEmpty();
    }

    @Test
    void currentGenerationIsZeroUntilARevokeAllEndsIt() {
        assertThat(tokens.currentGeneration(MERCHANT)).isZero();

        tokens.revokeAll(MERCHANT, REVOKE_ALL);
        assertThat(tokens.currentGeneration(MERCHANT)).isEqualTo(1);
        tokens.revokeAll(MERCHANT, REVOKE_ALL.plusSeconds(1));

        assertThat(tokens.currentGeneration(MERCHANT)).isEqualTo(2);
        assertThat(tokens.currentGeneration(OTHER_MERCHANT)).isZero();
    }

    @Test
    void insertInAnyGenerationButTheCurrentOneFailsAsStaleAndStoresNothing() {
        tokens.revokeAll(MERCHANT, REVOKE_ALL);
        TokenRecord ended = token().generation(0).build();
        TokenRecord notYetReached = token().generation(2).build();

        assertThatThrownBy(() -> tokens.insert(ended)).isInstanceOf(StaleGenerationException.class);
        assertThatThrownBy(() -> tokens.insert(notYetReached)).isInstanceOf(StaleGenerationException.class);

        assertThat(tokens.findForOrganisation(MERCHANT, ended.id())).isEmpty();
        assertThat(tokens.findForOrganisation(MERCHANT, notYetReached.id())).isEmpty();
        assertThat(tokens.currentGeneration(MERCHANT)).isEqualTo(1);
    }

    @Test
    void everyTokenOfAnEndedGenerationReadsAsRevokedAtTheRevokeAllAndIsNotLive() {
        TokenRecord own = token().build();
        TokenRecord requestedByPartner = token().requestedBy(PARTNER, AccessType.BN).build();
        // Expired before the revoke-all, yet its generation ended all the same.
        TokenRecord expired = token().expiresAt(FIRST_REVOCATION).build();
        List.of(own, requestedByPartner, expired).forEach(tokens::insert);

        tokens.revokeAll(MERCHANT, REVOKE_ALL);

        for (TokenRecord token : List.of(own, requestedByPartner, expired)) {
            assertThat(tokens.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(REVOKE_ALL));
            assertThat(tokens.findLive(MERCHANT, token.id(), REVOKE_ALL.plusSeconds(1))).isEmpty();
        }
        assertThat(tokens.findForOrganisation(PARTNER, requestedByPartner.id()))
                .contains(requestedByPartner.revokedAt(REVOKE_ALL));
        assertThat(tokens.findLive(PARTNER, requestedByPartner.id(), REVOKE_ALL.plusSeconds(1))).isEmpty();
    }

    @Test
    void revokeReturnsTheRecordRevokedAtItsTimeAndRevokingAgainReturnsTheFirstTime() {
        TokenRecord token = token().build();
        tokens.insert(token);

        Optional<TokenRecord> first = tokens.revoke(MERCHANT, token.id(), FIRST_REVOCATION);
        Optional<TokenRecord> second = tokens.revoke(MERCHANT, token.id(), SECOND_REVOCATION);

        assertThat(first).contains(token.revokedAt(FIRST_REVOCATION));
        assertThat(second).contains(token.revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(FIRST_REVOCATION));
    }

    @Test
    void thePartnerThatRequestedATokenForAMerchantRevokesIt() {
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).build();
        tokens.insert(token);

        Optional<TokenRecord> revoked = tokens.revoke(PARTNER, token.id(), FIRST_REVOCATION);

        assertThat(revoked).contains(token.revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(FIRST_REVOCATION));
        assertThat(tokens.revoke(MERCHANT, token.id(), SECOND_REVOCATION)).contains(token.revokedAt(FIRST_REVOCATION));
    }

    @Test
    void revokeOfATokenEndedByARevokeAllReturnsTheRevokeAllTime() {
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).build();
        tokens.insert(token);
        tokens.revokeAll(MERCHANT, REVOKE_ALL);

        assertThat(tokens.revoke(PARTNER, token.id(), REVOKE_ALL.plusSeconds(60)))
                .contains(token.revokedAt(REVOKE_ALL));
        assertThat(tokens.revoke(MERCHANT, token.id(), REVOKE_ALL.plusSeconds(120)))
                .contains(token.revokedAt(REVOKE_ALL));
    }

    /** Records are kept for a while after expiry precisely so that they can still be looked up and revoked. */
    @Test
    void anExpiredTokenIsStillFoundAndRevoked() {
        TokenRecord expired = token().expiresAt(FIRST_REVOCATION).build();
        tokens.insert(expired);

        assertThat(tokens.findForOrganisation(MERCHANT, expired.id())).contains(expired);
        assertThat(tokens.revoke(MERCHANT, expired.id(), SECOND_REVOCATION))
                .contains(expired.revokedAt(SECOND_REVOCATION));
        assertThat(trail(MERCHANT)).extracting(AuditEvent::action)
                .containsExactly(AuditAction.TOKEN_ISSUED, AuditAction.TOKEN_REVOKED);
    }

    @Test
    void revokeAllCountsOnlyTheTokensActiveAtItsTimeAndASecondOneCountsNothing() {
        List<TokenRecord> active = List.of(
                token().build(),
                token().requestedBy(PARTNER, AccessType.BN).build(),
                token().expiresAt(REVOKE_ALL.plusSeconds(1)).build());
        TokenRecord expiringAtRevokeAll = token().expiresAt(REVOKE_ALL).build();
        TokenRecord expiredBefore = token().expiresAt(FIRST_REVOCATION).build();
        TokenRecord revokedBefore = token().build();
        active.forEach(tokens::insert);
        List.of(expiringAtRevokeAll, expiredBefore, revokedBefore).forEach(tokens::insert);
        tokens.revoke(MERCHANT, revokedBefore.id(), FIRST_REVOCATION);

        long count = tokens.revokeAll(MERCHANT, REVOKE_ALL);
        long again = tokens.revokeAll(MERCHANT, REVOKE_ALL.plusSeconds(60));

        assertThat(count).isEqualTo(active.size());
        assertThat(again).isZero();
        assertThat(tokens.findForOrganisation(MERCHANT, revokedBefore.id()))
                .contains(revokedBefore.revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(MERCHANT, active.get(0).id()))
                .contains(active.get(0).revokedAt(REVOKE_ALL));
    }

    /** A revoke-all ends the tokens held for the organisation, not those it requested for others. */
    @Test
    void revokeAllLeavesEveryOtherOrganisationsTokensLive() {
        TokenRecord otherMerchants = token().requestedFor(OTHER_MERCHANT).build();
        TokenRecord partners = token().requestedFor(PARTNER).build();
        TokenRecord requestedByPartner = token().requestedBy(PARTNER, AccessType.BN).build();
        List.of(otherMerchants, partners, requestedByPartner).forEach(tokens::insert);

        long count = tokens.revokeAll(PARTNER, REVOKE_ALL);

        assertThat(count).isEqualTo(1);
        assertThat(tokens.findForOrganisation(PARTNER, partners.id())).contains(partners.revokedAt(REVOKE_ALL));
        assertThat(tokens.findLive(PARTNER, requestedByPartner.id(), REVOKE_ALL)).contains(requestedByPartner);
        assertThat(tokens.findLive(OTHER_MERCHANT, otherMerchants.id(), REVOKE_ALL)).contains(otherMerchants);
        assertThat(tokens.currentGeneration(MERCHANT)).isZero();
    }

    @Test
    void findLiveReturnsATokenUntilTheInstantItExpires() {
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).build();
        tokens.insert(token);

        assertThat(tokens.findLive(MERCHANT, token.id(), EXPIRES.minusSeconds(1))).contains(token);
        assertThat(tokens.findLive(PARTNER, token.id(), EXPIRES.minusSeconds(1))).contains(token);
        assertThat(tokens.findLive(MERCHANT, token.id(), EXPIRES)).isEmpty();
        assertThat(tokens.findLive(PARTNER, token.id(), EXPIRES.plusSeconds(1))).isEmpty();
    }

    @Test
    void findLiveIsEmptyForARevokedToken() {
        TokenRecord token = token().build();
        tokens.insert(token);

        tokens.revoke(MERCHANT, token.id(), FIRST_REVOCATION);

        assertThat(tokens.findLive(MERCHANT, token.id(), SECOND_REVOCATION)).isEmpty();
    }

    @Test
    void insertOfATokenWhoseKeyWasDeactivatedFailsAndStoresNothing() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        apiKeys.deactivate(PARTNER, partnersKey.keyId(), ISSUED);
        List<TokenRecord> refused = List.of(
                token().requestedFor(PARTNER).lineage(partnersKey).build(),
                token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build(),
                // Minted below the key's owner, with a token of the key's lineage.
                token().lineage(partnersKey).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> tokens.insert(token)).isInstanceOf(ApiKeyRevokedException.class);
            assertThat(tokens.findForOrganisation(token.requestedOrganisation(), token.id())).isEmpty();
        }
        assertThat(trail(MERCHANT)).isEmpty();
        assertThat(trail(PARTNER)).extracting(AuditEvent::action).doesNotContain(AuditAction.TOKEN_ISSUED);
    }

    /** A key is known by its owner and its id together: the same id under another organisation is no key. */
    @Test
    void insertOfATokenWhoseKeyIsNotStoredFails() {
        KeyLineage merchantsKey = activeKey(MERCHANT, "merchant");
        List<TokenRecord> refused = List.of(
                token().lineage(new KeyLineage(MERCHANT, "000000000000")).build(),
                token().lineage(new KeyLineage(PARTNER, merchantsKey.keyId())).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> tokens.insert(token)).isInstanceOf(ApiKeyRevokedException.class);
            assertThat(tokens.findForOrganisation(MERCHANT, token.id())).isEmpty();
        }
    }

    @Test
    void revokeByApiKeyRevokesTheKeysLiveTokensWhereverTheyAreHeldAndNoOthers() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        KeyLineage partnersOtherKey = activeKey(PARTNER, "partner other");
        KeyLineage merchantsKey = activeKey(MERCHANT, "merchant");
        List<TokenRecord> descendants = List.of(
                token().requestedFor(PARTNER).lineage(partnersKey).build(),
                token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build(),
                token().requestedFor(OTHER_MERCHANT).requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build(),
                // Minted by the merchant with a token the partner's key obtained for it.
                token().lineage(partnersKey).build());
        List<TokenRecord> others = List.of(
                token().requestedFor(PARTNER).lineage(partnersOtherKey).build(),
                token().requestedBy(PARTNER, AccessType.BN).lineage(partnersOtherKey).build(),
                token().lineage(merchantsKey).build(),
                token().requestedBy(PARTNER, AccessType.BN).build());
        descendants.forEach(tokens::insert);
        others.forEach(tokens::insert);

        long revoked = tokens.revokeByApiKey(PARTNER, partnersKey.keyId(), FIRST_REVOCATION);

        assertThat(revoked).isEqualTo(descendants.size());
        for (TokenRecord token : descendants) {
            assertThat(tokens.findForOrganisation(token.requestedOrganisation(), token.id()))
                    .contains(token.revokedAt(FIRST_REVOCATION));
        }
        for (TokenRecord token : others) {
            assertThat(tokens.findForOrganisation(token.requestedOrganisation(), token.id())).contains(token);
        }
    }

    @Test
    void revokeByApiKeyLeavesExpiredAndRevokedTokensAsTheyAreAndASecondRunRevokesNothing() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        TokenRecord live = token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build();
        TokenRecord expired = token().requestedBy(PARTNER, AccessType.BN).expiresAt(SECOND_REVOCATION)
                .lineage(partnersKey).build();
        TokenRecord revokedAlone = token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build();
        TokenRecord revokedWithAll = token().requestedFor(OTHER_MERCHANT).requestedBy(PARTNER, AccessType.BN)
                .lineage(partnersKey).build();
        List.of(live, expired, revokedAlone, revokedWithAll).forEach(tokens::insert);
        tokens.revoke(MERCHANT, revokedAlone.id(), FIRST_REVOCATION);
        tokens.revokeAll(OTHER_MERCHANT, FIRST_REVOCATION);

        long first = tokens.revokeByApiKey(PARTNER, partnersKey.keyId(), REVOKE_ALL);
        long second = tokens.revokeByApiKey(PARTNER, partnersKey.keyId(), REVOKE_ALL.plusSeconds(60));

        assertThat(first).isEqualTo(1);
        assertThat(second).isZero();
        assertThat(tokens.findForOrganisation(PARTNER, live.id())).contains(live.revokedAt(REVOKE_ALL));
        assertThat(tokens.findForOrganisation(PARTNER, expired.id())).contains(expired);
        assertThat(tokens.findForOrganisation(PARTNER, revokedAlone.id()))
                .contains(revokedAlone.revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(PARTNER, revokedWithAll.id()))
                .contains(revokedWithAll.revokedAt(FIRST_REVOCATION));
    }

    @Test
    void eachTokenRevokedByItsKeyLeavesOneRecordInThePartitionOfTheOrganisationItActsFor() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        TokenRecord partners = token().requestedFor(PARTNER).lineage(partnersKey).build();
        TokenRecord merchants = token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build();
        tokens.insert(partners);
        tokens.insert(merchants);

        tokens.revokeByApiKey(PARTNER, partnersKey.keyId(), FIRST_REVOCATION, AUDIT);

        String reason = "API key " + partnersKey.keyId() + " of " + PARTNER + " revoked";
        for (TokenRecord token : List.of(partners, merchants)) {
            assertThat(revocations(token.requestedOrganisation()))
                    .extracting(AuditEvent::tokenId, AuditEvent::time, AuditEvent::reason,
                            AuditEvent::actingOrganisation)
                    .containsExactly(tuple(token.id().value(), FIRST_REVOCATION, reason, PARTNER));
        }
    }

    @Test
    void aParentReadsAsHavingMintedOnceATokenIsMintedWithIt() {
        TokenRecord parent = token().requestedFor(PARTNER).build();
        TokenRecord child = token().mintedWith(parent).build();
        tokens.insert(parent);
        assertThat(tokens.findForOrganisation(PARTNER, parent.id()).map(TokenRecord::minted)).contains(false);

        tokens.insert(child);

        assertThat(tokens.findForOrganisation(PARTNER, parent.id())).contains(markedMinted(parent));
        assertThat(tokens.revoke(PARTNER, parent.id(), FIRST_REVOCATION))
                .contains(markedMinted(parent).revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(MERCHANT, child.id())).contains(child);
    }

    @Test
    void insertOfATokenWhoseParentIsRevokedOrUnknownFailsAndStoresNothing() {
        TokenRecord partners = token().requestedFor(PARTNER).build();
        TokenRecord merchants = token().build();
        tokens.insert(partners);
        tokens.insert(merchants);
        tokens.revoke(PARTNER, partners.id(), FIRST_REVOCATION);
        tokens.revoke(MERCHANT, merchants.id(), FIRST_REVOCATION);
        List<TokenRecord> refused = List.of(
                token().mintedWith(partners).build(),
                token().mintedWith(merchants).build(),
                token().parentToken(new ParentToken(MERCHANT, newTokenId(), 0)).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> tokens.insert(token)).isInstanceOf(ParentTokenRevokedException.class);
            assertThat(tokens.findForOrganisation(MERCHANT, token.id())).isEmpty();
        }
        // Not even marked as having minted: a refused insert writes nothing at all.
        assertThat(tokens.findForOrganisation(PARTNER, partners.id())).contains(partners.revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(MERCHANT, merchants.id()))
                .contains(merchants.revokedAt(FIRST_REVOCATION));
    }

    /**
     * The revoke-all race: the parent was live when the request was authenticated and its holder's generation ended
     * before the insert. Whether the child names the old generation or the new one, in the parent's partition or
     * another, it is refused as a revoked parent, never as a stale generation the issuer would retry.
     */
    @Test
    void insertOfATokenWhoseParentsGenerationEndedFailsAsARevokedParent() {
        TokenRecord merchants = token().build();
        TokenRecord partners = token().requestedFor(PARTNER).build();
        tokens.insert(merchants);
        tokens.insert(partners);
        tokens.revokeAll(MERCHANT, REVOKE_ALL);
        tokens.revokeAll(PARTNER, REVOKE_ALL);
        List<TokenRecord> refused = List.of(
                token().mintedWith(merchants).generation(0).build(),
                token().mintedWith(merchants).generation(1).build(),
                token().mintedWith(partners).generation(1).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> tokens.insert(token)).isInstanceOf(ParentTokenRevokedException.class);
            assertThat(tokens.findForOrganisation(MERCHANT, token.id())).isEmpty();
        }
    }

    /** The child's own partition lost a revoke-all while its parent is live: worth a retry in the new generation. */
    @Test
    void anEndedGenerationOfTheChildsOwnPartitionIsStaleWhileItsParentIsLive() {
        TokenRecord partners = token().requestedFor(PARTNER).build();
        tokens.insert(partners);
        tokens.revokeAll(OTHER_MERCHANT, REVOKE_ALL);

        assertThatThrownBy(() -> tokens.insert(token().requestedFor(OTHER_MERCHANT).mintedWith(partners)
                .generation(0).build())).isInstanceOf(StaleGenerationException.class);
        TokenRecord retried = token().requestedFor(OTHER_MERCHANT).mintedWith(partners).generation(1).build();
        tokens.insert(retried);

        assertThat(tokens.findForOrganisation(OTHER_MERCHANT, retried.id())).contains(retried);
    }

    @Test
    void revokeMintedWithRevokesChildrenAndTheirChildrenWhereverTheyAreHeldAndNoOthers() {
        TokenRecord parent = token().requestedFor(PARTNER).build();
        TokenRecord forMerchant = token().mintedWith(parent).build();
        TokenRecord forPartner = token().requestedFor(PARTNER).mintedWith(parent).build();
        TokenRecord grandchild = token().requestedFor(OTHER_MERCHANT).mintedWith(forMerchant).build();
        TokenRecord greatGrandchild = token().requestedFor(MERCHANT).mintedWith(grandchild).build();
        TokenRecord sibling = token().requestedFor(PARTNER).build();
        TokenRecord siblingsChild = token().mintedWith(sibling).build();
        TokenRecord unrelated = token().build();
        List.of(parent, forMerchant, forPartner, grandchild, greatGrandchild, sibling, siblingsChild, unrelated)
                .forEach(tokens::insert);
        TokenRecord revoked = tokens.revoke(PARTNER, parent.id(), FIRST_REVOCATION).orElseThrow();

        DescendantRevocation result = tokens.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, 100);

        assertThat(result).isEqualTo(new DescendantRevocation(4, true));
        for (TokenRecord token : List.of(markedMinted(forMerchant), forPartner, markedMinted(grandchild),
                greatGrandchild)) {
            assertThat(tokens.findForOrganisation(token.requestedOrganisation(), token.id()))
                    .contains(token.revokedAt(FIRST_REVOCATION));
        }
        for (TokenRecord token : List.of(markedMinted(sibling), siblingsChild, unrelated)) {
            assertThat(tokens.findForOrganisation(token.requestedOrganisation(), token.id())).contains(token);
        }
    }

    /** A child revoked before is not revoked again, but what it minted still is; an expired child is left alone. */
    @Test
    void revokeMintedWithLooksBelowChildrenRevokedBeforeAndLeavesExpiredOnes() {
        TokenRecord parent = token().build();
        TokenRecord expired = token().mintedWith(parent).expiresAt(SECOND_REVOCATION).build();
        TokenRecord revokedAlone = token().mintedWith(parent).build();
        TokenRecord revokedWithAll = token().requestedFor(OTHER_MERCHANT).mintedWith(parent).build();
        TokenRecord belowRevokedAlone = token().mintedWith(revokedAlone).build();
        TokenRecord belowRevokedWithAll = token().requestedFor(PARTNER).mintedWith(revokedWithAll).build();
        List.of(parent, expired, revokedAlone, revokedWithAll, belowRevokedAlone, belowRevokedWithAll)
                .forEach(tokens::insert);
        tokens.revoke(MERCHANT, revokedAlone.id(), FIRST_REVOCATION);
        tokens.revokeAll(OTHER_MERCHANT, FIRST_REVOCATION);
        TokenRecord revoked = tokens.revoke(MERCHANT, parent.id(), REVOKE_ALL).orElseThrow();

        DescendantRevocation first = tokens.revokeMintedWith(revoked, REVOKE_ALL, AUDIT, 100);
        DescendantRevocation second = tokens.revokeMintedWith(revoked, REVOKE_ALL.plusSeconds(60), AUDIT, 100);

        assertThat(first).isEqualTo(new DescendantRevocation(2, true));
        assertThat(second).isEqualTo(new DescendantRevocation(0, true));
        assertThat(tokens.findForOrganisation(MERCHANT, expired.id())).contains(expired);
        assertThat(tokens.findForOrganisation(MERCHANT, revokedAlone.id()))
                .contains(markedMinted(revokedAlone).revokedAt(FIRST_REVOCATION));
        assertThat(tokens.findForOrganisation(MERCHANT, belowRevokedAlone.id()))
                .contains(belowRevokedAlone.revokedAt(REVOKE_ALL));
        assertThat(tokens.findForOrganisation(PARTNER, belowRevokedWithAll.id()))
                .contains(belowRevokedWithAll.revokedAt(REVOKE_ALL));
    }

    @Test
    void aRevocationStoppedByItsBudgetSaysSoAndTheNextRunsFinishIt() {
        TokenRecord parent = token().build();
        List<TokenRecord> children = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            children.add(token().requestedFor(i % 2 == 0 ? MERCHANT : OTHER_MERCHANT).mintedWith(parent).build());
        }
        tokens.insert(parent);
        children.forEach(tokens::insert);
        TokenRecord revoked = tokens.revoke(MERCHANT, parent.id(), FIRST_REVOCATION).orElseThrow();

        List<DescendantRevocation> runs = new ArrayList<>();
        do {
            runs.add(tokens.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, RevocationBudget.ofSteps(1)));
        } while (!runs.get(runs.size() - 1).complete() && runs.size() < 20);

        assertThat(runs.get(0).complete()).isFalse();
        assertThat(runs.get(0).revoked()).isLessThan(children.size());
        assertThat(runs.get(runs.size() - 1).complete()).isTrue();
        assertThat(runs.stream().mapToLong(DescendantRevocation::revoked).sum()).isEqualTo(children.size());
        for (TokenRecord child : children) {
            assertThat(tokens.findForOrganisation(child.requestedOrganisation(), child.id()))
                    .contains(child.revokedAt(FIRST_REVOCATION));
        }
    }

    /** The parent's record as its revocation returned it is the authority on whether there are children to look for. */
    @Test
    void revokeMintedWithOfAParentWhoseRecordSaysItMintedNothingRevokesNothing() {
        TokenRecord parent = token().build();
        TokenRecord child = token().mintedWith(parent).build();
        tokens.insert(parent);
        tokens.insert(child);
        TokenRecord revoked = tokens.revoke(MERCHANT, parent.id(), FIRST_REVOCATION).orElseThrow();

        DescendantRevocation result = tokens.revokeMintedWith(notMinted(revoked), FIRST_REVOCATION, AUDIT, 100);

        assertThat(result).isEqualTo(new DescendantRevocation(0, true));
        assertThat(tokens.findLive(MERCHANT, child.id(), FIRST_REVOCATION)).contains(child);
    }

    @Test
    void eachTokenRevokedWithItsParentLeavesOneRecordNamingThatParent() {
        TokenRecord parent = token().build();
        TokenRecord child = token().mintedWith(parent).build();
        TokenRecord grandchild = token().requestedFor(OTHER_MERCHANT).mintedWith(child).build();
        List.of(parent, child, grandchild).forEach(tokens::insert);
        TokenRecord revoked = tokens.revoke(MERCHANT, parent.id(), FIRST_REVOCATION, AUDIT).orElseThrow();

        tokens.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, 100);
        tokens.revokeMintedWith(revoked, SECOND_REVOCATION, AUDIT, 100);

        assertThat(revocations(MERCHANT))
                .extracting(AuditEvent::tokenId, AuditEvent::reason, AuditEvent::actingOrganisation)
                .containsExactlyInAnyOrder(
                        tuple(parent.id().value(), null, PARTNER),
                        tuple(child.id().value(), "parent token " + parent.id() + " revoked", PARTNER));
        assertThat(revocations(OTHER_MERCHANT))
                .extracting(AuditEvent::tokenId, AuditEvent::reason, AuditEvent::actingOrganisation)
                .containsExactly(tuple(grandchild.id().value(), "parent token " + child.id() + " revoked", PARTNER));
    }

    @Test
    void listShowsTheNewestTokensFirstUpToTheLimit() {
        TokenRecord oldest = token().createdAt(ISSUED).build();
        TokenRecord middle = token().createdAt(ISSUED.plusSeconds(1)).build();
        TokenRecord newest = token().createdAt(ISSUED.plusSeconds(2)).build();
        List.of(middle, newest, oldest).forEach(tokens::insert);

        assertThat(tokens.listForOrganisation(MERCHANT, 10)).containsExactly(newest, middle, oldest);
        assertThat(tokens.listForOrganisation(MERCHANT, 2)).containsExactly(newest, middle);
        assertThat(tokens.listForOrganisation(MERCHANT, 0)).isEmpty();
    }

    @Test
    void listShowsRevocationsByRevokeAllAndOnTheirOwn() {
        TokenRecord oldest = token().createdAt(ISSUED).build();
        TokenRecord revokedAlone = token().createdAt(ISSUED.plusSeconds(1)).build();
        tokens.insert(oldest);
        tokens.insert(revokedAlone);
        tokens.revoke(MERCHANT, revokedAlone.id(), FIRST_REVOCATION);
        tokens.revokeAll(MERCHANT, REVOKE_ALL);
        TokenRecord newest = token().createdAt(ISSUED.plusSeconds(700)).generation(1).build();
        tokens.insert(newest);

        assertThat(tokens.listForOrganisation(MERCHANT, 10)).containsExactly(newest,
                revokedAlone.revokedAt(FIRST_REVOCATION), oldest.revokedAt(REVOKE_ALL));
    }

    @Test
    void listShowsOnlyTheTokensHeldForTheOrganisation() {
        TokenRecord partners = token().requestedFor(PARTNER).build();
        TokenRecord requestedByPartner = token().requestedBy(PARTNER, AccessType.BN).build();
        TokenRecord otherMerchants = token().requestedFor(OTHER_MERCHANT).build();
        List.of(partners, requestedByPartner, otherMerchants).forEach(tokens::insert);

        assertThat(tokens.listForOrganisation(PARTNER, 10)).containsExactly(partners);
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).containsExactly(requestedByPartner);
    }

    @Test
    void insertRecordsTheIssueWithWhoAskedAndFromWhereInThePartitionOfTheOrganisationItActsFor() {
        TokenRecord access = token().requestedBy(PARTNER, AccessType.BN).build();
        TokenRecord application = token().requestedBy(PARTNER, AccessType.BN).createdAt(ISSUED.plusSeconds(1))
                .application("resource-42").build();

        tokens.insert(access, AUDIT);
        tokens.insert(application, AUDIT);

        assertThat(trail(MERCHANT)).extracting(AuditEvent::organisation, AuditEvent::action, AuditEvent::tokenId,
                        AuditEvent::time, AuditEvent::actingOrganisation, AuditEvent::sourceIp, AuditEvent::requestId,
                        AuditEvent::outcome, AuditEvent::count, AuditEvent::reason)
                .containsExactly(
                        tuple(MERCHANT.value(), AuditAction.TOKEN_ISSUED, access.id().value(), ISSUED, PARTNER,
                                "10.1.2.3", "request-1", AuditEvent.SUCCEEDED, null, null),
                        tuple(MERCHANT.value(), AuditAction.APPLICATION_TOKEN_ISSUED, application.id().value(),
                                ISSUED.plusSeconds(1), PARTNER, "10.1.2.3", "request-1", AuditEvent.SUCCEEDED, null,
                                null));
        assertThat(trail(PARTNER)).isEmpty();
    }

    @Test
    void onlyTheRevocationThatRevokesIsRecordedAndARevokeAllRecordsItsCount() {
        TokenRecord revoked = token().build();
        TokenRecord ended = token().createdAt(ISSUED.plusSeconds(1)).build();
        tokens.insert(revoked);
        tokens.insert(ended);

        tokens.revoke(MERCHANT, revoked.id(), FIRST_REVOCATION, AUDIT);
        tokens.revoke(MERCHANT, revoked.id(), SECOND_REVOCATION, AUDIT);
        tokens.revokeAll(MERCHANT, REVOKE_ALL, AUDIT);
        tokens.revoke(MERCHANT, ended.id(), REVOKE_ALL.plusSeconds(1), AUDIT);

        assertThat(trail(MERCHANT)).extracting(AuditEvent::action, AuditEvent::tokenId, AuditEvent::time,
                        AuditEvent::count, AuditEvent::reason)
                .containsExactly(
                        tuple(AuditAction.TOKEN_ISSUED, revoked.id().value(), ISSUED, null, null),
                        tuple(AuditAction.TOKEN_ISSUED, ended.id().value(), ISSUED.plusSeconds(1), null, null),
                        tuple(AuditAction.TOKEN_REVOKED, revoked.id().value(), FIRST_REVOCATION, null, null),
                        tuple(AuditAction.TOKENS_REVOKED_ALL, null, REVOKE_ALL, 1L, "generation 0 ended"));
        assertThat(trail(MERCHANT).subList(2, 4)).extracting(AuditEvent::actingOrganisation, AuditEvent::requestId)
                .containsOnly(tuple(PARTNER, "request-1"));
    }

    @Test
    void anInsertThatFailsRecordsNothing() {
        KeyLineage merchantsKey = activeKey(MERCHANT, "merchant");
        apiKeys.deactivate(MERCHANT, merchantsKey.keyId(), ISSUED);
        TokenRecord stored = token().build();
        tokens.insert(stored);
        tokens.revokeAll(OTHER_MERCHANT, REVOKE_ALL);
        List<AuditEvent> before = trail(MERCHANT);
        Map<TokenRecord, Class<? extends RuntimeException>> refused = Map.of(
                token().generation(1).build(), StaleGenerationException.class,
                token().requestedFor(OTHER_MERCHANT).build(), StaleGenerationException.class,
                token().lineage(merchantsKey).build(), ApiKeyRevokedException.class,
                token().parentToken(new ParentToken(MERCHANT, newTokenId(), 0)).build(),
                ParentTokenRevokedException.class,
                token().id(stored.id()).build(), IllegalStateException.class);

        refused.forEach((token, failure) -> assertThatThrownBy(() -> tokens.insert(token)).isInstanceOf(failure));

        assertThat(trail(MERCHANT)).isEqualTo(before);
        assertThat(trail(OTHER_MERCHANT)).extracting(AuditEvent::action)
                .containsExactly(AuditAction.TOKENS_REVOKED_ALL);
    }

    @Test
    void aRecordedEventIsFoundAsItWasRecorded() {
        AuditEvent attributed = AuditEvent.refused(nextAuditId(), Optional.of(MERCHANT), "revoked_token", ISSUED,
                "203.0.113.7", "request-2");
        AuditEvent unattributed = AuditEvent.refused(nextAuditId(), Optional.empty(), "unknown_api_key", ISSUED,
                "203.0.113.8", "request-3");

        auditLog.record(attributed);
        auditLog.record(unattributed);

        assertThat(trail(MERCHANT)).containsExactly(attributed);
        assertThat(auditLog.find(AuditEvent.UNATTRIBUTED, Instant.EPOCH, END_OF_TRAIL, 10))
                .containsExactly(unattributed);
    }

    @Test
    void findReturnsTheOldestRecordsUpToTheLimitWithinTheRangeBothEndsIncluded() {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(refusal(MERCHANT, ISSUED.plusSeconds(i)));
        }
        // Recorded out of order, and beside another organisation's record at the same time.
        List.of(events.get(2), events.get(0), events.get(3), events.get(1)).forEach(auditLog::record);
        auditLog.record(refusal(OTHER_MERCHANT, ISSUED.plusSeconds(1)));

        assertThat(auditLog.find(MERCHANT.value(), ISSUED.plusSeconds(1), ISSUED.plusSeconds(2), 10))
                .containsExactly(events.get(1), events.get(2));
        assertThat(auditLog.find(MERCHANT.value(), Instant.EPOCH, END_OF_TRAIL, 3))
                .containsExactly(events.get(0), events.get(1), events.get(2));
    }

    @Test
    void findOfAnInvertedRangeOrOfNoRecordsIsEmpty() {
        auditLog.record(refusal(MERCHANT, ISSUED));

        assertThat(auditLog.find(MERCHANT.value(), ISSUED.plusSeconds(1), ISSUED.minusSeconds(1), 10)).isEmpty();
        assertThat(auditLog.find(MERCHANT.value(), Instant.EPOCH, END_OF_TRAIL, 0)).isEmpty();
        assertThat(auditLog.find(MERCHANT.value(), Instant.EPOCH, END_OF_TRAIL, 10)).hasSize(1);
    }

    @Test
    void theRecordsOfChangesTakeTheirIdsFromTheSupplierGiven() {
        TokenRecord token = token().build();
        organisations.create(merchant(MERCHANT.value()).build(), ISSUED);
        apiKeys.add(new ApiKeyRecord(ApiKeyHash.of("gk_contract_ids"), MERCHANT, true, ISSUED, "ids"));
        tokens.insert(token);
        tokens.revoke(MERCHANT, token.id(), FIRST_REVOCATION);
        tokens.revokeAll(MERCHANT, REVOKE_ALL);

        List<UUID> ids = trail(MERCHANT).stream().map(AuditEvent::id).toList();

        assertThat(ids).hasSize(5).doesNotHaveDuplicates().allMatch(suppliedAuditIds::contains);
    }

    @Test
    void addThenFindByHashReturnsTheKey() {
        organisations.create(merchant(MERCHANT.value()).build(), ISSUED);
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, ISSUED, "deploy pipeline");

        assertThat(apiKeys.add(key)).isTrue();

        assertThat(apiKeys.findByHash(ApiKeyHash.of("gk_first"))).contains(key);
        assertThat(apiKeys.findByHash(ApiKeyHash.of("gk_other"))).isEmpty();
    }

    @Test
    void addRecordsTheIssueNamingTheKeyByItsIdAndLabel() {
        organisations.create(merchant(MERCHANT.value()).build(), ISSUED);
        ApiKeyRecord labelled = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, ISSUED.plusSeconds(1),
                "deploy pipeline");
        ApiKeyRecord unlabelled = new ApiKeyRecord(ApiKeyHash.of("gk_second"), MERCHANT, true, ISSUED.plusSeconds(2),
                "");

        apiKeys.add(labelled, AUDIT);
        apiKeys.add(unlabelled, AUDIT);

        assertThat(trail(MERCHANT)).filteredOn(record -> record.action() == AuditAction.API_KEY_ISSUED)
                .extracting(AuditEvent::time, AuditEvent::reason, AuditEvent::tokenId, AuditEvent::actingOrganisation,
                        AuditEvent::requestId)
                .containsExactly(
                        tuple(ISSUED.plusSeconds(1), "API key " + labelled.keyId() + " labelled \"deploy pipeline\"",
                                null, PARTNER, "request-1"),
                        tuple(ISSUED.plusSeconds(2), "API key " + unlabelled.keyId(), null, PARTNER, "request-1"));
    }

    @Test
    void addForAnUnknownOrganisationIsFalseAndStoresNothing() {
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, ISSUED, "first");

        assertThat(apiKeys.add(key)).isFalse();

        assertThat(apiKeys.findByHash(key.hash())).isEmpty();
        assertThat(apiKeys.listFor(MERCHANT)).isEmpty();
        assertThat(trail(MERCHANT)).isEmpty();
    }

    @Test
    void addOfAHashAlreadyStoredFailsAndKeepsTheFirstKey() {
        organisations.create(merchant(MERCHANT.value()).build(), ISSUED);
        organisations.create(partner(PARTNER.value()).build(), ISSUED);
        ApiKeyRecord first = new ApiKeyRecord(ApiKeyHash.of("gk_first"), MERCHANT, true, ISSUED, "first");
        apiKeys.add(first);

        assertThatThrownBy(() -> apiKeys.add(new ApiKeyRecord(ApiKeyHash.of("gk_first"), PARTNER, true,
                ISSUED.plusSeconds(1), "again"))).isInstanceOf(IllegalStateException.class);

        assertThat(apiKeys.findByHash(first.hash())).contains(first);
        assertThat(apiKeys.listFor(PARTNER)).isEmpty();
        assertThat(trail(PARTNER)).extracting(AuditEvent::action).containsExactly(AuditAction.ORGANISATION_CREATED);
    }

    @Test
    void deactivateTurnsTheKeyOffForLookupAndListing() {
        ApiKeyRecord key = storedKey(MERCHANT, "gk_first");

        boolean deactivated = apiKeys.deactivate(MERCHANT, key.keyId(), FIRST_REVOCATION);

        ApiKeyRecord inactive = new ApiKeyRecord(key.hash(), MERCHANT, false, key.createdAt(), key.label());
        assertThat(deactivated).isTrue();
        assertThat(apiKeys.findByHash(key.hash())).contains(inactive);
        assertThat(apiKeys.listFor(MERCHANT)).containsExactly(inactive);
    }

    @Test
    void deactivateOfAnUnknownOrForeignKeyIsFalseAndChangesNothing() {
        ApiKeyRecord key = storedKey(MERCHANT, "gk_first");
        organisations.create(partner(PARTNER.value()).build(), ISSUED);

        assertThat(apiKeys.deactivate(MERCHANT, "000000000000", FIRST_REVOCATION)).isFalse();
        assertThat(apiKeys.deactivate(PARTNER, key.keyId(), FIRST_REVOCATION)).isFalse();

        assertThat(apiKeys.findByHash(key.hash())).contains(key);
        assertThat(trail(MERCHANT)).extracting(AuditEvent::action).doesNotContain(AuditAction.API_KEY_DEACTIVATED);
        assertThat(trail(PARTNER)).extracting(AuditEvent::action).doesNotContain(AuditAction.API_KEY_DEACTIVATED);
    }

    @Test
    void deactivatingAKeyTwiceSucceedsTwiceAndRecordsOnce() {
        ApiKeyRecord key = storedKey(MERCHANT, "gk_first");

        boolean first = apiKeys.deactivate(MERCHANT, key.keyId(), FIRST_REVOCATION, AUDIT);
        boolean second = apiKeys.deactivate(MERCHANT, key.keyId(), SECOND_REVOCATION, AUDIT);

        assertThat(first).isTrue();
        assertThat(second).isTrue();
        assertThat(apiKeys.findByHash(key.hash()).map(ApiKeyRecord::active)).contains(false);
        assertThat(trail(MERCHANT)).filteredOn(record -> record.action() == AuditAction.API_KEY_DEACTIVATED)
                .extracting(AuditEvent::time, AuditEvent::reason, AuditEvent::actingOrganisation, AuditEvent::tokenId)
                .containsExactly(tuple(FIRST_REVOCATION, "API key " + key.keyId(), PARTNER, null));
    }

    @Test
    void listForListsOnlyTheOrganisationsKeysByCreationTimeThenId() {
        organisations.create(merchant(MERCHANT.value()).build(), ISSUED);
        organisations.create(partner(PARTNER.value()).build(), ISSUED);
        List<ApiKeyRecord> sameTime = new ArrayList<>();
        for (String key : List.of("gk_a", "gk_b", "gk_c", "gk_d")) {
            sameTime.add(new ApiKeyRecord(ApiKeyHash.of(key), MERCHANT, true, ISSUED, key));
        }
        sameTime.sort(Comparator.comparing(ApiKeyRecord::keyId));
        ApiKeyRecord newest = new ApiKeyRecord(ApiKeyHash.of("gk_newest"), MERCHANT, true, ISSUED.plusSeconds(60),
                "newest");
        ApiKeyRecord oldest = new ApiKeyRecord(ApiKeyHash.of("gk_oldest"), MERCHANT, true, ISSUED.minusSeconds(60),
                "oldest");
        ApiKeyRecord partners = new ApiKeyRecord(ApiKeyHash.of("gk_partner"), PARTNER, true, ISSUED, "partner");
        apiKeys.add(newest);
        apiKeys.add(partners);
        for (int i = sameTime.size() - 1; i >= 0; i--) {
            apiKeys.add(sameTime.get(i));
        }
        apiKeys.add(oldest);

        List<ApiKeyRecord> expected = new ArrayList<>(List.of(oldest));
        expected.addAll(sameTime);
        expected.add(newest);
        assertThat(apiKeys.listFor(MERCHANT)).containsExactlyElementsOf(expected);
        assertThat(apiKeys.listFor(PARTNER)).containsExactly(partners);
    }

    @Test
    void createThenFindReturnsEveryField() {
        Organisation organisation = merchant(MERCHANT.value()).below(PARTNER.value()).named("Acme Ltd")
                .withIpAllowList("10.0.0.0/8", "2001:db8::1").withMtls().build();
        Organisation bare = partner(PARTNER.value()).withScopes().withProducts().named("").build();

        organisations.create(organisation, ISSUED);
        organisations.create(bare, ISSUED);

        assertThat(organisations.find(MERCHANT)).contains(organisation);
        assertThat(organisations.find(PARTNER)).contains(bare);
        assertThat(organisations.find(OTHER_MERCHANT)).isEmpty();
    }

    @Test
    void createRecordsTheProfile() {
        Organisation organisation = merchant(MERCHANT.value()).below(PARTNER.value()).named("Acme \"Ltd\"").build();

        organisations.create(organisation, ISSUED, AUDIT);

        assertThat(trail(MERCHANT)).extracting(AuditEvent::action, AuditEvent::time, AuditEvent::reason,
                        AuditEvent::actingOrganisation, AuditEvent::requestId)
                .containsExactly(tuple(AuditAction.ORGANISATION_CREATED, ISSUED, ProfileChange.describe(organisation),
                        PARTNER, "request-1"));
    }

    @Test
    void createOfATakenIdFailsAndKeepsTheFirst() {
        Organisation first = merchant(MERCHANT.value()).named("First").build();
        organisations.create(first, ISSUED);

        assertThatThrownBy(() -> organisations.create(merchant(MERCHANT.value()).named("Second").build(),
                FIRST_REVOCATION)).isInstanceOf(IllegalStateException.class);

        assertThat(organisations.find(MERCHANT)).contains(first);
        assertThat(trail(MERCHANT)).extracting(AuditEvent::time).containsExactly(ISSUED);
    }

    @Test
    void updateFromTheProfileAsReadReplacesItAndRecordsEachChange() {
        Organisation read = merchant(MERCHANT.value()).named("Shop").withIpAllowList("10.0.0.1").build();
        organisations.create(read, ISSUED);
        Organisation changed = merchant(MERCHANT.value()).named("Shop").below(PARTNER.value())
                .withIpAllowList("198.51.100.0/24").withMtls().build();

        organisations.update(read, changed, FIRST_REVOCATION, AUDIT);

        assertThat(organisations.find(MERCHANT)).contains(changed);
        assertThat(trail(MERCHANT)).extracting(AuditEvent::action, AuditEvent::time, AuditEvent::reason)
                .containsExactly(
                        tuple(AuditAction.ORGANISATION_CREATED, ISSUED, ProfileChange.describe(read)),
                        tuple(AuditAction.ORGANISATION_UPDATED, FIRST_REVOCATION,
                                ProfileChange.describe(ProfileChange.between(read, changed))));
    }

    @Test
    void updateFromAProfileNoLongerStoredFailsAndChangesNothing() {
        Organisation read = merchant(MERCHANT.value()).named("Shop").build();
        organisations.create(read, ISSUED);
        Organisation concurrent = merchant(MERCHANT.value()).named("Shop").withMtls().build();
        organisations.update(read, concurrent, FIRST_REVOCATION);
        Organisation neverCreated = merchant(OTHER_MERCHANT.value()).build();

        assertThatThrownBy(() -> organisations.update(read, merchant(MERCHANT.value()).named("Renamed").build(),
                SECOND_REVOCATION)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> organisations.update(neverCreated, merchant(OTHER_MERCHANT.value()).named("New")
                .build(), SECOND_REVOCATION)).isInstanceOf(IllegalStateException.class);

        assertThat(organisations.find(MERCHANT)).contains(concurrent);
        assertThat(organisations.find(OTHER_MERCHANT)).isEmpty();
        assertThat(trail(MERCHANT)).extracting(AuditEvent::time).containsExactly(ISSUED, FIRST_REVOCATION);
        assertThat(trail(OTHER_MERCHANT)).isEmpty();
    }

    @Test
    void anUpdateThatChangesNothingRecordsNothing() {
        Organisation read = merchant(MERCHANT.value()).withIpAllowList("10.0.0.1").build();
        organisations.create(read, ISSUED);

        organisations.update(read, merchant(MERCHANT.value()).withIpAllowList("10.0.0.1").build(), FIRST_REVOCATION);

        assertThat(organisations.find(MERCHANT)).contains(read);
        assertThat(trail(MERCHANT)).extracting(AuditEvent::action).containsExactly(AuditAction.ORGANISATION_CREATED);
    }

    @Test
    void listReturnsEveryOrganisationSortedById() {
        Organisation partner = partner(PARTNER.value()).build();
        Organisation merchant = merchant(MERCHANT.value()).below(PARTNER.value()).build();
        Organisation otherMerchant = merchant(OTHER_MERCHANT.value()).build();
        organisations.create(partner, ISSUED);
        organisations.create(otherMerchant, ISSUED);
        organisations.create(merchant, ISSUED);
        // Keys and tokens beside the profiles are not organisations.
        apiKeys.add(new ApiKeyRecord(ApiKeyHash.of("gk_key"), MERCHANT, true, ISSUED, "ci"));
        tokens.insert(token().build());

        assertThat(organisations.list()).containsExactly(merchant, otherMerchant, partner);
    }

    /** Adds an active API key of {@code organisation}, creating the organisation first if need be; its lineage. */
    private KeyLineage activeKey(OrganisationId organisation, String label) {
        ApiKeyRecord key = storedKey(organisation, "gk_contract_" + label.replace(' ', '_'));
        return new KeyLineage(organisation, key.keyId());
    }

    private ApiKeyRecord storedKey(OrganisationId organisation, String plainKey) {
        if (organisations.find(organisation).isEmpty()) {
            organisations.create(merchant(organisation.value()).build(), ISSUED);
        }
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyHash.of(plainKey), organisation, true, ISSUED, plainKey);
        assertThat(apiKeys.add(key)).isTrue();
        return key;
    }

    private List<AuditEvent> trail(OrganisationId organisation) {
        return auditLog.find(organisation.value(), Instant.EPOCH, END_OF_TRAIL, 100);
    }

    private List<AuditEvent> revocations(OrganisationId organisation) {
        return trail(organisation).stream().filter(record -> record.action() == AuditAction.TOKEN_REVOKED).toList();
    }

    private AuditEvent refusal(OrganisationId organisation, Instant at) {
        return AuditEvent.refused(nextAuditId(), Optional.of(organisation), "revoked_token", at, "203.0.113.7",
                "request-" + at.getEpochSecond());
    }

    private UUID nextAuditId() {
        UUID id = new UUID(0x6761746b65657065L, auditIdSequence.incrementAndGet());
        suppliedAuditIds.add(id);
        return id;
    }

    /** The record as a store shows it once a token was minted with it. */
    private static TokenRecord markedMinted(TokenRecord token) {
        return TestTokens.withMinted(token, true);
    }

    private static TokenRecord notMinted(TokenRecord token) {
        return TestTokens.withMinted(token, false);
    }

    private static TokenId newTokenId() {
        return TokenId.of(UUID.randomUUID());
    }
}
