package dev.gatekeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final FakeTicker ticker = new FakeTicker();

    @Test
    void aFullBucketAdmitsItsBurstAtOnceThenRefuses() {
        TokenBucket bucket = new TokenBucket(5, 3, ticker);

        assertThat(bucket.tryAcquire()).isZero();
        assertThat(bucket.tryAcquire()).isZero();
        assertThat(bucket.tryAcquire()).isZero();

        assertThat(bucket.tryAcquire()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void anEmptyBucketRefillsAtItsRate() {
        TokenBucket bucket = new TokenBucket(5, 2, ticker);
        bucket.tryAcquire();
        bucket.tryAcquire();

        ticker.advanceMillis(100);
        assertThat(bucket.tryAcquire()).as("half a token").isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        ticker.advanceMillis(100);
        assertThat(bucket.tryAcquire()).isZero();
        assertThat(bucket.tryAcquire()).isPositive();
    }

    @Test
    void anIdleBucketRefillsNoFurtherThanItsBurst() {
        TokenBucket bucket = new TokenBucket(10, 4, ticker);
        bucket.tryAcquire();

        ticker.advanceMillis(60_000);

        assertThat(bucket.available()).isEqualTo(4.0);
        for (int i = 0; i < 4; i++) {
            assertThat(bucket.tryAcquire()).isZero();
        }
        assertThat(bucket.tryAcquire()).isPositive();
    }

    @Test
    void aRefusedRequestTakesNothing() {
        TokenBucket bucket = new TokenBucket(1, 1, ticker);
        bucket.tryAcquire();
        for (int i = 0; i < 100; i++) {
            bucket.tryAcquire();
        }

        ticker.advanceMillis(1_000);

        assertThat(bucket.tryAcquire()).isZero();
    }

    @Test
    void aRefundNeverFillsBeyondTheBurst() {
        TokenBucket bucket = new TokenBucket(1, 2, ticker);
        bucket.refund();
        assertThat(bucket.available()).isEqualTo(2.0);

        bucket.tryAcquire();
        bucket.refund();
        assertThat(bucket.isFull()).isTrue();
    }

    @Test
    void aBucketNeedsARateAndABurst() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, ticker)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, ticker)).isInstanceOf(IllegalArgumentException.class);
    }
}
