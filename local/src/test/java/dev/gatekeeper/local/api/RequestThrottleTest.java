package dev.gatekeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.local.template.ThrottleLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestThrottleTest {
    private static final List<String> ORG_A = List.of("Basic b3JnLWEta2V5Og==");
    private static final List<String> ORG_B = List.of("Basic b3JnLWIta2V5Og==");

    private final FakeTicker ticker = new FakeTicker();

    @Test
    void oneCredentialEmptiesOnlyItsOwnBucket() {
        RequestThrottle throttle = throttle(new ThrottleLimits(2, 2), new ThrottleLimits(100, 100));
        throttle.admit(ORG_A);
        throttle.admit(ORG_A);

        assertThat(throttle.admit(ORG_A)).hasValue(Duration.ofMillis(500));
        assertThat(throttle.admit(ORG_B)).isEmpty();
        assertThat(throttle.admit(ORG_B)).isEmpty();
    }

    @Test
    void aRequestTheStageRefusesGivesTheCallersTokenBack() {
        // A's bucket barely refills: only a refund can leave it two tokens after the refused request.
        RequestThrottle throttle = throttle(new ThrottleLimits(0.001, 2), new ThrottleLimits(1, 1));
        assertThat(throttle.admit(ORG_B)).isEmpty();

        assertThat(throttle.admit(ORG_A)).as("the stage is empty").isPresent();
        ticker.advanceMillis(1_000);

        assertThat(throttle.admit(ORG_A)).isEmpty();
        ticker.advanceMillis(1_000);
        assertThat(throttle.admit(ORG_A)).as("A still had its second token").isEmpty();
    }

    @Test
    void requestsWithoutCredentialsCountOnlyAgainstTheStage() {
        RequestThrottle throttle = throttle(new ThrottleLimits(1, 1), new ThrottleLimits(1, 3));

        assertThat(throttle.admit(List.of())).isEmpty();
        assertThat(throttle.admit(List.of())).isEmpty();
        assertThat(throttle.trackedCallers()).isZero();
        assertThat(throttle.admit(ORG_A)).isEmpty();
        assertThat(throttle.admit(List.of())).isPresent();
    }

    @Test
    void withoutLimitsEverythingIsAdmitted() {
        RequestThrottle throttle = RequestThrottle.none();

        for (int i = 0; i < 1_000; i++) {
            assertThat(throttle.admit(ORG_A)).isEmpty();
        }
    }

    private RequestThrottle throttle(ThrottleLimits perCaller, ThrottleLimits stage) {
        return new RequestThrottle(Optional.of(perCaller), Optional.of(stage), ticker);
    }
}
