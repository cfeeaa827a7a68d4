package dev.gatekeeper.config;

import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A key source whose first load starts at once, on a thread of its own, so that a Lambda container fetches and
 * parses its signing keys while it is still building its DynamoDB client, instead of after it.
 *
 * <p>The first {@link #load()} waits for that fetch and returns its outcome (its key set, or its failure, thrown as
 * the delegate threw it: the caller's error handling sees exactly what a direct load would have given). Every later
 * call loads from the delegate. A prefetched key set older than {@link #MAX_PREFETCH_AGE} when it is first asked
 * for is not used (a load from the delegate replaces it): the key cache measures its age from the moment it gets
 * it, so old keys must not reach it as new ones, for example from a SnapStart snapshot taken long before.
 */
public final class PrefetchedSigningKeySource implements SigningKeySource {
    static final Duration MAX_PREFETCH_AGE = Duration.ofSeconds(30);

    private record Fetched(SigningKeySet keys, Instant at) {
    }

    private final SigningKeySource delegate;
    private final Clock clock;
    private final CompletableFuture<Fetched> prefetch = new CompletableFuture<>();
    private volatile boolean prefetchUsed;

    private PrefetchedSigningKeySource(SigningKeySource delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts loading from {@code delegate} now, on a daemon thread. */
    public static PrefetchedSigningKeySource start(SigningKeySource delegate, Clock clock) {
        PrefetchedSigningKeySource source = new PrefetchedSigningKeySource(delegate, clock);
        Thread thread = new Thread(() -> {
            try {
                source.prefetch.complete(new Fetched(delegate.load(), clock.instant()));
            } catch (Throwable e) {
                source.prefetch.completeExceptionally(e);
            }
        }, "gatekeeper-signing-keys");
        thread.setDaemon(true);
        thread.start();
        return source;
    }

    @Override
    public SigningKeySet load() {
        if (!prefetchUsed) {
            synchronized (this) {
                if (!prefetchUsed) {
                    prefetchUsed = true;
                    Fetched fetched = awaitPrefetch();
                    if (!clock.instant().isAfter(fetched.at().plus(MAX_PREFETCH_AGE))) {
                        return fetched.keys();
                    }
                }
            }
        }
        return delegate.load();
    }

    /** Whether the prefetch has finished, one way or the other (for tests). */
    boolean prefetchDone() {
        return prefetch.isDone();
    }

    private Fetched awaitPrefetch() {
        try {
            return prefetch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
