package dev.gatekeeper.observability;

import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.token.RevokedToken;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one invocation counted, published as one EMF line by {@link #publish()} when it ends. Not thread-safe: an
 * invocation runs on one thread.
 */
public final class RequestMetrics {
    /** The counted metrics (unit Count), by their CloudWatch names. */
    enum Count {
        TOKENS_ISSUED("TokensIssued"),
        TOKENS_REVOKED("TokensRevoked"),
        REVOKE_ALL_CALLS("RevokeAllCalls"),
        REVOKED_BY_REVOKE_ALL("RevokedByRevokeAll"),
        MINTED_TOKENS_REMAIN("MintedTokensRemain"),
        AUTH_FAILURES("AuthFailures"),
        DEPENDENCY_ERRORS("DependencyErrors");

        private final String metricName;

        Count(String metricName) {
            this.metricName = metricName;
        }

        String metricName() {
            return metricName;
        }
    }

    private final EmfMetrics emitter;
    private final String function;
    private final String operation;
    private final String requestId;
    private final long startMillis;
    private final Map<Count, Long> counts = new EnumMap<>(Count.class);
    private AuthFailure authFailure;
    private boolean published;

    RequestMetrics(EmfMetrics emitter, String function, String operation, String requestId, long startMillis) {
        this.emitter = emitter;
        this.function = function;
        this.operation = operation;
        this.requestId = requestId;
        this.startMillis = startMillis;
    }

    public void tokenIssued() {
        add(Count.TOKENS_ISSUED, 1);
    }

    /**
     * A single token revoked on request (a repeated, idempotent revocation counts again); and, if the revocation of
     * the tokens minted with it stopped before it was done, one {@code MintedTokensRemain}, to alarm on.
     */
    public void tokenRevoked(RevokedToken token) {
        add(Count.TOKENS_REVOKED, 1);
        if (token.mintedTokensRemain()) {
            add(Count.MINTED_TOKENS_REMAIN, 1);
        }
    }

    /** A revoke-all, and the number of active tokens it revoked. */
    public void revokedAll(long revokedTokens) {
        add(Count.REVOKE_ALL_CALLS, 1);
        add(Count.REVOKED_BY_REVOKE_ALL, revokedTokens);
    }

    /** Credentials refused; one reason per invocation, the first recorded. */
    public void authFailure(AuthFailure reason) {
        if (authFailure == null) {
            authFailure = reason;
            add(Count.AUTH_FAILURES, 1);
        }
    }

    /** The table or the signing keys could not be reached (a 503). */
    public void dependencyError() {
        add(Count.DEPENDENCY_ERRORS, 1);
    }

    /** Writes the invocation's EMF line, with its latency until now; at most once. */
    public void publish() {
        if (!published) {
            published = true;
            emitter.publish(this);
        }
    }

    private void add(Count count, long value) {
        counts.merge(count, value, Long::sum);
    }

    Map<Count, Long> counts() {
        return counts;
    }

    String authFailureReason() {
        return authFailure == null ? null : authFailure.label();
    }

    String function() {
        return function;
    }

    String operation() {
        return operation;
    }

    String requestId() {
        return requestId;
    }

    long startMillis() {
        return startMillis;
    }
}
