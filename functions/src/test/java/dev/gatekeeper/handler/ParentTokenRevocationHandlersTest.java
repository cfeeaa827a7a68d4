package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.api.TokenResponses;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.ParentToken;
import dev.gatekeeper.core.token.TokenId;
import dev.gatekeeper.core.token.TokenIssuer;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.core.token.TokenRevocation;
import dev.gatekeeper.core.token.TokenStore;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.CapturedOutput;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestLambdaContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tokens minted with a bearer token end with it, through the API: a partner's token mints one for its merchant,
 * which mints one of its own; revoking the partner's token ends both, and only them. A request whose token is
 * revoked, on its own or by a revoke-all, between its authentication and the insert stores nothing (the races run
 * inside {@code TokenIssuer}, when it draws the new token's id).
 */
class ParentTokenRevocationHandlersTest {
    private static final OrganisationId PARTNER = new OrganisationId("partner001");
    private static final OrganisationId MERCHANT = new OrganisationId("merchant01");
    private static final String ADMIN_TOKEN = "{\"scopes\":[\"admin\"],\"expiresIn\":600}";
    private static final String BANKADMIN_TOKEN = "{\"scopes\":[\"bankadmin\"],\"expiresIn\":600}";

    private final GatekeeperFixture gk = GatekeeperFixture.create();
    private final TokenStore tokens = gk.gatekeeper.tokenStore();
    /** One authorizer container across a test's requests. */
    private final TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.gatekeeper);

    @Test
    void revokingAPartnersTokenEndsTheTokenItMintedForItsMerchantAndWhatThatOneMinted() {
        Response partners = gk.requestToken(PARTNER_KEY, BANKADMIN_TOKEN);
        Response forMerchant = mintFor("merchant01", partners);
        Response mintedByMerchant = gk.requestTokenWithBearer(forMerchant.accessToken(), ADMIN_TOKEN);
        Response otherPartners = gk.requestToken(PARTNER_KEY, BANKADMIN_TOKEN);
        Response otherForMerchant = mintFor("merchant01", otherPartners);
        Response merchantsOwn = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        assertThat(stored(MERCHANT, mintedByMerchant).parentToken())
                .isEqualTo(new ParentToken(MERCHANT, new TokenId(forMerchant.tokenId()), 0, 1));
        assertAllowed(partners, forMerchant, mintedByMerchant, otherPartners, otherForMerchant, merchantsOwn);
        gk.clock.advance(Duration.ofSeconds(5));

        Response revoked = revoke(PARTNER_KEY, partners);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.data().get("id").asText()).isEqualTo(partners.tokenId());
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
        // The response is the one a token with nothing minted gets: the same fields, nothing about the children.
        Response childless = revoke(MERCHANT_KEY, merchantsOwn);
        assertThat(fieldNames(revoked.body())).isEqualTo(fieldNames(childless.body()));
        assertThat(fieldNames(revoked.data())).isEqualTo(fieldNames(childless.data()));
        assertRefused(partners, forMerchant, mintedByMerchant, merchantsOwn);
        assertAllowed(otherPartners, otherForMerchant);
        assertThat(introspect(PARTNER_KEY, forMerchant).raw().getBody()).isEqualTo("{\"active\":false}");
        assertThat(introspect(MERCHANT_KEY, mintedByMerchant).raw().getBody()).isEqualTo("{\"active\":false}");
        assertThat(introspect(PARTNER_KEY, otherForMerchant).body().get("active").asBoolean()).isTrue();
        // Each one revoked on its own, with its own record naming the token it was minted with.
        assertThat(revocations("merchant01")).extracting(AuditEvent::tokenId, AuditEvent::reason)
                .containsExactlyInAnyOrder(
                        tuple(forMerchant.tokenId(),
                                "parent token " + partners.tokenId() + " revoked"),
                        tuple(mintedByMerchant.tokenId(),
                                "parent token " + forMerchant.tokenId() + " revoked"),
                        tuple(merchantsOwn.tokenId(), null));
        assertThat(revocations("merchant01")).allSatisfy(record -> {
            assertThat(record.time()).isEqualTo(gk.clock.instant());
            assertThat(record.actingOrganisation()).isIn(PARTNER, MERCHANT);
        });
        // Counted one by one: the merchant's revoke-all finds only the other partner token's child.
        assertThat(tokens.revokeAll(MERCHANT, gk.clock.instant())).isEqualTo(1);
    }

    /**
     * More tokens minted than one request may revoke: the response is the usual 200 with the one header saying more
     * remain, and one {@code MintedTokensRemain} in its metrics; repeating the revocation (here as RFC 7009) goes on
     * and, done, answers without either.
     */
    @Test
    void aRevocationThatLeavesMintedTokensLiveSaysSoInAHeaderAndAMetricUntilRepeated() {
        Response parent = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        List<Response> children = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            children.add(gk.requestTokenWithBearer(parent.accessToken(), ADMIN_TOKEN));
        }

        JsonNode firstMetrics;
        List<JsonNode> firstLog;
        Response first;
        try (CapturedOutput output = CapturedOutput.start()) {
            first = revoke(MERCHANT_KEY, parent);
            firstMetrics = output.metricLines().get(0);
            firstLog = output.logLinesOf(TokenRevocation.class);
        }

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.raw().getHeaders()).containsEntry(TokenResponses.MINTED_TOKENS_REMAIN, "true");
        assertThat(first.data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(firstMetrics.get("MintedTokensRemain").asLong()).isEqualTo(1);
        assertThat(children.stream().filter(child -> stored(MERCHANT, child).revokedAt() == null)).hasSize(1);
        // What an operator needs to finish it with `admin token revoke ORG_ID TOKEN_ID`.
        assertThat(firstLog).singleElement().satisfies(line -> {
            assertThat(line.get("level").asText()).isEqualTo("WARN");
            assertThat(line.get("message").asText()).isEqualTo("Revoked 100 tokens minted with token "
                    + parent.tokenId() + " of organisation " + MERCHANT + ", more remain: revoking it again goes on");
        });

        JsonNode secondMetrics;
        Response second;
        try (CapturedOutput output = CapturedOutput.start()) {
            second = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                    .form("token=" + URLEncoder.encode(parent.accessToken(), StandardCharsets.UTF_8)).build());
            secondMetrics = output.metricLines().get(0);
        }

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.raw().getHeaders()).doesNotContainKey(TokenResponses.MINTED_TOKENS_REMAIN);
        assertThat(secondMetrics.has("MintedTokensRemain")).isFalse();
        assertThat(children).allSatisfy(child -> assertThat(stored(MERCHANT, child).revokedAt()).isNotNull());
        assertThat(revoke(MERCHANT_KEY, children.get(0)).raw().getHeaders())
                .doesNotContainKey(TokenResponses.MINTED_TOKENS_REMAIN);
    }

    /**
     * A request with too little time left to walk the minted tokens safely (less than a slow storage call and the
     * answer need) revokes the token and answers at once that more remain, rather than risk the function's timeout
     * (a 502 that says nothing); the same revocation with time finishes.
     */
    @Test
    void aRevocationShortOfTimeRevokesTheTokenAndSaysMintedTokensRemain() {
        Response parent = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response child = gk.requestTokenWithBearer(parent.accessToken(), ADMIN_TOKEN);
        RevokeTokenHandler handler = gk.handlerFor(RevokeTokenHandler::new);
        APIGatewayProxyRequestEvent event = ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", parent.tokenId())
                .apiKey(MERCHANT_KEY).build();

        JsonNode metrics;
        Response hurried;
        try (CapturedOutput output = CapturedOutput.start()) {
            hurried = new Response(handler.handleRequest(event, new TestLambdaContext("RevokeTokenFunction", 3_000)));
            metrics = output.metricLines().get(0);
        }

        assertThat(hurried.status()).isEqualTo(200);
        assertThat(hurried.data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(hurried.raw().getHeaders()).containsEntry(TokenResponses.MINTED_TOKENS_REMAIN, "true");
        assertThat(metrics.get("MintedTokensRemain").asLong()).isEqualTo(1);
        assertRefused(parent);
        assertAllowed(child);

        Response unhurried = new Response(handler.handleRequest(event, new TestLambdaContext("RevokeTokenFunction")));

        assertThat(unhurried.status()).isEqualTo(200);
        assertThat(unhurried.raw().getHeaders()).doesNotContainKey(TokenResponses.MINTED_TOKENS_REMAIN);
        assertRefused(child);
    }

    /**
     * The token itself is revoked, committed, before its children are looked at: an error there (here damaged data,
     * the end of the merchant's revoke-all gone) is not the request's. The answer is the usual 200, saying more remain,
     * with nothing of the error in it.
     */
    @Test
    void anErrorWhileRevokingMintedTokensStillAnswersTheRevocationSayingMoreRemain() {
        Response partners = gk.requestToken(PARTNER_KEY, BANKADMIN_TOKEN);
        mintFor("merchant01", partners);
        assertThat(revokeAll(PARTNER_KEY, "/organisations/merchant01/tokens/revoke").status()).isEqualTo(200);
        LocalDynamoDb.shared().client().deleteItem(request -> request.tableName(gk.tableName).key(Map.of(
                "pk", AttributeValue.fromS("merchant01"),
                "sk", AttributeValue.fromS("GENERATION#" + "0".repeat(20)))));

        Response revoked;
        List<JsonNode> log;
        try (CapturedOutput output = CapturedOutput.start()) {
            revoked = revoke(PARTNER_KEY, partners);
            log = output.logLinesOf(TokenRevocation.class);
        }

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(log).singleElement().satisfies(line -> {
            assertThat(line.get("level").asText()).isEqualTo("ERROR");
            assertThat(line.get("message").asText()).startsWith("Revoking the tokens minted with token "
                    + partners.tokenId() + " of organisation " + PARTNER + " failed part-way");
        });
        assertThat(revoked.raw().getHeaders()).containsEntry(TokenResponses.MINTED_TOKENS_REMAIN, "true");
        assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
        assertThat(revoked.raw().getBody()).doesNotContain("generation");
        assertThat(stored(PARTNER, partners).revokedAt()).isNotNull();
    }

    /**
     * Tokens stored before the {@code minted} mark existed lack it, though their children's pointers were written:
     * revoking one must still look for them, and tokens stored now carry the mark as false from the start.
     */
    @Test
    void aTokenStoredBeforeTheMintedMarkExistedStillEndsWhatItMinted() {
        Response old = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response minted = gk.requestTokenWithBearer(old.accessToken(), ADMIN_TOKEN);
        Response mintedByMinted = gk.requestTokenWithBearer(minted.accessToken(), ADMIN_TOKEN);
        for (Response written : List.of(old, minted)) {
            LocalDynamoDb.shared().client().updateItem(request -> request.tableName(gk.tableName)
                    .key(Map.of("pk", AttributeValue.fromS("merchant01"),
                            "sk", AttributeValue.fromS("TOKEN#" + written.tokenId())))
                    .updateExpression("REMOVE minted"));
        }
        Response unrelated = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        assertThat(LocalDynamoDb.shared().client().getItem(request -> request.tableName(gk.tableName)
                .key(Map.of("pk", AttributeValue.fromS("merchant01"),
                        "sk", AttributeValue.fromS("TOKEN#" + unrelated.tokenId())))
                .consistentRead(true)).item().get("minted")).isEqualTo(AttributeValue.fromBool(false));

        Response revoked = revoke(MERCHANT_KEY, old);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.raw().getHeaders()).doesNotContainKey(TokenResponses.MINTED_TOKENS_REMAIN);
        assertRefused(old, minted, mintedByMinted);
        assertThat(revoke(MERCHANT_KEY, unrelated).status()).isEqualTo(200);
    }

    @Test
    void theOrganisationPathAndRfc7009RevocationEndWhatTheTokenMintedToo() {
        Response merchantsOwn = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response mintedWithOwn = gk.requestTokenWithBearer(merchantsOwn.accessToken(), ADMIN_TOKEN);
        Response another = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response mintedWithAnother = gk.requestTokenWithBearer(another.accessToken(), ADMIN_TOKEN);

        Response byPartner = gk.invoke(RevokeOrganisationTokenHandler::new, ApiEvents.post(
                        "/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke",
                        "encodedOrganisationId", "merchant01", "tokenId", merchantsOwn.tokenId())
                .apiKey(PARTNER_KEY).build());
        Response oauth = gk.invoke(OAuthRevokeTokenHandler::new, ApiEvents.post("/oauth2/revoke").apiKey(MERCHANT_KEY)
                .form("token=" + URLEncoder.encode(another.accessToken(), StandardCharsets.UTF_8)).build());

        assertThat(byPartner.status()).isEqualTo(200);
        assertThat(oauth.status()).isEqualTo(200);
        assertRefused(merchantsOwn, mintedWithOwn, another, mintedWithAnother);
    }

    @Test
    void aTokenRevokedWhileItMintsIsRefusedAsARevokedTokenAndNothingIsStored() {
        Response partners = gk.requestToken(PARTNER_KEY, BANKADMIN_TOKEN);
        gk.whenNextTokenIdIsDrawn(() -> assertThat(revoke(PARTNER_KEY, partners).status()).isEqualTo(200));

        Response raced = mint("merchant01", partners);
        Response afterwards = mint("merchant01", partners);

        assertThat(raced.status()).isEqualTo(401);
        assertThat(raced.raw().getBody()).isEqualTo(afterwards.raw().getBody());
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).isEmpty();
        assertThat(tokens.revokeAll(MERCHANT, gk.clock.instant())).isZero();
        assertThat(refusals("partner001")).extracting(AuditEvent::reason)
                .containsExactly("revoked_token", "revoked_token");
    }

    /**
     * The reviewer's race: a stolen token T of an organisation mints while the operator revokes all of that
     * organisation's tokens. Its request passed authentication before the revoke-all committed; the new token must
     * not be stored in the generation that followed, whether the issuing container remembered the old generation
     * (a revoke-all elsewhere: the insert fails on it) or reads the new one (a revoke-all it saw).
     */
    @Test
    void aTokenWhoseOrganisationsTokensAreAllRevokedWhileItMintsStoresNothing() {
        Response elsewhere = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        gk.whenNextTokenIdIsDrawn(() -> assertThat(revokeAll(MERCHANT_KEY, "/tokens/revoke").status()).isEqualTo(200));
        Response racedElsewhere = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(elsewhere.accessToken()).json(ADMIN_TOKEN).build());

        Response seenHere = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        gk.whenNextTokenIdIsDrawn(() -> tokens.revokeAll(MERCHANT, gk.clock.instant()));
        Response racedHere = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(seenHere.accessToken()).json(ADMIN_TOKEN).build());

        assertThat(racedElsewhere.status()).isEqualTo(401);
        assertThat(racedHere.status()).isEqualTo(401);
        assertThat(racedHere.raw().getBody()).isEqualTo(racedElsewhere.raw().getBody());
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).extracting(record -> record.id().value())
                .containsExactlyInAnyOrder(elsewhere.tokenId(), seenHere.tokenId());
        assertThat(refusals("merchant01")).extracting(AuditEvent::reason)
                .containsExactly("revoked_token", "revoked_token");
    }

    /**
     * A partner's token minting for its merchant is held in the partner's partition, the new token in the
     * merchant's. A revoke-all of the merchant alone is a stale generation, retried in the new one: the partner's
     * token is still live. A revoke-all of the partner during that retry ends the partner's token, and the retry is
     * refused rather than stored.
     */
    @Test
    void theIssuersRetryAfterAMerchantsRevokeAllDoesNotMintForAPartnerTokenEndedMeanwhile() {
        // The issuing container remembers the merchant's generation from this token on.
        Response merchantsOwn = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response live = gk.requestToken(PARTNER_KEY, BANKADMIN_TOKEN);
        gk.whenNextTokenIdIsDrawn(() -> revokeAll(PARTNER_KEY, "/organisations/merchant01/tokens/revoke"));
        Response retried = mint("merchant01", live);
        assertThat(retried.status()).as(retried.raw().getBody()).isEqualTo(201);
        assertThat(stored(MERCHANT, retried).generation()).isEqualTo(1);
        assertAllowed(retried);

        Response ended = gk.requestToken(PARTNER_KEY, BANKADMIN_TOKEN);
        gk.whenNextTokenIdIsDrawn(() -> revokeAll(PARTNER_KEY, "/organisations/merchant01/tokens/revoke"));
        gk.whenNextTokenIdIsDrawn(() -> revokeAll(PARTNER_KEY, "/tokens/revoke"));
        Response refused = mint("merchant01", ended);

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.returnCode()).isEqualTo("UNAUTHORIZED");
        assertThat(tokens.listForOrganisation(MERCHANT, 10)).extracting(record -> record.id().value())
                .containsExactlyInAnyOrder(merchantsOwn.tokenId(), retried.tokenId());
    }

    @Test
    void revokingAnAlreadyRevokedTokenFinishesRevokingWhatItMinted() {
        Response merchantsOwn = gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN);
        Response child = gk.requestTokenWithBearer(merchantsOwn.accessToken(), ADMIN_TOKEN);
        Response grandchild = gk.requestTokenWithBearer(child.accessToken(), ADMIN_TOKEN);
        // Revoked alone, as a request that stopped before the tokens it minted leaves it.
        Instant first = tokens.revoke(MERCHANT, new TokenId(merchantsOwn.tokenId()), gk.clock.instant())
                .orElseThrow().revokedAt();
        assertAllowed(child, grandchild);
        gk.clock.advance(Duration.ofSeconds(5));

        Response again = revoke(MERCHANT_KEY, merchantsOwn);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().get("revokedTimestamp").asLong()).isEqualTo(first.toEpochMilli());
        assertRefused(child, grandchild);
        assertThat(stored(MERCHANT, grandchild).revokedAt()).isEqualTo(gk.clock.instant());
    }

    /**
     * Tokens mint tokens down to {@link TokenIssuer#MAX_MINT_DEPTH} below their API key and no further: the one
     * asking beyond it gets a 403 that stores nothing and is audited against its organisation. So no chain is deeper
     * than that for a revocation to walk down: here every token of it revoked before (a revoke-all ends them and
     * leaves their pointers), revoking the first by id still finishes in one request and leaves no pointer behind.
     */
    @Test
    void tokensMintNoDeeperThanTheMintDepthSoRevokingAChainFinishesInOneRequest() {
        List<Response> chain = new ArrayList<>(List.of(gk.requestToken(MERCHANT_KEY, ADMIN_TOKEN)));
        for (int depth = 1; depth <= TokenIssuer.MAX_MINT_DEPTH; depth++) {
            Response minted = gk.requestTokenWithBearer(chain.get(chain.size() - 1).accessToken(), ADMIN_TOKEN);
            assertThat(minted.status()).as(minted.raw().getBody()).isEqualTo(201);
            assertThat(stored(MERCHANT, minted).mintDepth()).isEqualTo(depth);
            chain.add(minted);
        }
        Response deepest = chain.get(chain.size() - 1);
        assertThat(stored(MERCHANT, chain.get(0)).mintDepth()).isZero();

        Response refused = gk.invoke(RequestTokenHandler::new,
                ApiEvents.post("/tokens").bearer(deepest.accessToken()).json(ADMIN_TOKEN).build());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.returnCode()).isEqualTo("FORBIDDEN");
        assertThat(tokens.listForOrganisation(MERCHANT, 100)).hasSize(chain.size());
        assertThat(refusals("merchant01")).singleElement().extracting(AuditEvent::reason)
                .isEqualTo("mint_depth_exceeded");
        assertAllowed(deepest);
        // One level up may still mint: the limit is on depth, not on the chain.
        assertThat(stored(MERCHANT, gk.requestTokenWithBearer(chain.get(chain.size() - 2).accessToken(), ADMIN_TOKEN))
                .mintDepth()).isEqualTo(TokenIssuer.MAX_MINT_DEPTH);

        assertThat(revokeAll(MERCHANT_KEY, "/tokens/revoke").status()).isEqualTo(200);
        assertThat(mintedPointers(MERCHANT)).isNotEmpty();
        Response revoked = revoke(MERCHANT_KEY, chain.get(0));

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.raw().getHeaders()).doesNotContainKey(TokenResponses.MINTED_TOKENS_REMAIN);
        assertThat(mintedPointers(MERCHANT)).isEmpty();
    }

    private List<String> mintedPointers(OrganisationId organisation) {
        return LocalDynamoDb.shared().client().queryPaginator(request -> request.tableName(gk.tableName)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :minted)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(organisation.value()),
                                ":minted", AttributeValue.fromS("MINTED#"))))
                .items().stream().map(item -> item.get("sk").s()).toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private Response mintFor(String organisation, Response parent) {
        Response minted = mint(organisation, parent);
        assertThat(minted.status()).as(minted.raw().getBody()).isEqualTo(201);
        return minted;
    }

    /** POST /organisations/{id}/tokens with a partner's bearer token. */
    private Response mint(String organisation, Response parent) {
        return gk.invoke(RequestOrganisationTokenHandler::new,
                ApiEvents.post("/organisations/{encodedOrganisationId}/tokens", "encodedOrganisationId", organisation)
                        .bearer(parent.accessToken()).json(ADMIN_TOKEN).build());
    }

    private Response revoke(String apiKey, Response issued) {
        return gk.invoke(RevokeTokenHandler::new,
                ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId()).apiKey(apiKey).build());
    }

    private Response revokeAll(String apiKey, String path) {
        return path.equals("/tokens/revoke")
                ? gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post(path).apiKey(apiKey).build())
                : gk.invoke(RevokeOrganisationTokensHandler::new, ApiEvents.post(
                        "/organisations/{encodedOrganisationId}/tokens/revoke", "encodedOrganisationId",
                        path.split("/")[2]).apiKey(apiKey).build());
    }

    private TokenRecord stored(OrganisationId organisation, Response issued) {
        return tokens.findForOrganisation(organisation, new TokenId(issued.tokenId())).orElseThrow();
    }

    private Response introspect(String apiKey, Response issued) {
        return gk.invoke(IntrospectTokenHandler::new, ApiEvents.post("/oauth2/introspect").apiKey(apiKey)
                .form("token=" + URLEncoder.encode(issued.accessToken(), StandardCharsets.UTF_8)).build());
    }

    private List<AuditEvent> revocations(String organisation) {
        return audit(organisation, AuditAction.TOKEN_REVOKED);
    }

    private List<AuditEvent> refusals(String organisation) {
        return audit(organisation, AuditAction.CREDENTIAL_REFUSED);
    }

    private List<AuditEvent> audit(String organisation, AuditAction action) {
        return gk.gatekeeper.auditLog()
                .find(organisation, Instant.EPOCH, GatekeeperFixture.START.plus(Duration.ofDays(1)), 100).stream()
                .filter(record -> record.action() == action).toList();
    }

    private void assertAllowed(Response... issued) {
        for (Response token : issued) {
            IamPolicyResponseV1 policy = authorizer.handleRequest(
                    AuthorizerEvents.request().bearer(token.accessToken()).build(),
                    new TestLambdaContext("TokenAuthorizerFunction"));
            @SuppressWarnings("unchecked")
            Map<String, Object> statement = ((Map<String, Object>[]) policy.getPolicyDocument().get("Statement"))[0];
            assertThat(statement.get("Effect")).as(token.tokenId()).isEqualTo("Allow");
        }
    }

    private void assertRefused(Response... issued) {
        for (Response token : issued) {
            assertThatThrownBy(() -> authorizer.handleRequest(
                    AuthorizerEvents.request().bearer(token.accessToken()).build(),
                    new TestLambdaContext("TokenAuthorizerFunction")))
                    .as(token.tokenId())
                    .isInstanceOf(AuthorizerEndpoint.Unauthorized.class);
        }
    }
}
