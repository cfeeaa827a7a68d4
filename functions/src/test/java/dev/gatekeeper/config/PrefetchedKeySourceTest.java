package dev.gatekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.keys.InvalidSigningKeysException;
import dev.gatekeeper.core.keys.PublicKeySource;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySource;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.testing.MutableClock;
import dev.gatekeeper.testing.TestKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PrefetchedKeySourceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));

    /** Answers from a queue of outcomes, counting its loads. */
    private static final class ScriptedSource implements SigningKeySource {
        final AtomicInteger loads = new AtomicInteger();
        final Deque<Supplier<SigningKeySet>> outcomes = new ArrayDeque<>();

        @Override
        public synchronized SigningKeySet load() {
            loads.incrementAndGet();
            return outcomes.remove().get();
        }
    }

    @Test
    void theFirstLoadGetsThePrefetchedKeysAndLaterLoadsGoToTheSource() {
        ScriptedSource source = new ScriptedSource();
        SigningKeySet prefetched = TestKeys.only(TestKeys.FIRST);
        SigningKeySet rotated = TestKeys.rotated();
        source.outcomes.add(() -> prefetched);
        source.outcomes.add(() -> rotated);

        PrefetchedKeySource<SigningKeySet> keys = PrefetchedKeySource.start(source, clock);

        assertThat(keys.load()).isSameAs(prefetched);
        assertThat(keys.load()).isSameAs(rotated);
        assertThat(source.loads).hasValue(2);
    }

    @Test
    void aFailedPrefetchIsThrownAsTheSourceThrewItAndTheNextLoadTriesAgain() {
        ScriptedSource source = new ScriptedSource();
        source.outcomes.add(() -> {
            throw new InvalidSigningKeysException("no current value");
        });
        SigningKeySet later = TestKeys.only(TestKeys.FIRST);
        source.outcomes.add(() -> later);

        PrefetchedKeySource<SigningKeySet> keys = PrefetchedKeySource.start(source, clock);

        assertThatThrownBy(keys::load).isInstanceOf(InvalidSigningKeysException.class).hasMessageContaining("no current value");
        assertThat(keys.load()).isSameAs(later);
    }

    @Test
    void prefetchedKeysOlderThanTheLimitAreNotHandedOutAsNew() throws InterruptedException {
        ScriptedSource source = new ScriptedSource();
        SigningKeySet old = TestKeys.only(TestKeys.FIRST);
        SigningKeySet fresh = TestKeys.rotated();
        source.outcomes.add(() -> old);
        source.outcomes.add(() -> fresh);

        PrefetchedKeySource<SigningKeySet> keys = PrefetchedKeySource.start(source, clock);
        while (!keys.prefetchDone()) {
            Thread.sleep(5); // the prefetch has run; its keys are as old as the clock says from here on
        }
        // For example a SnapStart snapshot restored long after the keys were fetched.
        clock.advance(PrefetchedKeySource.MAX_PREFETCH_AGE.plus(Duration.ofSeconds(1)));

        assertThat(keys.load()).isSameAs(fresh);
    }

    /** The verify-only functions prefetch their public key set the same way. */
    @Test
    void aPublicKeySetIsPrefetchedTheSameWay() {
        VerificationKeySet published = TestKeys.rotated().verificationKeys();
        AtomicInteger loads = new AtomicInteger();
        PublicKeySource source = () -> {
            loads.incrementAndGet();
            return published;
        };

        PrefetchedKeySource<VerificationKeySet> keys = PrefetchedKeySource.start(source, clock);

        assertThat(keys.load()).isSameAs(published);
        assertThat(loads).hasValue(1);
    }
}
