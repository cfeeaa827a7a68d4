package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.FaultInjector.UNTIL_HEALED;
import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.config.Gatekeeper;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditContext;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.FaultInjector;
import dev.gatekeeper.testing.FaultInjector.Fault;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestLambdaContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every change to tokens, and every refused credential, leaves exactly one audit record, and never a secret. */
class AuditTrailHandlersTest {
    private static final String ISSUE_BODY = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";
    private static final String CALLER_IP = "203.0.113.7";

    private final GatekeeperFixture gk = GatekeeperFixture.create();

    /** The records the test's requests left: not the set-up's, which seeds organisations and keys. */
    private List<AuditEvent> trail(String organisation) {
        return gk.gatekeeper.auditLog().find(organisation, Instant.EPOCH, GatekeeperFixture.START.plus(Duration.ofDays(1)), 100)
                .stream().filter(record -> !AuditContext.seeding().requestId().equals(record.requestId())).toList();
    }

    private static String requestIdOf(APIGatewayProxyRequestEvent event) {
        return event.getRequestContext().getRequestId();
    }

    @Test
    void issuingATokenLeavesOneRecordOfWhoAskedFromWhere() {
        APIGatewayProxyRequestEvent event = ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY).from(CALLER_IP).build();

        Response issued = gk.invoke(RequestTokenHandler::new, event);

