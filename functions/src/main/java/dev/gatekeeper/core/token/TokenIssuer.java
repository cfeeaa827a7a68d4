package dev.gatekeeper.core.token;

import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.auth.Caller;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.ErrorDetail;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.Organisation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Issues access and application tokens: checks the request against the organisation's rules, signs the JWT,
 * stores the record, and only then hands the token out.
 */
public final class TokenIssuer {
    static final int MAX_SCOPES = 100;
    /**
     * The deepest a token may be minted below an API key ({@link TokenRecord#mintDepth()}): a partner's token minting
     * one for its merchant is 1. Bounded because revoking a token walks down everything minted below it, and each
     * level costs round trips that a request's budget of steps does not count (see {@code TokenRevocation}).
     */
    public static final int MAX_MINT_DEPTH = 8;
    /** One attempt more than two concurrent revoke-alls need, as the first may use a remembered, stale generation. */
    private static final int MAX_STALE_RETRIES = 4;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final TokenStore store;
    private final JwtAccessTokenSigner signer;
    private final TokenSettings settings;
    private final Clock clock;
    private final Supplier<UUID> tokenIds;
    private final Executor signing;

    /**
     * @param signing where signatures are computed while the record is stored: a thread other than the caller's
     *                (the caller's own, {@code Runnable::run}, makes issuance sequential again)
     */
    public TokenIssuer(TokenStore store, JwtAccessTokenSigner signer, TokenSettings settings, Clock clock,
                       Supplier<UUID> tokenIds, Executor signing) {
        this.store = store;
        this.signer = signer;
        this.settings = settings;
        this.clock = clock;
        this.tokenIds = tokenIds;
        this.signing = Objects.requireNonNull(signing, "signing");
    }

    /** An access token for {@code target}, which is the caller itself or an organisation below it. */
    public IssuedToken issue(Caller caller, Organisation target, TokenRequest request) {
        return issue(caller, target, request, unidentifiedRequest(caller));
    }

    /** As {@link #issue(Caller, Organisation, TokenRequest)}; {@code audit} describes the caller's request. */
    public IssuedToken issue(Caller caller, Organisation target, TokenRequest request, AuditContext audit) {
        requireMayMint(caller);
        int expiresIn = expiresIn(request.expiresIn());
        List<String> scopes = allowedNames(request.scopes(), target.allowedScopes(), "scopes", "scope");
        return store(caller, target, scopes, expiresIn, false, null, audit);
    }

    /** An application token: product-scoped, read-oriented and never IP-filtered. */
    public IssuedToken issueApplication(Caller caller, Organisation target, ApplicationTokenRequest request) {
        return issueApplication(caller, target, request, unidentifiedRequest(caller));
    }

    /** As {@link #issueApplication(Caller, Organisation, ApplicationTokenRequest)}; {@code audit} describes the request. */
    public IssuedToken issueApplication(Caller caller, Organisation target, ApplicationTokenRequest request,
                                        AuditContext audit) {
        requireMayMint(caller);
        int expiresIn = expiresIn(request.expiresIn());
        List<String> products = allowedNames(request.products(), target.products(), "products", "product");
        String resourceId = request.resourceId();
        if (resourceId == null || !RESOURCE_ID.matcher(resourceId).matches()) {
            throw GatekeeperException.validation(resourceId == null ? "REQUIRED" : "INVALID",
                    "resourceId must be 1 to 64 letters, digits, '-' or '_'", "resourceId");
        }
        return store(caller, target, products, expiresIn, true, resourceId, audit);
    }

    private IssuedToken store(Caller caller, Organisation target, List<String> scopes, int expiresIn,
                              boolean application, String resourceId, AuditContext audit) {
        Organisation requester = caller.organisation();
        for (int attempt = 1; ; attempt++) {
            // Millisecond precision: what the JWT and the response carry is exactly what is stored.
            Instant now = Instant.ofEpochMilli(clock.millis());
            Instant expiresAt = lifetimeEnd(caller, now, expiresIn);
            TokenRecord record = new TokenRecord(
                    TokenId.of(tokenIds.get()), target.id(), requester.id(), target.accessType(),
                    requester.accessType(), target.parentId(), scopes,
                    !application && requester.ipFiltering(), requester.mtlsFilter(),
                    now, expiresAt, store.currentGeneration(target.id()), null,
                    application, resourceId, signer.currentKeyId(), caller.lineage().orElse(null),
                    caller.presentedToken().orElse(null));
            // The signature (CPU: RS256 is ~11 ms under Lambda's C1-only JIT) and the insert (a round trip) need
            // nothing from each other, so a token costs the longer of the two rather than their sum. The JWT is
            // handed out only once both have succeeded.
            JwtAccessTokenSigner.UnsignedToken unsigned = signer.prepare(record);
            CompletableFuture<String> jwt = CompletableFuture.supplyAsync(unsigned::sign, signing);
            try {
                store.insert(record, audit);
                return new IssuedToken(record, signatureOf(jwt, record, audit));
            } catch (StaleGenerationException raced) {
                // A revoke-all ended the generation we read; issue again in the new one, or the token would be
                // born revoked. Not for a bearer token that revoke-all ended: the insert checks the parent's own
                // generation too, so the retry is refused (ParentTokenRevokedException) rather than stored.
                if (attempt >= MAX_STALE_RETRIES) {
                    throw GatekeeperException.unavailable("Tokens of this organisation are being revoked; retry", raced);
                }
            } catch (ApiKeyRevokedException raced) {
                throw keyRevoked(caller);
            } catch (ParentTokenRevokedException raced) {
                throw revokedToken(caller);
            }
        }
    }

