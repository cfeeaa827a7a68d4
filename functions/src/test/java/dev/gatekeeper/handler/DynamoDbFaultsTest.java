package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.FaultInjector.UNTIL_HEALED;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.config.AwsClients;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.FaultInjector;
import dev.gatekeeper.testing.FaultInjector.Fault;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TcpProxy;
import dev.gatekeeper.testing.TestLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * DynamoDB failing under the real SDK client, configured as in Lambda ({@link AwsClients}): throttling, 500s,
 * timeouts, lost responses and the emulator going away. The service answers 503 with an ErrorResponse while the
 * fault lasts, retries a bounded number of times, never hands out a token or a revocation it did not store, and
 * serves again as soon as the table is back, without a restart. Each handler runs in the container its function is
 * deployed with: the issuing ones with the private signing keys, every other one with the public key set only.
 */
class DynamoDbFaultsTest {
    static final String ISSUE_BODY = "{\"scopes\":[\"admin\"]}";
    private static final String TRANSACT_WRITE = "TransactWriteItems";
    static final Fault[] SERVICE_FAULTS = {
        Fault.DYNAMODB_THROUGHPUT_EXCEEDED, Fault.DYNAMODB_THROTTLING, Fault.DYNAMODB_INTERNAL_ERROR};

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final FaultInjector faults = new FaultInjector();
    /** Two containers on the faulty table, as deployed: the issuing functions' and the verify-only ones'. */
    private final Gatekeeper signing = gk.gatekeeperWith(faults.dynamoDb());
    private final Gatekeeper verifying = gk.verifyingWith(faults.dynamoDb());

    @ParameterizedTest
    @FieldSource("SERVICE_FAULTS")
    void everyOperationAnswersServiceUnavailableWhileTheTableFailsAndServesAgainWhenItRecovers(Fault fault) {
        Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        call(RequestTokenHandler::new, issue(MERCHANT_KEY)); // warm: keys loaded, nothing else cached
        faults.reject(null, UNTIL_HEALED, fault);

        Response[] duringOutage = {
            call(RequestTokenHandler::new, issue(MERCHANT_KEY)),
            call(RequestOrganisationTokenHandler::new, ApiEvents.post(
                    "/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", "merchant01")
                    .apiKey(PARTNER_KEY).json(ISSUE_BODY).build()),
            call(RevokeTokenHandler::new, revoke(MERCHANT_KEY, issued.tokenId())),
            call(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build()),
            call(IntrospectTokenHandler::new, introspect(PARTNER_KEY, issued.accessToken())),
            call(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                    .form("token=" + issued.accessToken()).build()),
        };

        for (Response response : duringOutage) {
            assertServiceUnavailable(response);
        }
        // The authorizer has no ErrorResponse: it fails closed, and API Gateway answers 500 without calling the API.
        assertThatThrownBy(() -> new TokenAuthorizerHandler(verifying).handleRequest(
                AuthorizerEvents.request().bearer(issued.accessToken()).build(), new TestLambdaContext("authorizer")))
                .isInstanceOf(AuthorizerEndpoint.Unavailable.class);
        // The public keys come from Secrets Manager, so the key set is still published.
        assertThat(call(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build()).status())
                .isEqualTo(200);

        faults.heal();

        assertThat(call(RequestTokenHandler::new, issue(MERCHANT_KEY)).status()).isEqualTo(201);
        Response introspected = call(IntrospectTokenHandler::new, introspect(PARTNER_KEY, issued.accessToken()));
        assertThat(introspected.body().get("active").asBoolean()).as("no revocation was stored").isTrue();
    }

    @Test
    void aFailingCallIsTriedThreeTimesThenTheRequestEnds() {
        call(RequestTokenHandler::new, issue(MERCHANT_KEY));
        faults.reject(null, UNTIL_HEALED, Fault.DYNAMODB_INTERNAL_ERROR);
        faults.resetAttempts();

        assertServiceUnavailable(call(RequestTokenHandler::new, issue(MERCHANT_KEY)));

        // Authentication reads the API key first; that call fails after its attempts and nothing else is tried.
        assertThat(faults.totalAttempts()).isEqualTo(AwsClients.MAX_ATTEMPTS);
    }

    @Test
    void aSingleThrottledTransactionIsRetriedAndTheTokenIsIssued() {
        faults.reject(TRANSACT_WRITE, 1, Fault.DYNAMODB_THROUGHPUT_EXCEEDED);

        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertThat(response.status()).isEqualTo(201);
        assertThat(faults.attempts(TRANSACT_WRITE)).isEqualTo(2);
        assertThat(stored(response.tokenId())).as("the token handed out is stored").isTrue();
    }

