package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatekeeper.core.auth.AccessAuthorizer;
import dev.gatekeeper.core.auth.AccessDecision;
import dev.gatekeeper.core.auth.AuthorizationHeader;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow of the REST API {@code REQUEST} authorizer: read the {@code Authorization} header and the source
 * address, decide, answer with a policy, and log the outcome once with the request id.
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

    private final AccessAuthorizer authorizer;

    public AuthorizerEndpoint(AccessAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    public IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event) {
        String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
        String resource;
        try {
            resource = AuthorizerPolicies.stageWildcard(event.getMethodArn());
        } catch (IllegalArgumentException e) {
            LOG.error("operation=authorize requestId={} status=500 reason=\"{}\"", requestId, e.getMessage());
            throw new Unavailable();
        }
        try {
            AccessDecision decision = authorizer.decide(AuthorizationHeader.parse(authorization(event)), sourceIp(event));
            LOG.info("operation=authorize requestId={} organisation={} decision={}", requestId,
                    decision.organisation(), decision instanceof AccessDecision.Allow ? "allow" : "deny");
            return AuthorizerPolicies.policy(decision, resource);
        } catch (GatekeeperException e) {
            if (e.code() == ErrorCode.UNAUTHORIZED) {
                LOG.info("operation=authorize requestId={} status=401 reason=\"{}\"", requestId, e.description());
                throw new Unauthorized();
            }
            LOG.error("operation=authorize requestId={} status=500 returnCode={} cause={}", requestId, e.code(),
                    e.getCause() == null ? e.description() : e.getCause().toString());
            throw new Unavailable();
        } catch (RuntimeException e) {
            LOG.error("operation=authorize requestId={} status=500 unexpected failure", requestId, e);
            throw new Unavailable();
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
