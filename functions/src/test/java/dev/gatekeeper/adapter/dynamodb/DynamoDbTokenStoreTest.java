package dev.gatekeeper.adapter.dynamodb;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestTokens.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.ApiKeyRevokedException;
import dev.gatekeeper.core.token.DescendantRevocation;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.ParentTokenRevokedException;
import dev.gatekeeper.core.token.RevocationBudget;
import dev.gatekeeper.core.token.StaleGenerationException;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenStatus;
import dev.gatekeeper.testing.CountingDynamoDbClient;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What the DynamoDB token store does beyond the storage port's contract: its table layout, pointers and counters,
 * conflicts and concurrency, what a refused write leaves in the table. What any store must answer through the port is
 * {@code StorageContract}'s, which {@link DynamoDbStorageContractTest} runs against this store.
 */
class DynamoDbTokenStoreTest {
    private static final Instant ISSUED = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant EXPIRES = ISSUED.plusSeconds(3600);
    private static final Instant REVOKE_ALL = ISSUED.plusSeconds(600);
    private static final Instant FIRST_REVOCATION = ISSUED.plusSeconds(60);
    private static final Instant SECOND_REVOCATION = ISSUED.plusSeconds(120);
    private static final Duration RETENTION = Duration.ofDays(7);

    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final OrganisationId OTHER_MERCHANT = new OrganisationId("merchant02");
    private static final OrganisationId PARTNER = new OrganisationId("partner001");
    private static final OrganisationId OTHER_PARTNER = new OrganisationId("partner002");

    private final DynamoDbClient client = LocalDynamoDb.shared().client();
    private final String table = LocalDynamoDb.shared().createTokenTable();
    private final DynamoDbTokenStore store = new DynamoDbTokenStore(client, table, RETENTION);
    /** A partner's request, for the revocations whose audit records a test reads. */
    private static final AuditContext AUDIT = new AuditContext(PARTNER, "10.1.2.3", "request-1");
    private final DynamoDbApiKeyRegistry apiKeys = new DynamoDbApiKeyRegistry(client, table);
    /** Only for the profiles API keys need: the store's own rules never read a profile. */
    private final DynamoDbOrganisationRegistry organisations = new DynamoDbOrganisationRegistry(client, table);
    private ExecutorService threads;

