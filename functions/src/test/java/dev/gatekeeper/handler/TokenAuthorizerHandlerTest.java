package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.OTHER_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.api.AuthorizerEndpoint;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.AuthorizerEvents;
import dev.gatekeeper.testing.ForgedToken;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.TestLambdaContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenAuthorizerHandlerTest {
    private final GatekeeperFixture gk = GatekeeperFixture.create();
    /** One container: the handler and its caches live across the requests of a test. */
    private final TokenAuthorizerHandler authorizer = new TokenAuthorizerHandler(gk.verifying);

    private IamPolicyResponseV1 authorize(AuthorizerEvents event) {
        return authorize(event.build());
    }

    private IamPolicyResponseV1 authorize(APIGatewayCustomAuthorizerEvent event) {
        return authorizer.handleRequest(event, new TestLambdaContext("TokenAuthorizerFunction"));
    }

    private void assertUnauthorized(AuthorizerEvents event) {
        assertThatThrownBy(() -> authorize(event))
                .isInstanceOf(AuthorizerEndpoint.Unauthorized.class)
                .hasMessage("Unauthorized")
                .hasNoCause();
    }

    private String merchantToken() {
        return gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\",\"admin\"],\"expiresIn\":600}").accessToken();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statement(IamPolicyResponseV1 policy) {
        return ((Map<String, Object>[]) policy.getPolicyDocument().get("Statement"))[0];
    }

    @Test
    void aValidBearerTokenIsAllowedForTheWholeStageWithTheCallerInTheContext() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"openbanking_pisp\",\"admin\"],\"expiresIn\":600}");

        IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().bearer(issued.accessToken()));

        assertThat(policy.getPrincipalId()).isEqualTo("merchant01");
        assertThat(policy.getPolicyDocument().get("Version")).isEqualTo("2012-10-17");
        Map<String, Object> statement = statement(policy);
        assertThat(statement.get("Effect")).isEqualTo("Allow");
        assertThat(statement.get("Action")).isEqualTo("execute-api:Invoke");
        assertThat((String[]) statement.get("Resource")).containsExactly(AuthorizerEvents.STAGE_WILDCARD);
        assertThat(policy.getContext()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "organisationId", "merchant01",
                "requestingOrganisationId", "merchant01",
                "scopes", "openbanking_pisp admin",
                "accessType", "CR",
                "tokenId", issued.tokenId(),
                "credential", "bearer"));
    }

    @Test
    void aTokenAPartnerRequestedActsForTheMerchantAndNamesThePartnerAsRequester() {
        var issued = gk.requestTokenFor(PARTNER_KEY, "merchant01", "{\"scopes\":[\"openbanking_aisp\"],\"expiresIn\":600}");

        IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().bearer(issued.accessToken()));

        assertThat(policy.getPrincipalId()).isEqualTo("merchant01");
        assertThat(policy.getContext()).containsEntry("organisationId", "merchant01")
                .containsEntry("requestingOrganisationId", "partner001")
                .containsEntry("accessType", "CR")
                .containsEntry("scopes", "openbanking_aisp");
    }

    @Test
    void anotherOrganisationsTokenAuthorizesOnlyAsThatOrganisation() {
        String foreign = gk.requestToken(OTHER_MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();

        IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().bearer(foreign));

        assertThat(policy.getPrincipalId()).isEqualTo("merchant99");
        assertThat(policy.getContext()).containsEntry("organisationId", "merchant99")
                .containsEntry("requestingOrganisationId", "merchant99");
    }

    @ParameterizedTest
    @EnumSource(ForgedToken.class)
    void aForgedOrMisdirectedTokenIsUnauthorized(ForgedToken forgery) {
        String forged = forgery.from(merchantToken(), gk.clock.instant());
        assertUnauthorized(AuthorizerEvents.request().bearer(forged));
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        String token = merchantToken();
        gk.clock.advance(Duration.ofSeconds(600));
        assertUnauthorized(AuthorizerEvents.request().bearer(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer not-a-jwt", "Bearer a.b.c", "Token abc", "Basic !!!", "Basic Z2tfbm9fc3VjaF9rZXk6"})
    void malformedOrUnknownCredentialsAreUnauthorized(String authorization) {
        assertUnauthorized(AuthorizerEvents.request().header("Authorization", authorization));
    }

    @Test
    void aRequestWithoutCredentialsIsUnauthorized() {
        assertUnauthorized(AuthorizerEvents.request());
    }

    @Test
    void theFirstRequestAfterARevocationIsRefused() {
        var issued = gk.requestToken(MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}");
        assertThat(statement(authorize(AuthorizerEvents.request().bearer(issued.accessToken()))).get("Effect")).isEqualTo("Allow");

        var revoked = gk.invoke(RevokeTokenHandler::new,
                ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId()).apiKey(MERCHANT_KEY).build());
        assertThat(revoked.status()).isEqualTo(200);

        assertUnauthorized(AuthorizerEvents.request().bearer(issued.accessToken()));
    }

    @Test
    void theFirstRequestAfterARevokeAllIsRefused() {
        String own = merchantToken();
        String fromPartner = gk.requestTokenFor(PARTNER_KEY, "merchant01", "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();
        authorize(AuthorizerEvents.request().bearer(own));
        authorize(AuthorizerEvents.request().bearer(fromPartner));

        var revokedAll = gk.invoke(RevokeAllTokensHandler::new, ApiEvents.post("/tokens/revoke").apiKey(MERCHANT_KEY).build());
        assertThat(revokedAll.data().get("revokedTokensCount").asLong()).isEqualTo(2);

        assertUnauthorized(AuthorizerEvents.request().bearer(own));
        assertUnauthorized(AuthorizerEvents.request().bearer(fromPartner));
        // A token issued after the revoke-all works.
        assertThat(authorize(AuthorizerEvents.request().bearer(merchantToken())).getPrincipalId()).isEqualTo("merchant01");
    }

    @Test
    void anIpFilteredTokenFromOutsideTheRequestersAllowListIsDenied() {
        String token = gk.requestToken(FILTERED_MERCHANT_KEY, "{\"scopes\":[\"admin\"],\"expiresIn\":600}").accessToken();

        IamPolicyResponseV1 outside = authorize(AuthorizerEvents.request().bearer(token).from("203.0.113.9"));
        IamPolicyResponseV1 inside = authorize(AuthorizerEvents.request().bearer(token).from("127.0.0.1"));

        assertThat(outside.getPrincipalId()).isEqualTo("merchant02");
        assertThat(statement(outside).get("Effect")).isEqualTo("Deny");
        assertThat((String[]) statement(outside).get("Resource")).containsExactly(AuthorizerEvents.STAGE_WILDCARD);
        assertThat(outside.getContext()).isNull();
        assertThat(statement(inside).get("Effect")).isEqualTo("Allow");
    }

    @Test
    void anApiKeyAuthorizesAsItsOrganisationWithEveryScopeItMayHave() {
        IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().apiKey(PARTNER_KEY));

        assertThat(policy.getPrincipalId()).isEqualTo("partner001");
        assertThat(statement(policy).get("Effect")).isEqualTo("Allow");
        assertThat(policy.getContext()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "organisationId", "partner001",
                "requestingOrganisationId", "partner001",
                "scopes", "application_tokens bankadmin openbanking_aisp openbanking_pisp",
                "accessType", "BN",
                "credential", "apiKey"));
    }

    @Test
    void aDeactivatedApiKeyIsUnauthorizedAtOnce() {
        authorize(AuthorizerEvents.request().apiKey(MERCHANT_KEY));
        gk.apiKeys.deactivate(new OrganisationId("merchant01"), ApiKeyHash.of(MERCHANT_KEY).keyId(), gk.clock.instant());
        assertUnauthorized(AuthorizerEvents.request().apiKey(MERCHANT_KEY));
    }

    @Test
    void anApiKeyFromOutsideItsOrganisationsAllowListIsDenied() {
        IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().apiKey(FILTERED_MERCHANT_KEY).from("198.51.100.7"));
        assertThat(policy.getPrincipalId()).isEqualTo("merchant02");
        assertThat(statement(policy).get("Effect")).isEqualTo("Deny");
    }

    @Test
    void aMethodArnThatIsNotAnExecuteApiArnFailsClosedWithoutAPolicy() {
        String token = merchantToken();
        assertThatThrownBy(() -> authorize(AuthorizerEvents.request().bearer(token).methodArn("arn:aws:s3:::bucket/key")))
                .isInstanceOf(AuthorizerEndpoint.Unavailable.class)
                .hasMessage("Authorizer unavailable");
    }

    /** What API Gateway receives: the Lambda runtime's own serializer applied to the handler's result. */
    @Test
    void theSerializedPolicyHasTheRestApiShapeWithNoNullMembers() throws Exception {
        IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().bearer(merchantToken()));
        PojoSerializer<IamPolicyResponseV1> serializer =
                LambdaEventSerializers.serializerFor(IamPolicyResponseV1.class, getClass().getClassLoader());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer.toJson(policy, out);
        String json = out.toString(StandardCharsets.UTF_8);

        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.get("principalId").asText()).isEqualTo("merchant01");
        JsonNode statement = root.get("policyDocument").get("Statement").get(0);
        assertThat(root.get("policyDocument").get("Version").asText()).isEqualTo("2012-10-17");
        assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
        assertThat(statement.get("Action").asText()).isEqualTo("execute-api:Invoke");
        assertThat(statement.get("Resource")).extracting(JsonNode::asText).containsExactly(AuthorizerEvents.STAGE_WILDCARD);
        assertThat(statement.get("Condition").isObject()).isTrue();
        assertThat(root.get("context").get("organisationId").asText()).isEqualTo("merchant01");
        assertThat(json).doesNotContain("null");
    }

    @Test
    void allowAndDenyNameTheSameStageWildcardWhateverRouteWasCalled() {
        String token = merchantToken();
        for (String route : List.of("/v1/POST/payments", "/v1/GET/protected/whoami", "/v1/DELETE/a/b/c", "/v1/GET")) {
            IamPolicyResponseV1 policy = authorize(AuthorizerEvents.request().bearer(token).methodArn(
                    "arn:aws:execute-api:eu-west-1:123456789012:" + AuthorizerEvents.API_ID + route));
            assertThat((String[]) statement(policy).get("Resource")).containsExactly(AuthorizerEvents.STAGE_WILDCARD);
        }
    }
}
