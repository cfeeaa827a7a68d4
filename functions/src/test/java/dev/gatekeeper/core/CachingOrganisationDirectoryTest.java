package dev.gatekeeper.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.core.organisation.CachingOrganisationDirectory;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationDirectory;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.MutableClock;
import dev.gatekeeper.testing.TestOrganisations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachingOrganisationDirectoryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final Map<OrganisationId, Organisation> stored = new HashMap<>();
    private final List<OrganisationId> reads = new ArrayList<>();
    private final OrganisationDirectory source = id -> {
        reads.add(id);
        return Optional.ofNullable(stored.get(id));
    };
    private final CachingOrganisationDirectory cache = new CachingOrganisationDirectory(source, clock, Duration.ofSeconds(30), 2);

    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");

    private void store(Organisation organisation) {
        stored.put(organisation.id(), organisation);
    }

    @Test
    void aProfileIsReadOnceAndServedFromMemoryForItsLifetime() {
        store(TestOrganisations.merchant("merchant01").build());

        cache.find(MERCHANT);
        clock.advance(Duration.ofSeconds(29));
        cache.find(MERCHANT);

        assertThat(reads).containsExactly(MERCHANT);
    }

    @Test
    void aChangedProfileIsSeenOnceItsLifetimeEnds() {
        store(TestOrganisations.merchant("merchant01").build());
        cache.find(MERCHANT);
        store(TestOrganisations.merchant("merchant01").withIpAllowList("10.0.0.0/8").build());

        assertThat(cache.find(MERCHANT).orElseThrow().ipFiltering()).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.find(MERCHANT).orElseThrow().ipFiltering()).isTrue();
        assertThat(reads).hasSize(2);
    }

    @Test
    void anUnknownOrganisationIsAskedForEveryTime() {
        assertThat(cache.find(MERCHANT)).isEmpty();
        store(TestOrganisations.merchant("merchant01").build());
        assertThat(cache.find(MERCHANT)).isPresent();
        assertThat(reads).hasSize(2);
    }

    @Test
    void aFullMemoryStartsAgainRatherThanGrowing() {
        for (String id : List.of("merchant01", "merchant02", "merchant03")) {
            store(TestOrganisations.merchant(id).build());
            cache.find(new OrganisationId(id));
        }
        reads.clear();

        cache.find(new OrganisationId("merchant03"));
        cache.find(MERCHANT);

        assertThat(reads).containsExactly(MERCHANT);
    }
}