    @BeforeEach
    void startThreads() {
        threads = Executors.newFixedThreadPool(12);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void insertStoresTheTableLayoutTheTemplateDeclares() {
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).generation(0).build();

        store.insert(token);

        Map<String, AttributeValue> item = item(MERCHANT.value(), "TOKEN#" + token.id());
        assertThat(item.get("ttl").n()).isEqualTo(Long.toString(EXPIRES.plus(RETENTION).getEpochSecond()));
        assertThat(item.get("genExp").s()).isEqualTo("00000000000000000000#00" + EXPIRES.toEpochMilli());
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(EXPIRES.toEpochMilli()));
        assertThat(item).doesNotContainKey("revokedAt");
        Map<String, AttributeValue> pointer = item(PARTNER.value(), "ISSUED#" + token.id());
        assertThat(pointer.get("requestedOrganisation").s()).isEqualTo(MERCHANT.value());
        assertThat(pointer.get("ttl")).isEqualTo(item.get("ttl"));
    }

    @Test
    void insertForTheRequestingOrganisationItselfWritesNoPointer() {
        TokenRecord token = token().build();

        store.insert(token);

        assertThat(item(MERCHANT.value(), "ISSUED#" + token.id())).isEmpty();
    }

    @Test
    void revokeSetsTheTimeAndReturnsTheFirstTimeWhenRepeated() {
        TokenRecord token = token().build();
        store.insert(token);

        Optional<TokenRecord> first = store.revoke(MERCHANT, token.id(), FIRST_REVOCATION);
        Optional<TokenRecord> second = store.revoke(MERCHANT, token.id(), SECOND_REVOCATION);

        assertThat(first).contains(token.revokedAt(FIRST_REVOCATION));
        assertThat(second).contains(token.revokedAt(FIRST_REVOCATION));
        assertThat(store.findForOrganisation(MERCHANT, token.id()).map(TokenRecord::status)).contains(TokenStatus.REVOKED);
        assertThat(item(MERCHANT.value(), "TOKEN#" + token.id())).doesNotContainKey("genExp");
    }

    @Test
    void revokeAllCountsOnlyActiveTokensAndRevokesEveryTokenAtItsTime() {
        List<TokenRecord> active = List.of(
                token().build(),
                token().requestedBy(PARTNER, AccessType.BN).build(),
                token().expiresAt(REVOKE_ALL.plusMillis(1)).build());
        TokenRecord expiredAtRevokeAll = token().expiresAt(REVOKE_ALL).build();
        TokenRecord expiredBefore = token().expiresAt(REVOKE_ALL.minusSeconds(60)).build();
        TokenRecord revokedBefore = token().build();
        TokenRecord otherMerchants = token().requestedFor(OTHER_MERCHANT).build();
        active.forEach(store::insert);
        List.of(expiredAtRevokeAll, expiredBefore, revokedBefore, otherMerchants).forEach(store::insert);
        store.revoke(MERCHANT, revokedBefore.id(), FIRST_REVOCATION);

        long count = store.revokeAll(MERCHANT, REVOKE_ALL);

        assertThat(count).isEqualTo(3);
        for (TokenRecord token : List.of(active.get(0), active.get(1), active.get(2), expiredAtRevokeAll, expiredBefore)) {
            assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(REVOKE_ALL));
        }
        assertThat(store.findForOrganisation(PARTNER, active.get(1).id())).contains(active.get(1).revokedAt(REVOKE_ALL));
        assertThat(store.findForOrganisation(MERCHANT, revokedBefore.id()))
                .contains(revokedBefore.revokedAt(FIRST_REVOCATION));
        assertThat(store.findForOrganisation(OTHER_MERCHANT, otherMerchants.id())).contains(otherMerchants);
    }

    @Test
    void insertAndSingleRevocationKeepTheActiveCounterOfTheTokensGenerationAndExpiryMinute() {
        TokenRecord token = token().build();
        String counter = DynamoDbTokenStore.activeCounterSortKey(0, EXPIRES.toEpochMilli() / 60_000,
                Math.floorMod(token.id().value().hashCode(), DynamoDbTokenStore.COUNTER_SHARDS));

        store.insert(token);
        Map<String, AttributeValue> afterInsert = item(MERCHANT.value(), counter);
        store.revoke(MERCHANT, token.id(), FIRST_REVOCATION);

        assertThat(afterInsert.get("count").n()).isEqualTo("1");
        // EXPIRES is on a minute: slot 0 of its minute, the lowest six digits of the packed slot counts.
        assertThat(afterInsert.get("slots").n()).isEqualTo("1");
        // Kept as long as any token it counts: the end of its minute plus the tokens' retention.
        assertThat(afterInsert.get("ttl").n())
                .isEqualTo(Long.toString(EXPIRES.plusSeconds(60).plus(RETENTION).getEpochSecond()));
        assertThat(item(MERCHANT.value(), counter).get("count").n()).isEqualTo("0");
        assertThat(item(MERCHANT.value(), counter).get("slots").n()).isEqualTo("0");
    }

    /**
     * Expiries on both sides of the revoke-all, in its own minute and in many later minutes and shards, some
     * revoked on their own: the count equals what a look at every token says.
     */
    @ParameterizedTest(name = "revoke-all {0} ms into its minute")
    @ValueSource(ints = {0, 1, 4_999, 5_000, 9_999, 10_000, 20_000, 29_999, 30_000, 45_000, 54_999, 55_001, 59_999})
    void revokeAllCountsExactlyWhateverMinutesAndShardsTheTokensFallIn(int millisIntoMinute) {
        Instant revokeAll = REVOKE_ALL.plusMillis(millisIntoMinute);
        java.util.Random random = new java.util.Random(7);
        List<TokenRecord> tokens = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            // From 2 minutes before the revoke-all to 5 minutes after, at millisecond resolution; a few expiring
            // exactly at it (expired) or one millisecond after it (active); and some within 6 s of it, so its own
            // 10-second slot and the slot beside it have tokens on both sides.
            Instant expiresAt = i < 3 ? revokeAll : i < 6 ? revokeAll.plusMillis(1)
                    : i < 36 ? revokeAll.plusMillis(random.nextInt(12_000) - 6_000)
                    : revokeAll.plusMillis(random.nextInt(7 * 60_000) - 2 * 60_000);
            TestTokens.Builder builder = token().expiresAt(expiresAt);
            tokens.add((i % 5 == 0 ? builder.requestedBy(PARTNER, AccessType.BN) : builder).build());
        }
        tokens.forEach(store::insert);
        List<TokenRecord> revokedAlone = tokens.stream().filter(token -> random.nextInt(4) == 0).toList();
        revokedAlone.forEach(token -> store.revoke(MERCHANT, token.id(), FIRST_REVOCATION));
        long expected = tokens.stream()
                .filter(token -> !revokedAlone.contains(token) && token.expiresAt().isAfter(revokeAll))
                .count();

        long count = store.revokeAll(MERCHANT, revokeAll);

        assertThat(expected).isBetween(50L, 130L);
        assertThat(count).isEqualTo(expected);
        assertThat(store.revokeAll(MERCHANT, revokeAll.plusSeconds(1))).isZero();
    }

    /**
     * Counters of the revoke-all's minute that do not count per slot (as written before slots existed) are noticed,
     * and the count falls back to the index for the shorter half of that minute: still exact.
     */
    @ParameterizedTest(name = "revoke-all {0} ms into its minute")
    @ValueSource(ints = {10_000, 50_000})
    void countersWithoutSlotsStillCountExactly(int millisIntoMinute) {
        Instant revokeAll = REVOKE_ALL.plusMillis(millisIntoMinute);
        List<TokenRecord> tokens = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            tokens.add(token().expiresAt(REVOKE_ALL.plusMillis(i * 2_000L + 500)).build());
        }
        tokens.forEach(store::insert);
        updateCountersOfTheRevokeAllMinute(update -> update.updateExpression("REMOVE slots"));
        long expected = tokens.stream().filter(token -> token.expiresAt().isAfter(revokeAll)).count();

        assertThat(store.revokeAll(MERCHANT, revokeAll)).isEqualTo(expected);
    }

    /** A slot that carried into the next (a million tokens in 10 s of one shard) is noticed: still exact. */
    @Test
    void slotCountsThatDoNotAddUpToTheCountAreNotTrusted() {
        Instant revokeAll = REVOKE_ALL.plusMillis(15_000);
        List<TokenRecord> tokens = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tokens.add(token().expiresAt(REVOKE_ALL.plusMillis(i * 3_000L + 700)).build());
        }
        tokens.forEach(store::insert);
        // As a carry would leave it: slot 0 emptied into slot 1 (the digits then add up to less than the count).
        updateCountersOfTheRevokeAllMinute(update -> update.updateExpression("SET slots = :carried")
                .expressionAttributeValues(Map.of(":carried", AttributeValue.fromN("1000000"))));
        long expected = tokens.stream().filter(token -> token.expiresAt().isAfter(revokeAll)).count();

        assertThat(store.revokeAll(MERCHANT, revokeAll)).isEqualTo(expected);
    }

    /** Rewrites the counters of REVOKE_ALL's minute behind the store's back, as an older version or a carry would. */
    private void updateCountersOfTheRevokeAllMinute(
            java.util.function.Consumer<software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.Builder> change) {
        for (int shard = 0; shard < DynamoDbTokenStore.COUNTER_SHARDS; shard++) {
            String counter = DynamoDbTokenStore.activeCounterSortKey(0, REVOKE_ALL.toEpochMilli() / 60_000, shard);
            client.updateItem(request -> change.accept(request.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(MERCHANT.value()), "sk", AttributeValue.fromS(counter)))));
        }
    }

    /**
     * However many tokens expire in the revoke-all's own minute, the index is read only for the shorter side of its
     * 10-second slot: here the 3 tokens of that slot that expired before it, not the 30 of the minute before them.
     */
    @Test
    void revokeAllReadsOnlyHalfASlotOfTokensFromTheIndex() {
        CountingDynamoDbClient counting = new CountingDynamoDbClient();
        DynamoDbTokenStore countingStore = new DynamoDbTokenStore(counting.client(), table, RETENTION);
        Instant slotStart = REVOKE_ALL.plusSeconds(20);
        Instant revokeAll = slotStart.plusMillis(1_000);
        List<TokenRecord> tokens = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tokens.add(token().expiresAt(REVOKE_ALL.plusMillis(i * 600L)).build());
            tokens.add(token().expiresAt(slotStart.plusMillis(10_000 + i * 1_000L)).build());
        }
        for (long millis : new long[] {100, 500, 1_000, 1_001, 2_000, 9_999}) {
            tokens.add(token().expiresAt(slotStart.plusMillis(millis)).build());
        }
        tokens.forEach(store::insert);
        long expected = tokens.stream().filter(token -> token.expiresAt().isAfter(revokeAll)).count();
        counting.takeIndexEntriesRead();

        long count = countingStore.revokeAll(MERCHANT, revokeAll);

        assertThat(count).isEqualTo(expected);
        assertThat(counting.takeIndexEntriesRead()).isEqualTo(3);
    }

    @Test
    void aRememberedGenerationEndedByAnotherContainerFailsOneInsertAsStaleThenIsReadAgain() {
        assertThat(store.currentGeneration(MERCHANT)).isZero();
        new DynamoDbTokenStore(client, table, RETENTION).revokeAll(MERCHANT, REVOKE_ALL);

        TokenRecord stale = token().generation(store.currentGeneration(MERCHANT)).build();
        assertThatThrownBy(() -> store.insert(stale)).isInstanceOf(StaleGenerationException.class);
        TokenRecord current = token().generation(store.currentGeneration(MERCHANT)).build();
        store.insert(current);

        assertThat(stale.generation()).isZero();
        assertThat(current.generation()).isEqualTo(1);
        assertThat(store.findForOrganisation(MERCHANT, current.id())).contains(current);
    }

    @Test
    void aSecondRevokeAllCountsNothingAndKeepsTheFirstTime() {
        TokenRecord token = token().build();
        store.insert(token);
        store.revokeAll(MERCHANT, REVOKE_ALL);

        long count = store.revokeAll(MERCHANT, REVOKE_ALL.plusSeconds(60));

        assertThat(count).isZero();
        assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(REVOKE_ALL));
    }

    @Test
    void revokeOfATokenEndedByRevokeAllReturnsTheRevokeAllTime() {
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).build();
        store.insert(token);
        store.revokeAll(MERCHANT, REVOKE_ALL);

        assertThat(store.revoke(PARTNER, token.id(), REVOKE_ALL.plusSeconds(60))).contains(token.revokedAt(REVOKE_ALL));
        assertThat(item(MERCHANT.value(), "TOKEN#" + token.id())).doesNotContainKey("revokedAt");
    }

    @Test
    void aTokenIssuedAfterRevokeAllStaysActiveUntilTheNextOne() {
        store.revokeAll(MERCHANT, REVOKE_ALL);
        TokenRecord token = token().generation(store.currentGeneration(MERCHANT)).build();
        store.insert(token);

        assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token);
        assertThat(store.revokeAll(MERCHANT, REVOKE_ALL.plusSeconds(60))).isEqualTo(1);
        assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(REVOKE_ALL.plusSeconds(60)));
    }

    @Test
    void listShowsTheNewestTokensFirstWithRevokeAllApplied() {
        TokenRecord oldest = token().createdAt(ISSUED).build();
        TokenRecord middle = token().createdAt(ISSUED.plusSeconds(1)).build();
        store.insert(oldest);
        store.insert(middle);
        store.revokeAll(MERCHANT, REVOKE_ALL);
        TokenRecord newest = token().createdAt(ISSUED.plusSeconds(700)).generation(1).build();
        store.insert(newest);

        assertThat(store.listForOrganisation(MERCHANT, 10))
                .containsExactly(newest, middle.revokedAt(REVOKE_ALL), oldest.revokedAt(REVOKE_ALL));
        assertThat(store.listForOrganisation(MERCHANT, 2)).containsExactly(newest, middle.revokedAt(REVOKE_ALL));
        assertThat(store.listForOrganisation(OTHER_MERCHANT, 10)).isEmpty();
    }

    @Test
    void concurrentRevocationsOfOneTokenReturnTheSameTime() throws Exception {
        for (int round = 0; round < 20; round++) {
            TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).build();
            store.insert(token);
            CountDownLatch start = new CountDownLatch(1);
            Future<Optional<TokenRecord>> byMerchant = threads.submit(() -> {
                start.await();
                return store.revoke(MERCHANT, token.id(), FIRST_REVOCATION);
            });
            Future<Optional<TokenRecord>> byPartner = threads.submit(() -> {
                start.await();
                return store.revoke(PARTNER, token.id(), SECOND_REVOCATION);
            });
            start.countDown();

            Instant merchantSaw = byMerchant.get(30, TimeUnit.SECONDS).orElseThrow().revokedAt();
            Instant partnerSaw = byPartner.get(30, TimeUnit.SECONDS).orElseThrow().revokedAt();
            assertThat(merchantSaw).isEqualTo(partnerSaw).isIn(FIRST_REVOCATION, SECOND_REVOCATION);
            assertThat(store.findForOrganisation(MERCHANT, token.id()).orElseThrow().revokedAt()).isEqualTo(merchantSaw);
        }
    }

    @Test
    void concurrentIssuesRevocationsAndRevokeAllsRevokeEveryTokenExactlyOnce() throws Exception {
        int issuers = 5;
        int tokensPerIssuer = 21;
        int revokers = 3;
        int revokeAllsPerRevoker = 4;
        int individualRevocations = issuers * tokensPerIssuer / 3;
        ConcurrentLinkedQueue<TokenRecord> inserted = new ConcurrentLinkedQueue<>();
        BlockingQueue<TokenRecord> toRevoke = new LinkedBlockingQueue<>();
        Map<Instant, Long> countsByTime = new ConcurrentHashMap<>();
        Map<TokenId, Instant> revokeAnswers = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Void>> work = new ArrayList<>();
        for (int issuer = 0; issuer < issuers; issuer++) {
            work.add(() -> {
                start.await();
                for (int i = 0; i < tokensPerIssuer; i++) {
                    TokenRecord token = issueRetryingWhenStale();
                    inserted.add(token);
                    if (i % 3 == 0) {
                        toRevoke.add(token);
                    }
                }
                return null;
            });
        }
        for (int revoker = 0; revoker < revokers; revoker++) {
            int first = revoker * revokeAllsPerRevoker;
            work.add(() -> {
                start.await();
                for (int i = 0; i < revokeAllsPerRevoker; i++) {
                    // A distinct time per call, so each revoked token shows which call revoked it.
                    Instant at = REVOKE_ALL.plusSeconds(first + i);
                    countsByTime.put(at, store.revokeAll(MERCHANT, at));
                }
                return null;
            });
        }
        work.add(() -> {
            start.await();
            for (int i = 0; i < individualRevocations; i++) {
                TokenRecord token = toRevoke.poll(60, TimeUnit.SECONDS);
                Instant at = FIRST_REVOCATION.plusMillis(i);
                revokeAnswers.put(token.id(), store.revoke(MERCHANT, token.id(), at).orElseThrow().revokedAt());
            }
            return null;
        });
        List<Future<Void>> done = work.stream().map(threads::submit).toList();
        start.countDown();
        for (Future<Void> future : done) {
            future.get(120, TimeUnit.SECONDS);
        }

        List<TokenRecord> seen = inserted.stream()
                .map(token -> store.findForOrganisation(MERCHANT, token.id()).orElseThrow()).toList();
        long finalGeneration = store.currentGeneration(MERCHANT);
        List<TokenRecord> active = seen.stream().filter(token -> token.revokedAt() == null).toList();
        long revokedOnTheirOwn = seen.stream()
                .filter(token -> token.revokedAt() != null && token.revokedAt().isBefore(REVOKE_ALL)).count();
        Map<Instant, Long> revokedByRevokeAll = seen.stream()
                .filter(token -> token.revokedAt() != null && !token.revokedAt().isBefore(REVOKE_ALL))
                .collect(Collectors.groupingBy(TokenRecord::revokedAt, Collectors.counting()));
        Map<Instant, Long> countedByRevokeAll = countsByTime.entrySet().stream().filter(entry -> entry.getValue() > 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

        assertThat(inserted).hasSize(issuers * tokensPerIssuer);
        assertThat(finalGeneration).isEqualTo(revokers * revokeAllsPerRevoker);
        assertThat(seen).filteredOn(token -> revokeAnswers.containsKey(token.id()))
                .allSatisfy(token -> assertThat(token.revokedAt()).isEqualTo(revokeAnswers.get(token.id())));
        assertThat(revokedByRevokeAll).isEqualTo(countedByRevokeAll);
        assertThat(countsByTime.values().stream().mapToLong(Long::longValue).sum() + revokedOnTheirOwn + active.size())
                .isEqualTo(issuers * tokensPerIssuer);
        assertThat(active).allSatisfy(token -> assertThat(token.generation()).isEqualTo(finalGeneration));
    }

    @Test
    void aStoreThatCannotReachItsTableAnswersServiceUnavailableKeepingTheCause() {
        DynamoDbTokenStore missingTable = new DynamoDbTokenStore(client, "no-such-table", RETENTION);
        TokenRecord token = token().build();

        List<Runnable> calls = List.of(
                () -> missingTable.currentGeneration(MERCHANT),
                () -> missingTable.insert(token),
                () -> missingTable.findForOrganisation(MERCHANT, token.id()),
                () -> missingTable.revoke(MERCHANT, token.id(), FIRST_REVOCATION),
                () -> missingTable.revokeAll(MERCHANT, REVOKE_ALL),
                () -> missingTable.revokeByApiKey(MERCHANT, "0123456789ab", REVOKE_ALL),
                () -> missingTable.listForOrganisation(MERCHANT, 10));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOfSatisfying(GatekeeperException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE))
                    .hasMessage("Token store unavailable")
                    .hasCauseInstanceOf(ResourceNotFoundException.class);
        }
    }

    @Test
    void insertStoresTheLineageOnTheTokenAndOnTheRequestingPartnersPointer() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        TokenRecord token = token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build();

        store.insert(token);

        assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token);
        assertThat(store.findForOrganisation(PARTNER, token.id()).map(TokenRecord::lineage)).contains(partnersKey);
        Map<String, AttributeValue> item = item(MERCHANT.value(), "TOKEN#" + token.id());
        Map<String, AttributeValue> pointer = item(PARTNER.value(), "ISSUED#" + token.id());
        for (Map<String, AttributeValue> stored : List.of(item, pointer)) {
            assertThat(stored.get("apiKeyId").s()).isEqualTo(partnersKey.keyId());
            assertThat(stored.get("apiKeyOrganisation").s()).isEqualTo(PARTNER.value());
        }
        assertThat(pointer.get("expiresAt")).isEqualTo(item.get("expiresAt"));
    }

    @Test
    void aTokenMintedBelowItsKeysOwnerGetsAPointerThereThatFindingAndRevokingIgnore() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        TokenRecord minted = token().lineage(partnersKey).build();

        store.insert(minted);

        Map<String, AttributeValue> pointer =
                item(PARTNER.value(), "DESCENDANT#" + partnersKey.keyId() + "#" + minted.id());
        assertThat(pointer.get("requestedOrganisation").s()).isEqualTo(MERCHANT.value());
        assertThat(pointer.get("ttl")).isEqualTo(item(MERCHANT.value(), "TOKEN#" + minted.id()).get("ttl"));
        assertThat(item(PARTNER.value(), "ISSUED#" + minted.id())).isEmpty();
        assertThat(store.findForOrganisation(PARTNER, minted.id())).isEmpty();
        assertThat(store.revoke(PARTNER, minted.id(), FIRST_REVOCATION)).isEmpty();
        assertThat(store.findForOrganisation(MERCHANT, minted.id())).contains(minted);
    }

    @Test
    void aTokenOfTheKeysOwnOrganisationNeedsNoPointer() {
        KeyLineage merchantsKey = activeKey(MERCHANT, "merchant");
        TokenRecord token = token().lineage(merchantsKey).build();

        store.insert(token);

        assertThat(partition(MERCHANT)).extracting(stored -> stored.get("sk").s())
                .noneMatch(sortKey -> sortKey.startsWith("ISSUED#") || sortKey.startsWith("DESCENDANT#"));
        assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token);
    }

    @Test
    void insertOfATokenWhoseKeyWasDeactivatedFailsAndStoresNothing() {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        apiKeys.deactivate(PARTNER, partnersKey.keyId(), ISSUED);
        List<Map<String, AttributeValue>> before = allItems();
        List<TokenRecord> refused = List.of(
                token().requestedBy(PARTNER, AccessType.BN).lineage(partnersKey).build(),
                token().lineage(partnersKey).build(),
                token().lineage(new KeyLineage(PARTNER, "000000000000")).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> store.insert(token)).isInstanceOf(ApiKeyRevokedException.class);
        }

        // No token, pointer, counter or audit record: the table is as it was.
        assertThat(allItems()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(store.revokeAll(MERCHANT, REVOKE_ALL)).isZero();
    }

    @Test
    void aRevokedKeyIsReportedBeforeAnEndedGenerationSinceARetryWouldFailOnTheKeyAnyway() {
        KeyLineage merchantsKey = activeKey(MERCHANT, "merchant");
        store.revokeAll(MERCHANT, REVOKE_ALL);
        apiKeys.deactivate(MERCHANT, merchantsKey.keyId(), REVOKE_ALL);

        assertThatThrownBy(() -> store.insert(token().generation(0).lineage(merchantsKey).build()))
                .isInstanceOf(ApiKeyRevokedException.class);
    }

    /** Each token the sweep revokes is revoked one by one, so the counters revoke-all sums stay exact. */
    @Test
    void revokeAllCountsExactlyAfterARevocationByKey() {
        KeyLineage revokedKey = activeKey(MERCHANT, "revoked");
        KeyLineage keptKey = activeKey(MERCHANT, "kept");
        java.util.Random random = new java.util.Random(11);
        List<TokenRecord> tokens = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant expiresAt = REVOKE_ALL.plusMillis(random.nextInt(4 * 60_000) - 60_000);
            tokens.add(token().expiresAt(expiresAt).lineage(i % 3 == 0 ? keptKey : revokedKey).build());
        }
        tokens.forEach(store::insert);
        Instant sweep = REVOKE_ALL.minusSeconds(30);
        long expectedSwept = tokens.stream()
                .filter(token -> token.lineage().equals(revokedKey) && token.expiresAt().isAfter(sweep)).count();
        long expectedActive = tokens.stream()
                .filter(token -> token.lineage().equals(keptKey) && token.expiresAt().isAfter(REVOKE_ALL)).count();

        assertThat(store.revokeByApiKey(MERCHANT, revokedKey.keyId(), sweep)).isEqualTo(expectedSwept);
        assertThat(store.revokeAll(MERCHANT, REVOKE_ALL)).isEqualTo(expectedActive);
        assertThat(expectedSwept).isPositive();
        assertThat(expectedActive).isPositive();
    }

    /**
     * Inserts racing the key's deactivation: each one either failed, or was stored before the deactivation and so is
     * found by the sweep that follows it. None is left live, and the counts add up.
     */
    @Test
    void tokensInsertedWhileTheKeyIsRevokedAreEitherSweptOrNeverStored() throws Exception {
        KeyLineage partnersKey = activeKey(PARTNER, "partner");
        ConcurrentLinkedQueue<TokenRecord> stored = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TokenRecord> refused = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch someStored = new CountDownLatch(10);
        List<Future<?>> inserters = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            boolean forMerchantByPartner = thread % 2 == 0;
            // Each inserter keeps going until the deactivation stops it.
            inserters.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 1_000; i++) {
                    TestTokens.Builder builder = token().lineage(partnersKey);
                    TokenRecord token =
                            (forMerchantByPartner ? builder.requestedBy(PARTNER, AccessType.BN) : builder).build();
                    try {
                        store.insert(token);
                        stored.add(token);
                        someStored.countDown();
                    } catch (ApiKeyRevokedException revoked) {
                        refused.add(token);
                        return null;
                    }
                }
                throw new AssertionError("the deactivation never stopped the inserts");
            }));
        }
        Future<Long> revocation = threads.submit(() -> {
            start.await();
            someStored.await();
            assertThat(apiKeys.deactivate(PARTNER, partnersKey.keyId(), FIRST_REVOCATION)).isTrue();
            return store.revokeByApiKey(PARTNER, partnersKey.keyId(), FIRST_REVOCATION);
        });
        start.countDown();
        for (Future<?> inserter : inserters) {
            inserter.get(120, TimeUnit.SECONDS);
        }
        long swept = revocation.get(120, TimeUnit.SECONDS);

        assertThat(refused).hasSize(4);
        assertThat(swept).isEqualTo(stored.size()).isGreaterThanOrEqualTo(10);
        for (TokenRecord token : stored) {
            assertThat(store.findForOrganisation(MERCHANT, token.id())).contains(token.revokedAt(FIRST_REVOCATION));
        }
        for (TokenRecord token : refused) {
            assertThat(store.findForOrganisation(MERCHANT, token.id())).isEmpty();
        }
        assertThat(store.revokeAll(MERCHANT, REVOKE_ALL)).isZero();
    }

    @Test
    void aTokenMintedWithABearerTokenNamesItsParentAndGetsAPointerInTheParentsPartition() {
        TokenRecord parent = token().requestedFor(PARTNER).build();
        TokenRecord child = token().mintedWith(parent).generation(0).build();
        store.insert(parent);

        store.insert(child);

        assertThat(store.findForOrganisation(MERCHANT, child.id())).contains(child);
        assertThat(child.parentToken()).isEqualTo(new ParentToken(PARTNER, parent.id(), 0));
        Map<String, AttributeValue> item = item(MERCHANT.value(), "TOKEN#" + child.id());
        assertThat(item.get("parentTokenId").s()).isEqualTo(parent.id().value());
        assertThat(item.get("parentTokenOrganisation").s()).isEqualTo(PARTNER.value());
        assertThat(item.get("parentTokenGeneration").n()).isEqualTo("0");
        Map<String, AttributeValue> pointer = item(PARTNER.value(), "MINTED#" + parent.id() + "#" + child.id());
        assertThat(pointer.get("requestedOrganisation").s()).isEqualTo(MERCHANT.value());
        assertThat(pointer.get("expiresAt")).isEqualTo(item.get("expiresAt"));
        assertThat(pointer.get("ttl")).isEqualTo(item.get("ttl"));
        // A record without a parent reads as one: older items, and tokens obtained with an API key.
        assertThat(store.findForOrganisation(PARTNER, parent.id()).map(TokenRecord::parentToken)).isEmpty();
    }

    @Test
    void aMintedTokenKeepsHowDeepItsParentWasAndOneStoredBeforeDepthsWereKeptReadsAsMintedWithAnApiKeysToken() {
        TokenRecord root = token().requestedFor(PARTNER).build();
        TokenRecord child = token().mintedWith(root).generation(0).build();
        TokenRecord grandchild = token().mintedWith(child).generation(0).build();
        store.insert(root);
        store.insert(child);
        store.insert(grandchild);

        TokenRecord read = store.findForOrganisation(MERCHANT, grandchild.id()).orElseThrow();

        assertThat(read.mintDepth()).isEqualTo(2);
        assertThat(read.parentToken()).isEqualTo(new ParentToken(MERCHANT, child.id(), 0, 1));
        assertThat(item(MERCHANT.value(), "TOKEN#" + grandchild.id()).get("parentTokenDepth").n()).isEqualTo("1");
        client.updateItem(request -> request.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(MERCHANT.value()),
                        "sk", AttributeValue.fromS("TOKEN#" + grandchild.id())))
                .updateExpression("REMOVE parentTokenDepth"));
        assertThat(store.findForOrganisation(MERCHANT, grandchild.id()).orElseThrow().mintDepth()).isEqualTo(1);
    }

    @Test
    void insertOfATokenWhoseParentIsRevokedOrUnknownFailsAndStoresNothing() {
        TokenRecord partners = token().requestedFor(PARTNER).build();
        TokenRecord merchants = token().build();
        store.insert(partners);
        store.insert(merchants);
        store.revoke(PARTNER, partners.id(), FIRST_REVOCATION);
        store.revoke(MERCHANT, merchants.id(), FIRST_REVOCATION);
        List<Map<String, AttributeValue>> before = allItems();
        List<TokenRecord> refused = List.of(
                token().mintedWith(partners).build(),
                token().mintedWith(merchants).build(),
                token().parentToken(new ParentToken(MERCHANT, newTokenId(), 0)).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> store.insert(token)).isInstanceOf(ParentTokenRevokedException.class);
        }

        assertThat(allItems()).containsExactlyInAnyOrderElementsOf(before);
    }

    /**
     * The revoke-all race: a request authenticated with a token of generation 0 reaches the insert after a
     * revoke-all of the token's organisation. Whether the child was to be stored in the old generation (a container
     * that remembered it) or the new one (read afresh, as the issuer does after a stale insert), in the parent's own
     * partition or another, it is refused as a revoked parent, never as a stale generation worth retrying.
     */
    @Test
    void insertOfATokenWhoseParentsGenerationEndedFailsAsARevokedParentAndStoresNothing() {
        TokenRecord merchants = token().build();
        TokenRecord partners = token().requestedFor(PARTNER).build();
        store.insert(merchants);
        store.insert(partners);
        store.revokeAll(MERCHANT, REVOKE_ALL);
        store.revokeAll(PARTNER, REVOKE_ALL);
        List<Map<String, AttributeValue>> before = allItems();
        List<TokenRecord> refused = List.of(
                token().mintedWith(merchants).generation(0).build(),
                token().mintedWith(merchants).generation(1).build(),
                token().mintedWith(partners).generation(1).build());

        for (TokenRecord token : refused) {
            assertThatThrownBy(() -> store.insert(token)).isInstanceOf(ParentTokenRevokedException.class);
        }

        assertThat(allItems()).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void aStaleGenerationOfTheChildsOwnPartitionIsStillRetriedWhileItsParentIsLive() {
        TokenRecord partners = token().requestedFor(PARTNER).build();
        TokenRecord merchants = token().build();
        store.insert(partners);
        store.insert(merchants);
        store.revokeAll(OTHER_MERCHANT, REVOKE_ALL);

        // A partner's token minting for a merchant whose tokens were all revoked meanwhile; a remembered generation
        // older than the parent's own.
        assertThatThrownBy(() -> store.insert(token().requestedFor(OTHER_MERCHANT).mintedWith(partners).generation(0)
                .build())).isInstanceOf(StaleGenerationException.class);
        assertThatThrownBy(() -> store.insert(token().mintedWith(merchants).generation(0)
                .parentToken(new ParentToken(MERCHANT, merchants.id(), 1)).build()))
                .isInstanceOf(StaleGenerationException.class);
        TokenRecord retried = token().requestedFor(OTHER_MERCHANT).mintedWith(partners).generation(1).build();
        store.insert(retried);
        assertThat(store.findForOrganisation(OTHER_MERCHANT, retried.id())).contains(retried);
    }

    @Test
    void revokeMintedWithRevokesChildrenAndTheirChildrenWhereverTheyAreHeldAndNoOthers() {
        TokenRecord parent = token().requestedFor(PARTNER).build();
        TokenRecord forMerchant = token().mintedWith(parent).build();
        TokenRecord forPartner = token().requestedFor(PARTNER).mintedWith(parent).build();
        TokenRecord grandchild = token().mintedWith(forMerchant).build();
        TokenRecord greatGrandchild = token().requestedFor(MERCHANT).mintedWith(grandchild).build();
        TokenRecord sibling = token().requestedFor(PARTNER).build();
        TokenRecord siblingsChild = token().mintedWith(sibling).build();
        TokenRecord unrelated = token().build();
        List.of(parent, forMerchant, forPartner, grandchild, greatGrandchild, sibling, siblingsChild, unrelated)
                .forEach(store::insert);
        TokenRecord revoked = store.revoke(PARTNER, parent.id(), FIRST_REVOCATION).orElseThrow();

        DescendantRevocation result = store.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, 100);

        assertThat(result).isEqualTo(new DescendantRevocation(4, true));
        for (TokenRecord token : List.of(markedMinted(forMerchant), forPartner, markedMinted(grandchild),
                greatGrandchild)) {
            assertThat(store.findForOrganisation(token.requestedOrganisation(), token.id()))
                    .contains(token.revokedAt(FIRST_REVOCATION));
        }
        assertThat(store.findForOrganisation(PARTNER, sibling.id())).contains(markedMinted(sibling));
        for (TokenRecord token : List.of(siblingsChild, unrelated)) {
            assertThat(store.findForOrganisation(token.requestedOrganisation(), token.id())).contains(token);
        }
        // Each one on its own, so revoke-all counts stay exact: the merchant's unrelated and sibling's child only.
        assertThat(store.revokeAll(MERCHANT, REVOKE_ALL)).isEqualTo(2);
        // Every pointer it followed is done with; the sibling's is not.
        assertThat(allItems()).extracting(stored -> stored.get("sk").s()).filteredOn(sk -> sk.startsWith("MINTED#"))
                .containsExactly("MINTED#" + sibling.id() + "#" + siblingsChild.id());
    }

    /**
     * The time is checked before every step and every descent: a walk whose time is up does nothing more and says
     * more remain, and one with time goes on. A descent into a token revoked before is no step, so only time stops
     * it.
     */
    @Test
    void revokeMintedWithStopsWhenItsTimeIsUpAndSaysMoreRemain() {
        TokenRecord parent = token().build();
        TokenRecord child = token().mintedWith(parent).build();
        TokenRecord grandchild = token().mintedWith(child).build();
        List.of(parent, child, grandchild).forEach(store::insert);
        store.revoke(MERCHANT, child.id(), FIRST_REVOCATION);
        TokenRecord revoked = store.revoke(MERCHANT, parent.id(), FIRST_REVOCATION).orElseThrow();

        DescendantRevocation outOfTime = store.revokeMintedWith(revoked, SECOND_REVOCATION, AUDIT,
                RevocationBudget.of(100, Duration.ZERO));

        assertThat(outOfTime).isEqualTo(new DescendantRevocation(0, false));
        assertThat(store.findForOrganisation(MERCHANT, grandchild.id())).contains(grandchild);
        assertThat(store.revokeMintedWith(revoked, SECOND_REVOCATION, AUDIT, RevocationBudget.of(100,
                Duration.ofMinutes(1)))).isEqualTo(new DescendantRevocation(1, true));
        assertThat(store.findForOrganisation(MERCHANT, grandchild.id()))
                .contains(grandchild.revokedAt(SECOND_REVOCATION));
    }

    @Test
    void revokeMintedWithLeavesExpiredChildrenAndLooksBelowChildrenRevokedBefore() {
        TokenRecord parent = token().build();
        TokenRecord expired = token().mintedWith(parent).expiresAt(SECOND_REVOCATION).build();
        TokenRecord revokedAlone = token().mintedWith(parent).build();
        TokenRecord revokedWithAll = token().requestedFor(OTHER_MERCHANT).mintedWith(parent).build();
        TokenRecord belowRevokedAlone = token().mintedWith(revokedAlone).build();
        TokenRecord belowRevokedWithAll = token().requestedFor(PARTNER).mintedWith(revokedWithAll).build();
        List.of(parent, expired, revokedAlone, revokedWithAll, belowRevokedAlone, belowRevokedWithAll)
                .forEach(store::insert);
        store.revoke(MERCHANT, revokedAlone.id(), FIRST_REVOCATION);
        store.revokeAll(OTHER_MERCHANT, FIRST_REVOCATION);
        TokenRecord revoked = store.revoke(MERCHANT, parent.id(), REVOKE_ALL).orElseThrow();

        DescendantRevocation first = store.revokeMintedWith(revoked, REVOKE_ALL, AUDIT, 100);
        // Every pointer is done with, the expired child's too, rather than read again by every run until its TTL.
        assertThat(allItems()).extracting(stored -> stored.get("sk").s()).noneMatch(sk -> sk.startsWith("MINTED#"));
        DescendantRevocation second = store.revokeMintedWith(revoked, REVOKE_ALL.plusSeconds(60), AUDIT, 100);

        assertThat(first).isEqualTo(new DescendantRevocation(2, true));
        assertThat(second).isEqualTo(new DescendantRevocation(0, true));
        assertThat(store.findForOrganisation(MERCHANT, expired.id())).contains(expired);
        assertThat(store.findForOrganisation(MERCHANT, revokedAlone.id()))
                .contains(markedMinted(revokedAlone).revokedAt(FIRST_REVOCATION));
        assertThat(store.findForOrganisation(MERCHANT, belowRevokedAlone.id()))
                .contains(belowRevokedAlone.revokedAt(REVOKE_ALL));
        assertThat(store.findForOrganisation(PARTNER, belowRevokedWithAll.id()))
                .contains(belowRevokedWithAll.revokedAt(REVOKE_ALL));
    }

    /**
     * A run that stops at its limit leaves the rest for the next, which goes on below it: with a limit of 2, a tree
     * of 7 (a chain of 6 deeper than the limit, and one more child) is 12 steps (7 revocations, and the pointers to
     * the 5 tokens that minted deleted once their children are done), so six runs of two and a last that finds
     * nothing left; every token is revoked once, and no pointer is left. Passing again through the chain revoked
     * before costs no step, or no run could get below it.
     */
    @Test
    void aRunStoppedAtItsLimitIsFinishedByTheNextRuns() {
        TokenRecord parent = token().build();
        List<TokenRecord> tree = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TokenRecord child = token().mintedWith(i == 0 ? parent : tree.get(tree.size() - 1)).build();
            tree.add(child);
            tree.add(token().requestedFor(OTHER_MERCHANT).mintedWith(child).build());
        }
        tree.add(token().mintedWith(parent).build());
        store.insert(parent);
        tree.forEach(store::insert);
        TokenRecord revoked = store.revoke(MERCHANT, parent.id(), FIRST_REVOCATION).orElseThrow();

        List<DescendantRevocation> runs = new ArrayList<>();
        do {
            runs.add(store.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, 2));
        } while (!runs.get(runs.size() - 1).complete() && runs.size() < 20);

        assertThat(runs).hasSize(7);
        assertThat(runs.subList(0, 6)).extracting(DescendantRevocation::complete).containsOnly(false);
        assertThat(runs.get(6)).isEqualTo(new DescendantRevocation(0, true));
        assertThat(runs.stream().mapToLong(DescendantRevocation::revoked).sum()).isEqualTo(tree.size());
        assertThat(allItems()).extracting(stored -> stored.get("sk").s()).noneMatch(sk -> sk.startsWith("MINTED#"));
        for (TokenRecord token : tree) {
            assertThat(store.findForOrganisation(token.requestedOrganisation(), token.id()).map(TokenRecord::revokedAt))
                    .contains(FIRST_REVOCATION);
        }
    }

    /** Almost no token mints: revoking one that did not costs no look for pointers. */
    @Test
    void revokeMintedWithSendsNothingForATokenThatMintedNothing() {
        CountingDynamoDbClient counting = new CountingDynamoDbClient();
        DynamoDbTokenStore counted = new DynamoDbTokenStore(counting.client(), table, RETENTION);
        TokenRecord parent = token().build();
        TokenRecord minter = token().build();
        store.insert(parent);
        store.insert(minter);
        store.insert(token().mintedWith(minter).build());
        TokenRecord revoked = counted.revoke(MERCHANT, parent.id(), FIRST_REVOCATION).orElseThrow();
        TokenRecord revokedMinter = counted.revoke(MERCHANT, minter.id(), FIRST_REVOCATION).orElseThrow();
        counting.takeCalls();

        assertThat(counted.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, 100))
                .isEqualTo(new DescendantRevocation(0, true));
        assertThat(counting.takeCalls()).isEmpty();
        assertThat(revokedMinter.minted()).isTrue();
        assertThat(counted.revokeMintedWith(revokedMinter, FIRST_REVOCATION, AUDIT, 100))
                .isEqualTo(new DescendantRevocation(1, true));
        assertThat(counting.takeCalls()).contains("QueryRequest");
    }

    /**
     * The stolen-token runbook's order: a revoke-all of the organisation, then a revocation of the parent by id,
     * whose children are all revoked already. Each of those is still read and its pointer deleted, and that counts
     * against the limit, so every run sends a bounded number of calls (one query, one read of the revoke-all's end,
     * a read and a delete per child) and the next run goes on where it stopped.
     */
    @Test
    void childrenRevokedBeforeByARevokeAllAreDoneWithInRunsOfBoundedCalls() {
        CountingDynamoDbClient counting = new CountingDynamoDbClient();
        DynamoDbTokenStore counted = new DynamoDbTokenStore(counting.client(), table, RETENTION);
        TokenRecord parent = token().requestedFor(PARTNER).build();
        store.insert(parent);
        for (int i = 0; i < 25; i++) {
            store.insert(token().mintedWith(parent).build());
        }
        store.revokeAll(MERCHANT, REVOKE_ALL);
        TokenRecord revoked = store.revoke(PARTNER, parent.id(), REVOKE_ALL).orElseThrow();
        counting.takeCalls();

        List<DescendantRevocation> runs = new ArrayList<>();
        List<List<String>> calls = new ArrayList<>();
        do {
            runs.add(counted.revokeMintedWith(revoked, REVOKE_ALL, AUDIT, 10));
            calls.add(counting.takeCalls());
        } while (!runs.get(runs.size() - 1).complete() && runs.size() < 10);

        assertThat(runs).containsExactly(new DescendantRevocation(0, false), new DescendantRevocation(0, false),
                new DescendantRevocation(0, true));
        for (List<String> run : calls) {
            assertThat(run).filteredOn("QueryRequest"::equals).hasSize(1);
            assertThat(run).filteredOn("GetItemRequest"::equals).hasSize(1);
            assertThat(run).filteredOn("BatchGetItemRequest"::equals).hasSizeLessThanOrEqualTo(10);
            assertThat(run).filteredOn("DeleteItemRequest"::equals).hasSizeLessThanOrEqualTo(10);
            assertThat(run).hasSizeLessThanOrEqualTo(22);
        }
        assertThat(allItems()).extracting(stored -> stored.get("sk").s()).noneMatch(sk -> sk.startsWith("MINTED#"));
    }

    /**
     * Children minted while their parent is revoked: each one either failed, or was stored before the revocation
     * and so is found by the revocation of its children that follows it. None is left live.
     */
    @Test
    void tokensMintedWhileTheirParentIsRevokedAreEitherRevokedWithItOrNeverStored() throws Exception {
        TokenRecord parent = token().requestedFor(PARTNER).build();
        store.insert(parent);
        ConcurrentLinkedQueue<TokenRecord> stored = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TokenRecord> refused = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch someStored = new CountDownLatch(10);
        List<Future<?>> minters = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            boolean forMerchant = thread % 2 == 0;
            minters.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 1_000; i++) {
                    TokenRecord token = (forMerchant ? token() : token().requestedFor(PARTNER)).mintedWith(parent)
                            .build();
                    try {
                        store.insert(token);
                        stored.add(token);
                        someStored.countDown();
                    } catch (ParentTokenRevokedException revoked) {
                        refused.add(token);
                        return null;
                    }
                }
                throw new AssertionError("the revocation never stopped the inserts");
            }));
        }
        Future<DescendantRevocation> revocation = threads.submit(() -> {
            start.await();
            someStored.await();
            TokenRecord revoked = store.revoke(PARTNER, parent.id(), FIRST_REVOCATION).orElseThrow();
            return store.revokeMintedWith(revoked, FIRST_REVOCATION, AUDIT, Integer.MAX_VALUE);
        });
        start.countDown();
        for (Future<?> minter : minters) {
            minter.get(120, TimeUnit.SECONDS);
        }
        DescendantRevocation cascade = revocation.get(120, TimeUnit.SECONDS);

        assertThat(refused).hasSize(4);
        assertThat(cascade).isEqualTo(new DescendantRevocation(stored.size(), true));
        assertThat(stored.size()).isGreaterThanOrEqualTo(10);
        for (TokenRecord token : stored) {
            assertThat(store.findForOrganisation(token.requestedOrganisation(), token.id()))
                    .contains(token.revokedAt(FIRST_REVOCATION));
        }
        for (TokenRecord token : refused) {
            assertThat(store.findForOrganisation(token.requestedOrganisation(), token.id())).isEmpty();
        }
        assertThat(store.revokeAll(MERCHANT, REVOKE_ALL)).isZero();
    }

    /** Adds an active API key of {@code organisation}; its lineage. */
    private KeyLineage activeKey(OrganisationId organisation, String label) {
        ApiKeyHash hash = ApiKeyHash.of("gk_test_" + label.replace(' ', '_') + "_" + UUID.randomUUID());
        if (organisations.find(organisation).isEmpty()) {
            organisations.create(merchant(organisation.value()).build(), ISSUED);
        }
        assertThat(apiKeys.add(new ApiKeyRecord(hash, organisation, true, ISSUED, label))).isTrue();
        return new KeyLineage(organisation, hash.keyId());
    }

    private List<Map<String, AttributeValue>> partition(OrganisationId organisation) {
        return client.queryPaginator(query -> query.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(organisation.value()))))
                .items().stream().toList();
    }

    private List<Map<String, AttributeValue>> allItems() {
        return client.scanPaginator(scan -> scan.tableName(table).consistentRead(true)).items().stream().toList();
    }

    /** What the issuer does: read the generation, insert, and start again if a revoke-all ended it meanwhile. */
    private TokenRecord issueRetryingWhenStale() {
        for (int attempt = 0; attempt < 100; attempt++) {
            TokenRecord token = token().generation(store.currentGeneration(MERCHANT)).build();
            try {
                store.insert(token);
                return token;
            } catch (StaleGenerationException raced) {
                // Try again in the new generation.
            }
        }
        throw new AssertionError("insert stayed stale for 100 attempts");
    }

    private Map<String, AttributeValue> item(String partition, String sort) {
        return client.getItem(request -> request.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(partition), "sk", AttributeValue.fromS(sort)))).item();
    }

    /** The record as the store shows it once a token was minted with it. */
    private static TokenRecord markedMinted(TokenRecord token) {
        return TestTokens.withMinted(token, true);
    }

    private static TokenId newTokenId() {
        return TokenId.of(UUID.randomUUID());
    }
}
