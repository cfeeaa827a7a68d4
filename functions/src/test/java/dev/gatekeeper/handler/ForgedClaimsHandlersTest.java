package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.TestKeys;
import dev.gatekeeper.testing.TestLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Someone holding a stolen signing key and the id of a live token can sign any claims for that id. The stored
 * record, not the token, says what the token may do, so such a forgery is refused everywhere.
 */
class ForgedClaimsHandlersTest {
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private static String resign(String token, UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        SignedJWT original = SignedJWT.parse(token);
        JWTClaimsSet claims = change.apply(new JWTClaimsSet.Builder(original.getJWTClaimsSet())).build();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(TestKeys.FIRST.kid()).build(), claims);
        forged.sign(new RSASSASigner((RSAKey) TestKeys.FIRST.privateJwk())); // the fixture's own signing key, as if stolen
        return forged.serialize();
    }

    @Test
    void aLiveTokenIdWithForgedScopesIsUnauthorized() throws Exception {
        String live = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":600}").accessToken();
        String escalated = resign(live, claims -> claims.claim("scope", List.of("admin")));

        var response = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(escalated).json("{\"scopes\":[\"admin\"]}").build());

        assertThat(response.status()).isEqualTo(401);
        assertThat(gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(live).json("{\"scopes\":[\"admin\"]}").build()).status())
                .as("the genuine token still lacks the admin scope").isEqualTo(403);
    }

    @Test
    void aForgedTokenWithoutItsIpFilterIsRefusedByTheAuthorizer() throws Exception {
        String live = gk.requestToken(FILTERED_MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        String unfiltered = resign(live, claims -> claims.claim("ip_filtering", false));
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);

        assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request().bearer(unfiltered).from("203.0.113.9").build(),
                new TestLambdaContext("TokenAuthorizerFunction")))
                .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
    }

    @Test
    void introspectionReportsAForgedTokenAsInactive() throws Exception {
        String live = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":600}").accessToken();
        String escalated = resign(live, claims -> claims.claim("scope", List.of("openbanking_pisp", "admin")));

        var forged = gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(MERCHANT_KEY)
                .form("token=" + URLEncoder.encode(escalated, StandardCharsets.UTF_8)).build());
        var genuine = gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(MERCHANT_KEY)
                .form("token=" + URLEncoder.encode(live, StandardCharsets.UTF_8)).build());

        assertThat(forged.body().get("active").asBoolean()).isFalse();
        assertThat(genuine.body().get("active").asBoolean()).isTrue();
    }
}
