package dev.gatekeeper.config;

import dev.gatekeeper.core.keys.KeySource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A key source whose first load starts at once, on a thread of its own, so that a Lambda container fetches and
 * parses its keys (the private signing keys or the public key set, whichever the function reads) while it is still
 * building its DynamoDB client, instead of after it.
 *
 * <p>The first {@link #load()} waits for that fetch and returns its outcome (its key set, or its failure, thrown as
 * the delegate threw it: the caller's error handling sees exactly what a direct load would have given). Every later
 * call loads from the delegate. A prefetched key set older than {@link #MAX_PREFETCH_AGE} when it is first asked
 * for is not used (a load from the delegate replaces it): the key cache measures its age from the moment it gets
 * it, so old keys must not reach it as new ones, for example from a SnapStart snapshot taken long before.
 */
public final class PrefetchedKeySource<S> implements KeySource<S> {
    static final Duration MAX_PREFETCH_AGE = Duration.ofSeconds(30);

    private record Fetched<S>(S keys, Instant at) {
    }

    private final KeySource<S> delegate;
    private final Clock clock;
    private final CompletableFuture<Fetched<S>> prefetch = new CompletableFuture<>();
    private volatile boolean prefetchUsed;

    private PrefetchedKeySource(KeySource<S> delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts loading from {@code delegate} now, on a daemon thread. */
    public static <S> PrefetchedKeySource<S> start(KeySource<S> delegate, Clock clock) {
        PrefetchedKeySource<S> source = new PrefetchedKeySource<>(delegate, clock);
        Thread thread = new Thread(() -> {
            try {
                source.prefetch.complete(new Fetched<>(delegate.load(), clock.instant()));
            } catch (Throwable e) {
                source.prefetch.completeExceptionally(e);
            }
        }, "gatekeeper-keys");
        thread.setDaemon(true);
        thread.start();
        return source;
    }

    @Override
    public S load() {
        if (!prefetchUsed) {
            synchronized (this) {
                if (!prefetchUsed) {
                    prefetchUsed = true;
                    Fetched<S> fetched = awaitPrefetch();
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

    private Fetched<S> awaitPrefetch() {
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
