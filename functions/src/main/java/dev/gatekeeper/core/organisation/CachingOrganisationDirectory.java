package dev.gatekeeper.core.organisation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A container's short-lived memory of organisation profiles, for the request authorizer, which would otherwise
 * read a profile (the IP allow-list, the kind of organisation) on every decision.
 *
 * <p>Freshness: a profile change (allow-list, scopes) reaches a container at most {@code timeToLive} after it is
 * written. Revocation is never cached, so this delay never keeps a revoked token or API key working. Unknown
 * organisations are not remembered: a lookup that finds nothing is asked again next time.
 *
 * <p>Bounded: with {@code maxEntries} profiles held, the memory is emptied and fills again from the next lookups,
 * which is cheaper than bookkeeping for a least-recently-used order and costs at worst one read per profile.
 */
public final class CachingOrganisationDirectory implements OrganisationDirectory {
    private final OrganisationDirectory source;
    private final Clock clock;
    private final Duration timeToLive;
    private final int maxEntries;
    private final ConcurrentMap<OrganisationId, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Organisation organisation, Instant loadedAt) {
    }

    public CachingOrganisationDirectory(OrganisationDirectory source, Clock clock, Duration timeToLive, int maxEntries) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeToLive = Objects.requireNonNull(timeToLive, "timeToLive");
        if (timeToLive.isNegative() || maxEntries < 1) {
            throw new IllegalArgumentException("timeToLive must not be negative and maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
    }

    @Override
    public Optional<Organisation> find(OrganisationId id) {
        Instant now = clock.instant();
        Entry entry = entries.get(id);
        if (entry != null && now.isBefore(entry.loadedAt().plus(timeToLive))) {
            return Optional.of(entry.organisation());
        }
        Optional<Organisation> loaded = source.find(id);
        if (loaded.isPresent()) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(id, new Entry(loaded.get(), now));
        } else {
            entries.remove(id);
        }
        return loaded;
    }
}
