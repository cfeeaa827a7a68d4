package dev.gatekeeper.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.config.Gatekeeper;

/**
 * GET /.well-known/jwks.json: the public keys of the current and previous signing keys, for resource servers that
 * verify our tokens offline with a standard JWKS client. Public: no credentials. It reads the public key set only,
 * which holds exactly what it serves.
 *
 * <p>Served from the container's key cache and cacheable for as long as that cache lives. A longer
 * {@code max-age} would let clients keep trusting a key removed from the secret well after our own functions stop
 * accepting it; a shorter one would add requests without making anything fresher, since what this function serves
 * is itself up to that old. So a removed key is gone everywhere within two cache periods. A new key needs no
 * waiting: JWKS clients refetch when they meet an unknown {@code kid}.
 */
public final class JwksHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final Gatekeeper gatekeeper;

    public JwksHandler() {
        this(Gatekeeper.sharedVerifyOnly());
    }

    public JwksHandler(Gatekeeper gatekeeper) {
        this.gatekeeper = gatekeeper;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return gatekeeper.endpoint().handlePublic("getJwks", event, context, request -> TokenResponses.jwks(
                gatekeeper.verificationKeys().publicKeys().publicJwkSet(), gatekeeper.verificationKeys().maxAge()));
    }
}