        assertThat(issued.status()).isEqualTo(201);
        assertThat(trail("merchant01")).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.TOKEN_ISSUED);
            assertThat(record.organisation()).isEqualTo("merchant01");
            assertThat(record.actingOrganisation()).isEqualTo(new OrganisationId("merchant01"));
            assertThat(record.tokenId()).isEqualTo(issued.tokenId());
            assertThat(record.time()).isEqualTo(GatekeeperFixture.START);
            assertThat(record.sourceIp()).isEqualTo(CALLER_IP);
            assertThat(record.requestId()).isEqualTo(requestIdOf(event));
            assertThat(record.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
            assertThat(record.count()).isNull();
        });
    }

    @Test
    void aPartnersTokenForAMerchantIsRecordedWithTheMerchantAndNamesThePartnerAsActing() {
        Response issued = gk.requestTokenFor(PARTNER_KEY, "merchant01", ISSUE_BODY);

        assertThat(trail("merchant01")).singleElement().satisfies(record -> {
            assertThat(record.actingOrganisation()).isEqualTo(new OrganisationId("partner001"));
            assertThat(record.tokenId()).isEqualTo(issued.tokenId());
        });
        assertThat(trail("partner001")).isEmpty();
    }

    @Test
    void anApplicationTokenIsRecordedAsSuch() {
        Response issued = gk.invoke(RequestApplicationTokenHandler::new, ApiEvents.post("/applications/tokens")
                .apiKey(MERCHANT_KEY).json("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"8ow24y2pdx\"}").build());

        assertThat(issued.status()).isEqualTo(201);
        assertThat(trail("merchant01")).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.APPLICATION_TOKEN_ISSUED);
            assertThat(record.tokenId()).isEqualTo(issued.tokenId());
        });
    }

    @Test
    void revokingTwiceLeavesOneRevocationRecord() {
        Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.clock.advance(Duration.ofSeconds(5));
        APIGatewayProxyRequestEvent first = ApiEvents.post("/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                "encodedOrganisationId", "merchant01", "tokenId", issued.tokenId()).apiKey(PARTNER_KEY).from(CALLER_IP).build();

        assertThat(gk.invoke(RevokeOrganisationTokenHandler::new, first).status()).isEqualTo(200);
        gk.clock.advance(Duration.ofSeconds(5));
        assertThat(gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId())
                .apiKey(MERCHANT_KEY).build()).status()).isEqualTo(200);

        List<AuditEvent> revocations = trail("merchant01").stream()
                .filter(record -> record.action() == AuditAction.TOKEN_REVOKED).toList();
        assertThat(revocations).singleElement().satisfies(record -> {
            assertThat(record.organisation()).isEqualTo("merchant01");
            assertThat(record.actingOrganisation()).isEqualTo(new OrganisationId("partner001"));
            assertThat(record.tokenId()).isEqualTo(issued.tokenId());
            assertThat(record.time()).isEqualTo(GatekeeperFixture.START.plusSeconds(5));
            assertThat(record.sourceIp()).isEqualTo(CALLER_IP);
            assertThat(record.requestId()).isEqualTo(requestIdOf(first));
            assertThat(record.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
        });
    }

    @Test
    void anOAuthRevocationIsRecorded() {
        Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.clock.advance(Duration.ofSeconds(1));

        Response revoked = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                .form("token=" + issued.accessToken()).build());

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(trail("merchant01")).extracting(AuditEvent::action)
                .containsExactly(AuditAction.TOKEN_ISSUED, AuditAction.TOKEN_REVOKED);
    }

    @Test
    void revokeAllIsRecordedWithTheGenerationItEndedAndHowManyTokensItRevoked() {
        gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.clock.advance(Duration.ofSeconds(1));
        APIGatewayProxyRequestEvent event = ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).from(CALLER_IP).build();

        Response response = gk.invoke(RevokeAllTokensHandler::new, event);

        assertThat(response.data().get("revokedTokensCount").asLong()).isEqualTo(2);
        List<AuditEvent> revokeAlls = trail("merchant01").stream()
                .filter(record -> record.action() == AuditAction.TOKENS_REVOKED_ALL).toList();
        assertThat(revokeAlls).singleElement().satisfies(record -> {
            assertThat(record.count()).isEqualTo(2L);
            assertThat(record.reason()).isEqualTo("generation 0 ended");
            assertThat(record.actingOrganisation()).isEqualTo(new OrganisationId("merchant01"));
            assertThat(record.tokenId()).isNull();
            assertThat(record.time()).isEqualTo(GatekeeperFixture.START.plusSeconds(1));
            assertThat(record.sourceIp()).isEqualTo(CALLER_IP);
            assertThat(record.requestId()).isEqualTo(requestIdOf(event));
        });
    }

    @Test
    void aFailedInsertTransactionLeavesNeitherTokenNorRecord() {
        FaultInjector faults = new FaultInjector();
        Gatekeeper service = gk.gatekeeperWith(faults.dynamoDb());
        UUID id = UUID.randomUUID();
        gk.nextTokenIds(id);
        faults.reject("TransactWriteItems", UNTIL_HEALED, Fault.DYNAMODB_THROUGHPUT_EXCEEDED);

        var response = new RequestTokenHandler(service).handleRequest(
                ApiEvents.post("/tokens").apiKey(MERCHANT_KEY).json(ISSUE_BODY).build(), new TestLambdaContext("test"));

        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
        assertThat(trail("merchant01")).isEmpty();
    }

    @Test
    void anUnknownApiKeyIsRecordedUnattributedWithItsReasonAndWithoutTheKey() {
        String presented = "gk_stolen_or_guessed_key_00000000000000000000000";
        APIGatewayProxyRequestEvent event = ApiEvents.post("/tokens").apiKey(presented).json(ISSUE_BODY).from(CALLER_IP).build();

        assertThat(gk.invoke(RequestTokenHandler::new, event).status()).isEqualTo(401);

        assertThat(trail(AuditEvent.UNATTRIBUTED)).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.CREDENTIAL_REFUSED);
            assertThat(record.actingOrganisation()).isNull();
            assertThat(record.outcome()).isEqualTo(AuditEvent.REFUSED);
            assertThat(record.reason()).isEqualTo("invalid_api_key");
            assertThat(record.sourceIp()).isEqualTo(CALLER_IP);
            assertThat(record.requestId()).isEqualTo(requestIdOf(event));
        });
        assertTableHoldsNo(presented, ApiKeyHash.of(presented).value());
    }

    @Test
    void aGenuineKeyFromAnAddressOutsideTheAllowListIsRecordedAgainstItsOrganisation() {
        Response refused = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").apiKey(FILTERED_MERCHANT_KEY).json(ISSUE_BODY).from(CALLER_IP).build());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(trail("merchant02")).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.CREDENTIAL_REFUSED);
            assertThat(record.actingOrganisation()).isEqualTo(new OrganisationId("merchant02"));
            assertThat(record.reason()).isEqualTo("ip_not_allowed");
            assertThat(record.sourceIp()).isEqualTo(CALLER_IP);
        });
        assertTableHoldsNo(FILTERED_MERCHANT_KEY);
    }

    @Test
    void aRevokedTokenPresentedAgainIsRecordedAgainstItsOrganisationWithoutTheToken() {
        Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId())
                .apiKey(MERCHANT_KEY).build());

        Response refused = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(issued.accessToken()).json(ISSUE_BODY).build());

        assertThat(refused.status()).isEqualTo(401);
        assertThat(trail("merchant01")).filteredOn(record -> record.action() == AuditAction.CREDENTIAL_REFUSED)
                .singleElement().satisfies(record -> assertThat(record.reason()).isEqualTo("revoked_token"));
        assertTableHoldsNo(issued.accessToken());
    }

    @Test
    void failingToRecordARefusalStillAnswersTheRefusal() {
        FaultInjector faults = new FaultInjector();
        Gatekeeper service = gk.gatekeeperWith(faults.dynamoDb());
        faults.reject("PutItem", UNTIL_HEALED, Fault.DYNAMODB_INTERNAL_ERROR);

        var response = new RequestTokenHandler(service).handleRequest(ApiEvents.post("/tokens")
                .apiKey("gk_stolen_or_guessed_key_00000000000000000000000").json(ISSUE_BODY).build(),
                new TestLambdaContext("test"));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(faults.attempts("PutItem")).isPositive();
        assertThat(trail(AuditEvent.UNATTRIBUTED)).isEmpty();
    }

    @Test
    void theAuthorizerRecordsARevokedTokenAgainstItsOrganisation() {
        Response issued = gk.requestToken(MERCHANT_KEY, ISSUE_BODY);
        gk.invoke(RevokeTokenHandler::new, ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId())
                .apiKey(MERCHANT_KEY).build());
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);

        assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request().bearer(issued.accessToken())
                .from(CALLER_IP).build(), new TestLambdaContext("TokenAuthorizerFunction")))
                .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);

        assertThat(trail("merchant01")).filteredOn(record -> record.action() == AuditAction.CREDENTIAL_REFUSED)
                .singleElement().satisfies(record -> {
                    assertThat(record.reason()).isEqualTo("revoked_token");
                    assertThat(record.sourceIp()).isEqualTo(CALLER_IP);
                });
        assertTableHoldsNo(issued.accessToken());
    }

    @Test
    void theAuthorizerRecordsADenialForAnAddressOutsideTheAllowList() {
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);

        authorizer.handleRequest(AuthorizerEvents.request().apiKey(FILTERED_MERCHANT_KEY).from(CALLER_IP).build(),
                new TestLambdaContext("TokenAuthorizerFunction"));

        assertThat(trail("merchant02")).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.CREDENTIAL_REFUSED);
            assertThat(record.reason()).isEqualTo("ip_not_allowed");
        });
    }

    @Test
    void theAuthorizerWritesNothingForAForgedOrUnknownCredential() {
        TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);

        assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request().bearer("eyJhbGciOiJub25lIn0.e30.")
                .build(), new TestLambdaContext("TokenAuthorizerFunction")))
                .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
        assertThatThrownBy(() -> authorizer.handleRequest(AuthorizerEvents.request()
                .apiKey("gk_stolen_or_guessed_key_00000000000000000000000").build(),
                new TestLambdaContext("TokenAuthorizerFunction")))
                .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);

        assertThat(trail(AuditEvent.UNATTRIBUTED)).isEmpty();
    }

    /** No attribute of any item, audit or other, holds these strings. */
    private void assertTableHoldsNo(String... secrets) {
        String everything = LocalDynamoDb.shared().client().scanPaginator(scan -> scan.tableName(gk.tableName))
                .items().stream().map(Object::toString).reduce("", String::concat);
        assertThat(everything).contains("CREDENTIAL_REFUSED");
        for (String secret : secrets) {
            assertThat(everything).doesNotContain(secret);
        }
    }
}
