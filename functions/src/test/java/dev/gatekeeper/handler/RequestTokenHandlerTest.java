package dev.gatekeeper.handler;

import static dev.gatekeeper.testing.GatekeeperFixture.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.GROUP_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.MERCHANT_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.PARTNER_KEY;
import static dev.gatekeeper.testing.GatekeeperFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.apikey.ApiKeyHash;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

class RequestTokenHandlerTest {
    private static final UUID TOKEN_ID = UUID.fromString("3fe40be4-8139-4bcc-a6fc-9fc6df927b31");
    private final GatekeeperFixture gk = GatekeeperFixture.create();

    private Response requestToken(ApiEvents event) {
        return gk.invoke(RequestTokenHandler::new, event.build());
    }

    private static ApiEvents tokens() {
        return ApiEvents.post("/tokens");
    }

    @Test
    void aMerchantExchangesItsApiKeyForATokenWithTheGatekeeperEnvelope() {
        gk.nextTokenIds(TOKEN_ID);
        Response response = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":360}"));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.body().get("uri").asText()).isEqualTo("/tokens/" + TOKEN_ID);
        JsonNode data = response.data();
        assertThat(data.get("id").asText()).isEqualTo(TOKEN_ID.toString());
        assertThat(data.get("uri").asText()).isEqualTo("/tokens/" + TOKEN_ID);
        assertThat(data.get("accessToken").asText()).startsWith("eyJ");
        assertThat(data.get("tokenType").asText()).isEqualTo("BEARER");
        assertThat(data.get("accessType").asText()).isEqualTo("CR");
        assertThat(data.get("requestingAccessType").asText()).isEqualTo("CR");
        assertThat(data.get("parentId").asText()).isEqualTo("partner001");
        assertThat(data.get("expiryTime").asLong()).isEqualTo(START.plusSeconds(360).toEpochMilli());
        assertThat(data.get("scopes")).extracting(JsonNode::asText).containsExactly("openbanking_pisp");
        assertThat(data.get("ipFiltering").asBoolean()).isFalse();
        assertThat(data.get("mtlsFilter").asBoolean()).isFalse();
        assertThat(data.get("requestedOrganisation").asText()).isEqualTo("merchant01");
        assertThat(data.get("requestingOrganisation").asText()).isEqualTo("merchant01");
        assertThat(data.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(data.get("createdTimestamp").asLong()).isEqualTo(START.toEpochMilli());
        assertThat(data.has("revokedTimestamp")).isFalse();
        assertThat(data.get("links")).hasSize(1);
        JsonNode link = data.get("links").get(0);
        assertThat(link.get("id").asText()).isEqualTo(TOKEN_ID.toString());
        assertThat(link.get("resourceType").asText()).isEqualTo("revoketoken");
        assertThat(link.get("uri").asText()).isEqualTo("/tokens/" + TOKEN_ID + "/revoke");
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void theJwtIsRs256WithTheKidAndTheGatekeeperClaims() throws Exception {
        gk.nextTokenIds(TOKEN_ID);
        SignedJWT jwt = SignedJWT.parse(requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}")).accessToken());

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(TestKeys.FIRST.kid());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(GatekeeperFixture.ISSUER);
        assertThat(claims.getAudience()).containsExactly(GatekeeperFixture.AUDIENCE);
        assertThat(claims.getSubject()).isEqualTo("merchant01");
        assertThat(claims.getJWTID()).isEqualTo(TOKEN_ID.toString());
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(START);
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(START.plusSeconds(10));
        assertThat(claims.getStringListClaim("scope")).containsExactly("admin");
        assertThat(claims.getStringClaim("org_id")).isEqualTo("merchant01");
        assertThat(claims.getStringClaim("originator_org_id")).isEqualTo("merchant01");
        assertThat(claims.getStringClaim("access_type")).isEqualTo("CR");
        assertThat(claims.getBooleanClaim("ip_filtering")).isFalse();
    }

    @Test
    void theRecordIsStoredUnderTheOrganisationButTheJwtNeverIs() {
        String jwt = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}")).accessToken();
        List<Map<String, AttributeValue>> items = LocalDynamoDb.shared().client()
                .scan(ScanRequest.builder().tableName(gk.tableName).build()).items();
        assertThat(items).anySatisfy(item -> {
            assertThat(item.get("pk").s()).isEqualTo("merchant01");
            assertThat(item.get("sk").s()).startsWith("TOKEN#");
        });
        String signature = jwt.substring(jwt.lastIndexOf('.') + 1);
        assertThat(items.toString()).doesNotContain(jwt).doesNotContain(signature).doesNotContain(MERCHANT_KEY);
    }

    @Test
    void apiKeysAreStoredOnlyAsHashes() {
        List<Map<String, AttributeValue>> items = LocalDynamoDb.shared().client()
                .scan(ScanRequest.builder().tableName(gk.tableName).build()).items();
        assertThat(items.toString()).doesNotContain(MERCHANT_KEY).contains(ApiKeyHash.of(MERCHANT_KEY).value());
    }

    @Test
    void partnersAndPartnerGroupsMayRequestTheirOwnTokens() {
        Response partner = requestToken(tokens().apiKey(PARTNER_KEY).json("{\"scopes\":[\"bankadmin\"]}"));
        Response group = requestToken(tokens().apiKey(GROUP_KEY).json("{\"scopes\":[\"bankadmin\"]}"));
        assertThat(partner.status()).isEqualTo(201);
        assertThat(partner.data().get("accessType").asText()).isEqualTo("BN");
        assertThat(group.status()).isEqualTo(201);
        assertThat(group.data().get("accessType").asText()).isEqualTo("BG");
        assertThat(group.data().has("parentId")).isFalse();
    }

    @Test
    void missingCredentialsAreUnauthorizedWithAChallenge() {
        Response response = requestToken(tokens().json("{\"scopes\":[\"admin\"]}"));
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.returnCode()).isEqualTo("UNAUTHORIZED");
        assertThat(response.body().get("returnDescription").asText()).isNotBlank();
        assertThat(response.header("WWW-Authenticate")).contains("Basic");
    }

    @Test
    void anUnknownApiKeyIsUnauthorized() {
        assertThat(requestToken(tokens().apiKey("gk_not_a_real_key").json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(401);
    }

    @Test
    void aDeactivatedApiKeyIsUnauthorized() {
        assertThat(gk.apiKeys.deactivate(new OrganisationId("merchant01"), ApiKeyHash.of(MERCHANT_KEY).keyId(), gk.clock.instant())).isTrue();
        assertThat(requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(401);
    }

    @Test
    void anotherContentTypeIsUnsupported() {
        Response response = requestToken(tokens().apiKey(MERCHANT_KEY).header("Content-Type", "text/plain").body("{\"scopes\":[\"admin\"]}"));
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.returnCode()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void jsonWithACharsetIsAccepted() {
        Response response = requestToken(tokens().apiKey(MERCHANT_KEY).header("Content-Type", "application/json; charset=UTF-8")
                .body("{\"scopes\":[\"admin\"]}"));
        assertThat(response.status()).isEqualTo(201);
    }

    @Test
    void malformedJsonIsABadRequestAndStoresNothing() {
        Response response = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\""));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.returnCode()).isEqualTo("BAD_REQUEST");
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
    }

    @Test
    void aBase64EncodedBodyIsDecodedAsApiGatewaySendsIt() {
        assertThat(requestToken(tokens().apiKey(MERCHANT_KEY).header("Content-Type", "application/json")
                .base64Body("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(201);
    }

    @Test
    void anOutOfRangeLifetimeIsUnprocessableNamingExpiresIn() {
        Response response = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"],\"expiresIn\":5}"));
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.returnCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(response.body().get("details").get(0).get("field").asText()).isEqualTo("expiresIn");
        assertThat(response.body().get("details").get(0).get("code").asText()).isEqualTo("OUT_OF_RANGE");
    }

    @Test
    void missingOrForbiddenScopesAreUnprocessableNamingScopes() {
        Response missing = requestToken(tokens().apiKey(MERCHANT_KEY).json("{}"));
        Response forbidden = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"bankadmin\"]}"));
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.body().get("details").get(0).get("field").asText()).isEqualTo("scopes");
        assertThat(forbidden.status()).isEqualTo(422);
        assertThat(forbidden.body().get("details").get(0).get("field").asText()).isEqualTo("scopes[0]");
    }

    @Test
    void aRequestFromOutsideTheAllowListIsForbiddenAndTheTokenShowsIpFiltering() {
        Response outside = requestToken(tokens().apiKey(FILTERED_MERCHANT_KEY).from("203.0.113.9").json("{\"scopes\":[\"admin\"]}"));
        Response inside = requestToken(tokens().apiKey(FILTERED_MERCHANT_KEY).from("127.0.0.1").json("{\"scopes\":[\"admin\"]}"));
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.returnCode()).isEqualTo("FORBIDDEN");
        assertThat(inside.status()).isEqualTo(201);
        assertThat(inside.data().get("ipFiltering").asBoolean()).isTrue();
    }

    @Test
    void aBearerTokenWithTheAdminScopeMayRequestAnotherToken() {
        String token = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"],\"expiresIn\":60}")).accessToken();
        Response second = requestToken(tokens().bearer(token).json("{\"scopes\":[\"openbanking_pisp\"]}"));
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.data().get("requestedOrganisation").asText()).isEqualTo("merchant01");
    }

    @Test
    void aBearerTokenWithoutTheAdminScopeIsForbidden() {
        String token = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"openbanking_pisp\"],\"expiresIn\":60}")).accessToken();
        Response response = requestToken(tokens().bearer(token).json("{\"scopes\":[\"openbanking_pisp\"]}"));
        assertThat(response.status()).isEqualTo(403);
    }

    @Test
    void anExpiredBearerTokenIsUnauthorized() {
        String token = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}")).accessToken();
        gk.clock.advance(Duration.ofSeconds(10));
        assertThat(requestToken(tokens().bearer(token).json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(401);
    }

    @Test
    void aRevokedBearerTokenIsRefusedOnTheNextRequest() {
        Response issued = requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"],\"expiresIn\":600}"));
        assertThat(requestToken(tokens().bearer(issued.accessToken()).json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(201);

        Response revoked = gk.invoke(RevokeTokenHandler::new,
                ApiEvents.post("/tokens/{tokenId}/revoke", "tokenId", issued.tokenId()).apiKey(MERCHANT_KEY).build());
        assertThat(revoked.status()).isEqualTo(200);

        assertThat(requestToken(tokens().bearer(issued.accessToken()).json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(401);
    }

    @Test
    void aBearerTokenSignedWithAnUnknownKidIsUnauthorized() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(requestToken(tokens().apiKey(MERCHANT_KEY).json("{\"scopes\":[\"admin\"]}")).accessToken())
                .getJWTClaimsSet();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("no-such-kid").build(), claims);
        forged.sign(new RSASSASigner((RSAKey) TestKeys.SECOND.privateJwk()));
        assertThat(requestToken(tokens().bearer(forged.serialize()).json("{\"scopes\":[\"admin\"]}")).status()).isEqualTo(401);
    }
}