    @Test
    void anInsertThatConflictsWithAnotherTransactionIsRetriedByTheStoreAndTheTokenIsIssued() {
        faults.reject(TRANSACT_WRITE, 2, Fault.dynamoDbTransactionConflict(4));

        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertThat(response.status()).isEqualTo(201);
        assertThat(faults.attempts(TRANSACT_WRITE)).as("two conflicts, then the insert").isEqualTo(3);
        assertThat(stored(response.tokenId())).isTrue();
    }

    @Test
    void anInsertThatKeepsConflictingGivesServiceUnavailableAfterBoundedAttemptsAndStoresNoToken() {
        UUID id = UUID.randomUUID();
        gk.nextTokenIds(id);
        faults.reject(TRANSACT_WRITE, UNTIL_HEALED, Fault.dynamoDbTransactionConflict(4));

        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertServiceUnavailable(response);
        assertThat(faults.attempts(TRANSACT_WRITE)).isEqualTo(5);
        assertThat(stored(id.toString())).isFalse();
    }

    @Test
    void aRevocationAndARevokeAllThatConflictAreRetriedAndTakeEffect() {
        Response first = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        faults.reject(TRANSACT_WRITE, 1, Fault.dynamoDbTransactionConflict(3));

        Response revoked = call(RevokeTokenHandler::new, revoke(MERCHANT_KEY, first.tokenId()));

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(faults.attempts(TRANSACT_WRITE)).isEqualTo(2);

        faults.resetAttempts();
        faults.reject(TRANSACT_WRITE, 1, Fault.dynamoDbTransactionConflict(3));

        Response revokedAll = call(RevokeAllTokensHandler::new,
                ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build());

        assertThat(revokedAll.status()).isEqualTo(200);
        assertThat(faults.attempts(TRANSACT_WRITE)).isEqualTo(2);
        assertThat(revokedAll.data().get("revokedTokensCount").asLong()).as("the one token still active").isEqualTo(1);
    }

    @Test
    void aFailedInsertTransactionGivesServiceUnavailableAndStoresNoToken() {
        UUID id = UUID.randomUUID();
        gk.nextTokenIds(id);
        faults.reject(TRANSACT_WRITE, UNTIL_HEALED, Fault.DYNAMODB_THROUGHPUT_EXCEEDED);

        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertServiceUnavailable(response);
        assertThat(faults.attempts(TRANSACT_WRITE)).isEqualTo(AwsClients.MAX_ATTEMPTS);
        assertThat(stored(id.toString())).isFalse();
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
    }

    /**
     * DynamoDB applied the insert but its answer never arrived. The caller gets a 503 and no token; the record
     * exists, active, until its expiry. That is safe: the signed JWT only ever existed in this function's memory and
     * is gone, nobody can present it, and the random token id is not guessable. The one trace a client can see is
     * that a revoke-all counts the orphan as an active token it ended.
     */
    @Test
    void anInsertWhoseAnswerIsLostGivesServiceUnavailableAndTheStoredRecordWasNeverHandedOut() {
        UUID id = UUID.randomUUID();
        gk.nextTokenIds(id);
        faults.loseResponse(TRANSACT_WRITE, UNTIL_HEALED, Fault.DYNAMODB_INTERNAL_ERROR);

        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertServiceUnavailable(response);
        assertThat(response.raw().getBody()).doesNotContain(id.toString()).doesNotContain("accessToken");
        assertThat(stored(id.toString())).as("DynamoDB applied the write").isTrue();

        faults.heal();
        Response revokeAll = call(RevokeAllTokensHandler::new,
                ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build());
        assertThat(revokeAll.status()).isEqualTo(200);
        assertThat(revokeAll.data().get("revokedTokensCount").asLong()).as("the orphan is counted").isEqualTo(1);
    }

