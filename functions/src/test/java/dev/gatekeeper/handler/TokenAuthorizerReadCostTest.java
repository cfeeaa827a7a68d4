package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.CountingDynamoDbClient;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.TestLambdaContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authorizer runs on every request of another API, so its DynamoDB reads are counted: the requests a real SDK
 * client sends to DynamoDB Local, seen by an interceptor on the client the authorizer's container is built with.
 */
class TokenAuthorizerReadCostTest {
    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final CountingDynamoDbClient dynamoDb = new CountingDynamoDbClient();
    private TokenAuthorizerHandler authorizer;

    @BeforeEach
    void aContainerWithACountingDynamoDbClient() {
        authorizer = new TokenAuthorizerHandler(gk.verifyingWith(dynamoDb.client()));
    }

    private List<String> callsFor(AuthorizerEvents event) {
        dynamoDb.takeCalls();
        try {
            authorizer.handleRequest(event.build(), new TestLambdaContext("TokenAuthorizerFunction"));
        } catch (AuthorizerEndpoint.Unauthorized expected) {
            // the count is what matters here
        }
        return dynamoDb.takeCalls();
    }

    /** Warms the container: signing keys loaded, organisation profiles cached. */
    private void warm(String token) {
        authorizer.handleRequest(AuthorizerEvents.request().bearer(token).build(), new TestLambdaContext("warm-up"));
    }

    @Test
    void aValidTokenCostsOneBatchReadOnAWarmContainer() {
        String token = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        warm(token);

        assertThat(callsFor(AuthorizerEvents.request().bearer(token))).containsExactly("BatchGetItemRequest");
    }

    @Test
    void aPartnerRequestedTokenCostsOneBatchReadToo() {
        String token = gk.requestTokenFor(PARTNER_KEY, "merchant01", "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        warm(token);

        assertThat(callsFor(AuthorizerEvents.request().bearer(token))).containsExactly("BatchGetItemRequest");
    }

    @Test
    void anIpFilteredTokenReadsTheAllowListOncePerCacheLifetime() {
        String token = gk.requestToken(FILTERED_MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        warm(token);

        assertThat(callsFor(AuthorizerEvents.request().bearer(token))).containsExactly("BatchGetItemRequest");
        // A denial reads the same, then writes its audit record.
        assertThat(callsFor(AuthorizerEvents.request().bearer(token).from("203.0.113.9")))
                .containsExactly("BatchGetItemRequest", "PutItemRequest");
        gk.clock.advance(Duration.ofSeconds(31));
        assertThat(callsFor(AuthorizerEvents.request().bearer(token)))
                .containsExactlyInAnyOrder("BatchGetItemRequest", "GetItemRequest");
    }

    @Test
    void aTokenRevokedByRevokeAllIsRefusedWithOneBatchRead() {
        String token = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        warm(token);
        gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build());

        assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request().bearer(token).build(),
                new TestLambdaContext("t"))).isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
        // One read decides; the refusal of a genuine token then writes its audit record.
        assertThat(callsFor(AuthorizerEvents.request().bearer(token))).containsExactly("BatchGetItemRequest", "PutItemRequest");
    }

    @Test
    void anApiKeyCostsOneReadOnAWarmContainer() {
        authorizer.handleRequest(AuthorizerEvents.request().apiKey(MERCHANT_KEY).build(), new TestLambdaContext("warm-up"));

        assertThat(callsFor(AuthorizerEvents.request().apiKey(MERCHANT_KEY))).containsExactly("GetItemRequest");
    }

    @Test
    void anExpiredTokenCostsNoReadEvenOnAColdContainer() {
        String token = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        gk.clock.advance(Duration.ofSeconds(601));

        assertThat(callsFor(AuthorizerEvents.request().bearer(token))).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ForgedToken.class)
    void aBadlySignedOrForeignTokenCostsNoRead(ForgedToken forgery) {
        String valid = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        warm(valid);

        assertThat(callsFor(AuthorizerEvents.request().bearer(forgery.from(valid, gk.clock.instant())))).isEmpty();
    }
}
