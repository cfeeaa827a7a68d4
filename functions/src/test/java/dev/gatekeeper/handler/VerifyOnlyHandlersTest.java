package dev.gatekeeper.handler;

import static dev.gatekeeper.handler.DynamoDbFaultsTest.assertServiceUnavailable;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.nimbusds.jose.jwk.JWKSet;
import dev.gatekeeper.adapter.secretsmanager.SecretsManagerPublicKeySource;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.MotoServer;
import dev.gatekeeper.testing.TestLambdaContext;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.model.DeleteSecretRequest;

/**
 * The functions that only verify tokens or publish keys (JWKS, introspection, both revocations, the authorizer) as
 * deployed: with the public key set alone. They work without the private key secret, hold no private key, cannot
 * issue, and refuse to be given the private keys.
 */
class VerifyOnlyHandlersTest {
    private static final String LONG_LIVED = "{\"scopes\":[\"admin\"],\"expiresIn\":3600}";
    private static final String PARTNER_LONG_LIVED = "{\"scopes\":[\"bankadmin\"],\"expiresIn\":3600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private static Response call(Gatekeeper service,
                                 Function<Gatekeeper, ? extends RequestHandler<APIGatewayProxyRequestEvent,
                                         APIGatewayProxyResponseEvent>> handler,
                                 ApiEvents event) {
        var instance = handler.apply(service);
        return new Response(instance.handleRequest(event.build(), new TestLambdaContext(instance.getClass().getSimpleName())));
    }

    /**
     * Tokens are issued while the private key secret exists; then it is deleted, and fresh verify-only containers
     * (nothing cached) serve every verify-only operation from the public key secret alone.
     */
    @Test
    void everyVerifyOnlyFunctionWorksWithThePrivateKeySecretGone() throws Exception {
        Response merchant = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        Response partner = gk.requestToken(PARTNER_KEY, PARTNER_LONG_LIVED);
        Response another = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        Response forMerchant = gk.requestTokenFor(PARTNER_KEY, "merchant01", LONG_LIVED);
        MotoServer.shared().secretsManager().deleteSecret(DeleteSecretRequest.builder()
                .secretId(gk.secretArn).forceDeleteWithoutRecovery(true).build());
        Gatekeeper verifyOnly = gk.verifyingWith(LocalDynamoDb.shared().client());

        Response jwks = call(verifyOnly, JwksHandler::new, ApiEvents.get("/.well-known/jwks.json"));
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(JWKSet.parse(jwks.raw().getBody()).containsNonPublicKeys()).isFalse();
        var decision = new TokenAuthorizerHandler(verifyOnly).handleRequest(
                AuthorizerEvents.request().bearer(merchant.accessToken()).build(), new TestLambdaContext("authorizer"));
        assertThat(decision.getPrincipalId()).isEqualTo("merchant01");
        Response introspected = call(verifyOnly, IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect")
                .apiKey(PARTNER_KEY).form("token=" + merchant.accessToken()));
        assertThat(introspected.body().get("active").asBoolean()).isTrue();
        assertThat(call(verifyOnly, RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId",
                merchant.tokenId()).bearer(another.accessToken())).status()).as("bearer-authenticated revoke").isEqualTo(200);
        assertThat(call(verifyOnly, OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                .form("token=" + another.accessToken())).status()).isEqualTo(200);
        assertThat(call(verifyOnly, RevokeOrganisationTokenHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke", "encodedOrganisationId", "merchant01",
                "tokenId", forMerchant.tokenId()).bearer(partner.accessToken())).status()).isEqualTo(200);
        assertThat(call(verifyOnly, RevokeOrganisationTokensHandler::new, ApiEvents.post(
                "/organisations/{encodedOrganisationId}/tokens/revoke", "encodedOrganisationId", "merchant01")
                .bearer(partner.accessToken())).status()).isEqualTo(200);
        assertThat(call(verifyOnly, RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke")
                .bearer(partner.accessToken())).status()).isEqualTo(200);
    }

    @Test
    void aVerifyOnlyServiceHoldsOnlyPublicKeysAndCannotIssue() {
        assertThat(gk.verifying.signs()).isFalse();
        assertThat(gk.verifying.verificationKeys().publicKeys().publicJwkSet().containsNonPublicKeys()).isFalse();
        assertThatThrownBy(gk.verifying::issuer).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only verifies tokens");
        assertThatThrownBy(gk.verifying::signingKeys).isInstanceOf(IllegalStateException.class);
        for (Function<Gatekeeper, ?> issuing : java.util.List.<Function<Gatekeeper, ?>>of(RequestTokenHandler::new,
                RequestOrganisationTokenHandler::new, RequestApplicationTokenHandler::new,
                RequestOrganisationApplicationTokenHandler::new)) {
            assertThatThrownBy(() -> issuing.apply(gk.verifying)).as("an issuing handler refuses it at start")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * Wired by mistake to the private key secret (PUBLIC_KEY_SECRET_ARN naming it): the function fails closed, never
     * holding or using a private key, and says nothing about the keys in its answer.
     */
    @Test
    void aVerifyOnlyFunctionPointedAtThePrivateKeySecretFailsClosed() {
        Response issued = gk.requestToken(MERCHANT_KEY, LONG_LIVED);
        GatekeeperConfig config = GatekeeperConfig.fromEnvironment(Map.of(
                GatekeeperConfig.TABLE_NAME, gk.tableName,
                GatekeeperConfig.PUBLIC_KEY_SECRET_ARN, gk.secretArn,
                GatekeeperConfig.TOKEN_ISSUER, GatekeeperFixture.ISSUER,
                GatekeeperConfig.TOKEN_AUDIENCE, GatekeeperFixture.AUDIENCE));
        Gatekeeper miswired = Gatekeeper.verifyOnly(config, LocalDynamoDb.shared().client(),
                new SecretsManagerPublicKeySource(MotoServer.shared().secretsManager(), gk.secretArn), gk.clock);

        assertServiceUnavailable(call(miswired, JwksHandler::new, ApiEvents.get("/.well-known/jwks.json")));
        assertServiceUnavailable(call(miswired, IntrospectTokenHandler::new,
                ApiEvents.post("/oauth2/introspect").apiKey(PARTNER_KEY).form("token=" + issued.accessToken())));
        assertThatThrownBy(() -> new TokenAuthorizerHandler(miswired).handleRequest(
                AuthorizerEvents.request().bearer(issued.accessToken()).build(), new TestLambdaContext("authorizer")))
                .isInstanceOf(dev.gatekeeper.api.AuthorizerEndpoint.Unavailable.class);
    }
}
