package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.auth.AccessAuthorizer;
import dev.gatekeeper.core.auth.AccessDecision;
import dev.gatekeeper.core.auth.AuthorizationHeader;
import dev.gatekeeper.core.error.AuthFailure;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.observability.EmfMetrics;
import dev.gatekeeper.observability.RequestTelemetry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow of the REST API {@code REQUEST} authorizer: read the {@code Authorization} header and the source
 * address, decide, answer with a policy; log the outcome in one line and publish the request's metrics.
 *
 * <p>API Gateway's contract: a policy that allows is 2xx onwards, one that denies is 403, the error message
 * {@code Unauthorized} is 401, and any other failure is 500. So invalid credentials throw {@link Unauthorized}
 * and an outage throws {@link Unavailable}: both fail closed, and neither carries anything about the cause.
 */
public final class AuthorizerEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerEndpoint.class);

    /** API Gateway answers 401 for exactly this message; no stack trace, it is an expected outcome. */
    public static final class Unauthorized extends RuntimeException {
        public Unauthorized() {
            super("Unauthorized", null, false, false);
        }
    }

    /** API Gateway answers 500; the cause is logged here, never returned. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable() {
            super("Authorizer unavailable", null, false, false);
        }
    }

    /** The operation name in logs and metrics. */
    public static final String OPERATION = "authorize";

    private final AccessAuthorizer authorizer;
    private final EmfMetrics metrics;
    private final AuditLog auditLog;
    private final Clock clock;
    private final Supplier<UUID> auditIds;

    public AuthorizerEndpoint(AccessAuthorizer authorizer, EmfMetrics metrics, AuditLog auditLog, Clock clock,
                              Supplier<UUID> auditIds) {
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.auditLog = auditLog;
        this.clock = clock;
        this.auditIds = auditIds;
    }

    /**
     * Decides one request. Its last log line has the outcome: {@code allow}, {@code deny} (API Gateway answers
     * 403), {@code unauthorized} (401) or {@code error} (500).
     *
     * @param context the Lambda context (function name, invocation id); null where there is none
     */
    public IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event, Context context) {
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        try (RequestTelemetry telemetry = RequestTelemetry.start(metrics, OPERATION, requestId, context)) {
            return authorize(event, telemetry);
        }
    }

    private IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event, RequestTelemetry telemetry) {
        String resource;
        try {
            resource = AuthorizerPolicies.stageWildcard(event.getMethodArn());
        } catch (IllegalArgumentException e) {
            telemetry.outcome("error");
            telemetry.failedUnexpectedly();
            LOG.error("authorize failed: the method ARN is not one of API Gateway's", e);
            throw new Unavailable();
        }
        try {
            AccessDecision decision = authorizer.decide(AuthorizationHeader.parse(authorization(event)), sourceIp(event));
            telemetry.organisation(decision.organisation().value());
            if (decision instanceof AccessDecision.Deny) {
                telemetry.outcome("deny");
                telemetry.authFailure(AuthFailure.IP_NOT_ALLOWED);
                recordRefusal(event, decision.organisation(), AuthFailure.IP_NOT_ALLOWED);
            } else {
                telemetry.credential(((AccessDecision.Allow) decision).credentialId());
                telemetry.outcome("allow");
            }
            LOG.info("authorize decided {}", decision instanceof AccessDecision.Allow ? "allow" : "deny");
            return AuthorizerPolicies.policy(decision, resource);
        } catch (GatekeeperException e) {
            telemetry.failed(e);
            if (e.code() == ErrorCode.UNAUTHORIZED) {
                telemetry.outcome("unauthorized");
                // Only genuine credentials (a stored key, a token whose signature verified) are recorded: a flood
                // of forged or garbage tokens must not turn into a write per request.
                e.credentialOwner().ifPresent(owner -> recordRefusal(event, owner, e.authFailure().orElseThrow()));
                LOG.info("authorize refused the credentials: {}", e.description());
                throw new Unauthorized();
            }
            telemetry.outcome("error");
            LOG.error("authorize failed: {}", e.description(), e);
            throw new Unavailable();
        } catch (RuntimeException e) {
            telemetry.outcome("error");
            telemetry.failedUnexpectedly();
            LOG.error("authorize failed unexpectedly", e);
            throw new Unavailable();
        }
    }

    /** Best-effort, like the token API's: the decision stands whether or not the record is written. */
    private void recordRefusal(APIGatewayCustomAuthorizerEvent event, OrganisationId owner, AuthFailure reason) {
        try {
            String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
            auditLog.record(AuditEvent.refused(auditIds.get(), Optional.of(owner), reason.label(),
                    Instant.ofEpochMilli(clock.millis()), sourceIp(event), requestId));
        } catch (RuntimeException e) {
            LOG.error("Could not record refused credentials in the audit log", e);
        }
    }

    /** The REQUEST event's header map is single-valued (API Gateway keeps the last of repeated headers). */
    private static List<String> authorization(APIGatewayCustomAuthorizerEvent event) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return List.of();
        }
        return headers.entrySet().stream()
                .filter(header -> "Authorization".equalsIgnoreCase(header.getKey()) && header.getValue() != null)
                .map(Map.Entry::getValue)
                .toList();
    }

    private static String sourceIp(APIGatewayCustomAuthorizerEvent event) {
        var context = event.getRequestContext();
        return context == null || context.getIdentity() == null ? null : context.getIdentity().getSourceIp();
    }
}