    /**
     * The SDK sends TransactWriteItems with one idempotency token on every attempt, so an attempt whose answer was
     * lost is not applied twice: the retry succeeds and the caller gets the one token that was stored.
     */
    @Test
    void anInsertWhoseFirstAnswerIsLostIsRetriedWithoutStoringTheTokenTwice() {
        faults.loseResponse(TRANSACT_WRITE, 1, Fault.DYNAMODB_INTERNAL_ERROR);

        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));

        assertThat(response.status()).isEqualTo(201);
        assertThat(faults.attempts(TRANSACT_WRITE)).isEqualTo(2);
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10))
                .extracting(record -> record.id().value()).containsExactly(response.tokenId());
    }

    @Test
    void aFailedRevocationGivesServiceUnavailableAndTheTokenKeepsWorking() {
        Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        faults.reject(TRANSACT_WRITE, UNTIL_HEALED, Fault.DYNAMODB_THROTTLING);

        assertServiceUnavailable(call(RevokeTokenHandler::new, revoke(MERCHANT_KEY, issued.tokenId())));
        assertServiceUnavailable(call(RevokeAllTokensHandler::new,
                ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build()));

        faults.heal();
        assertThat(call(IntrospectTokenHandler::new, introspect(PARTNER_KEY, issued.accessToken()))
                .body().get("active").asBoolean()).isTrue();
        assertThat(gk.gatekeeper.tokenStore().findForOrganisation(new OrganisationId("merchant01"),
                new TokenId(issued.tokenId())).orElseThrow().revokedAt()).isNull();
        Response revoked = call(RevokeTokenHandler::new, revoke(MERCHANT_KEY, issued.tokenId()));
        assertThat(revoked.status()).isEqualTo(200);
    }

    @Test
    void aHangingTableTimesOutWithinTheCallTimeoutAndGivesServiceUnavailable() {
        call(RequestTokenHandler::new, issue(MERCHANT_KEY));
        faults.stall(null, UNTIL_HEALED, Duration.ofSeconds(30));
        faults.resetAttempts();

        long started = System.nanoTime();
        Response response = call(RequestTokenHandler::new, issue(MERCHANT_KEY));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertServiceUnavailable(response);
        assertThat(took).isLessThan(AwsClients.DYNAMODB_CALL_TIMEOUT.plusMillis(500));
        assertThat(faults.totalAttempts()).isBetween(2, AwsClients.MAX_ATTEMPTS);

        faults.heal();
        assertThat(call(RequestTokenHandler::new, issue(MERCHANT_KEY)).status()).isEqualTo(201);
    }

    @Test
    void aTableThatStopsMidRunGivesServiceUnavailableAndServesAgainWhenItComesBackOnTheSamePort() {
        try (TcpProxy proxy = new TcpProxy(LocalDynamoDb.shared().endpoint())) {
            Gatekeeper signingBehindProxy = gk.gatekeeperWith(faults.dynamoDbAt(proxy.endpoint()));
            Gatekeeper verifyingBehindProxy = gk.verifyingWith(faults.dynamoDbAt(proxy.endpoint()));
            Response before = call(signingBehindProxy, RequestTokenHandler::new, issue(MERCHANT_KEY));
            assertThat(before.status()).isEqualTo(201);

            proxy.stop();
            assertServiceUnavailable(call(signingBehindProxy, RequestTokenHandler::new, issue(MERCHANT_KEY)));
            assertServiceUnavailable(call(verifyingBehindProxy, RevokeTokenHandler::new,
                    revoke(MERCHANT_KEY, before.tokenId())));

            proxy.start();
            assertThat(call(signingBehindProxy, RequestTokenHandler::new, issue(MERCHANT_KEY)).status())
                    .isEqualTo(201);
            assertThat(call(verifyingBehindProxy, RevokeTokenHandler::new, revoke(MERCHANT_KEY, before.tokenId()))
                    .status()).isEqualTo(200);
        }
    }

    private boolean stored(String tokenId) {
        return gk.gatekeeper.tokenStore().findForOrganisation(new OrganisationId("merchant01"), new TokenId(tokenId))
                .isPresent();
    }

    static void assertServiceUnavailable(Response response) {
        assertThat(response.status()).as(response.raw().getBody()).isEqualTo(503);
        assertThat(response.returnCode()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(response.body().get("returnDescription").asText()).endsWith("unavailable");
        assertThat(response.raw().getBody()).doesNotContain("Exception").doesNotContain("fault-injected")
                .doesNotContain("127.0.0.1").doesNotContain("accessToken");
    }

    static APIGatewayProxyRequestEvent issue(String apiKey) {
        return ApiEvents.post("/tokens").apiKey(apiKey).json(ISSUE_BODY).build();
    }

    private static APIGatewayProxyRequestEvent revoke(String apiKey, String tokenId) {
        return ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", tokenId).apiKey(apiKey).build();
    }

    static APIGatewayProxyRequestEvent introspect(String apiKey, String token) {
        return ApiEvents.post("/oauth2/introspect").apiKey(apiKey)
                .form("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)).build();
    }

    /** Runs the handler with the container its function is deployed with: verify-only unless it issues tokens. */
    private <H extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> Response call(
            Function<Gatekeeper, H> handler, APIGatewayProxyRequestEvent event) {
        return run(GatekeeperFixture.handlerFor(handler, signing, verifying), event);
    }

    /** Runs the handler built with exactly {@code service}. */
    static <H extends RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent>> Response call(
            Gatekeeper service, Function<Gatekeeper, H> handler, APIGatewayProxyRequestEvent event) {
        return run(handler.apply(service), event);
    }

    private static Response run(RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler,
                                APIGatewayProxyRequestEvent event) {
        return new Response(handler.handleRequest(event, new TestLambdaContext(handler.getClass().getSimpleName())));
    }
}