    /**
     * The JWT of a stored record. If its signature failed (a broken key, a failing random source), the record is
     * stored for a token nobody will ever hold: it is revoked, so that nothing counts it as active, before the
     * failure is reported.
     */
    private String signatureOf(CompletableFuture<String> jwt, TokenRecord record, AuditContext audit) {
        try {
            return jwt.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            GatekeeperException failure = cause instanceof GatekeeperException gatekeeper ? gatekeeper
                    : GatekeeperException.unavailable("Token signing failed", cause);
            try {
                store.revoke(record.requestedOrganisation(), record.id(), Instant.ofEpochMilli(clock.millis()), audit);
            } catch (RuntimeException revocationFailed) {
                failure.addSuppressed(revocationFailed);
            }
            throw failure;
        }
    }

    /**
     * A token minted with a bearer token ends no later than that token. Otherwise a short-lived admin token could
     * mint a year-long one, and expiry or revocation of the first would not end the access it handed on.
     */
    private static Instant lifetimeEnd(Caller caller, Instant now, int expiresIn) {
        Instant requested = now.plusSeconds(expiresIn);
        Optional<Instant> parentEnd = caller.bearerToken().map(AccessTokenClaims::expiresAt);
        if (parentEnd.isEmpty() || parentEnd.get().isAfter(requested)) {
            return requested;
        }
        if (!parentEnd.get().isAfter(now)) {
            // Verified as unexpired a moment ago, expired since: refused as any expired token is.
            throw GatekeeperException.unauthorized(AuthFailure.INVALID_TOKEN, "Invalid token");
        }
        return parentEnd.get();
    }

    /**
     * The key the caller's credential descends from was revoked after the credential was checked: refused as the
     * revoked key itself, or the token it obtained, is refused on the next request.
     */
    private static GatekeeperException keyRevoked(Caller caller) {
        return caller.usedApiKey()
                ? GatekeeperException.unauthorized(AuthFailure.INVALID_API_KEY, "Invalid credentials")
                        .refusingCredentialOf(caller.organisation().id())
                : revokedToken(caller);
    }

    /** A bearer token may mint only while the token it mints stays within {@link #MAX_MINT_DEPTH}. */
    private static void requireMayMint(Caller caller) {
        if (caller.presentedToken().filter(parent -> parent.depth() >= MAX_MINT_DEPTH).isPresent()) {
            throw GatekeeperException.forbidden(AuthFailure.MINT_DEPTH_EXCEEDED,
                            "This token was itself requested with a chain of tokens too long to request another")
                    .refusingCredentialOf(caller.organisation().id());
        }
    }

    /** The caller's bearer token was revoked after it was checked: the refusal its next request would get. */
    private static GatekeeperException revokedToken(Caller caller) {
        return GatekeeperException.unauthorized(AuthFailure.REVOKED_TOKEN, "Invalid token")
                .refusingCredentialOf(caller.organisation().id());
    }

    private static AuditContext unidentifiedRequest(Caller caller) {
        return new AuditContext(caller.organisation().id(), caller.sourceIp(), null);
    }

    private int expiresIn(Integer requested) {
        if (requested == null) {
            return settings.defaultExpiresInSeconds();
        }
        if (requested < settings.minExpiresInSeconds() || requested > settings.maxExpiresInSeconds()) {
            throw GatekeeperException.validation("OUT_OF_RANGE", "expiresIn must be between "
                    + settings.minExpiresInSeconds() + " and " + settings.maxExpiresInSeconds() + " seconds", "expiresIn");
        }
        return requested;
    }

    /** The requested names, de-duplicated in order, each one the organisation may have. */
    private static List<String> allowedNames(List<String> requested, Set<String> allowed, String field, String noun) {
        if (requested == null || requested.isEmpty()) {
            throw GatekeeperException.validation("REQUIRED", "At least one " + noun + " is required", field);
        }
        if (requested.size() > MAX_SCOPES) {
            throw GatekeeperException.validation("TOO_MANY", "At most " + MAX_SCOPES + " " + noun + "s may be requested", field);
        }
        Set<String> unique = new LinkedHashSet<>();
        List<ErrorDetail> problems = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i);
            String path = field + "[" + i + "]";
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add(new ErrorDetail("INVALID", "Not a valid " + noun + " name", path));
            } else if (!allowed.contains(name)) {
                problems.add(new ErrorDetail("NOT_ALLOWED", "The organisation may not have " + noun + " '" + name + "'", path));
            } else {
                unique.add(name);
            }
        }
        if (!problems.isEmpty()) {
            throw GatekeeperException.validation(problems);
        }
        return List.copyOf(unique);
    }
}
