package dev.gatekeeper.local;

import static dev.gatekeeper.local.LocalApiTest.FILTERED_MERCHANT_KEY;
import static dev.gatekeeper.local.LocalApiTest.MERCHANT_KEY;
import static dev.gatekeeper.local.LocalApiTest.PARTNER_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatekeeper.local.Http.Reply;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code serve --protect} over real HTTP: GET /protected/whoami of examples/protected-api.yaml behind the
 * template's TokenAuthorizerFunction, as API Gateway runs a REQUEST authorizer with caching off.
 */
class ProtectedApiTest {
    /** Allowed from 10.0.0.0/8 only; the tests' requests come from 127.0.0.1. */
    private static final String OUTSIDE_KEY = "gk_outside_allow_list_key_000000000000000000";
    private static final String MOVED_KEY = "gk_moved_allow_list_key_00000000000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Console console = new Console();
    private static LocalApi api;
    private static Http http;
    private static int dynamoDbPort;

    @BeforeAll
    static void start(@TempDir Path directory) throws IOException {
        ObjectNode seed = (ObjectNode) JSON.readTree(Repository.seed().toFile());
        ((ArrayNode) seed.get("organisations")).add(JSON.createObjectNode()
                .put("id", "outside001")
                .put("name", "Merchant Allowed From 10/8")
                .put("accessType", "CR")
                .put("parentId", "partner001")
                .put("ipFiltering", true)
                .<ObjectNode>set("allowedScopes", JSON.valueToTree(List.of("admin")))
                .<ObjectNode>set("allowedIps", JSON.valueToTree(List.of("10.0.0.0/8")))
                .set("apiKeys", JSON.valueToTree(List.of(OUTSIDE_KEY))));
        ((ArrayNode) seed.get("organisations")).add(JSON.createObjectNode()
                .put("id", "movedmerc1")
                .put("name", "Merchant Whose Allow-List Moves")
                .put("accessType", "CR")
                .put("parentId", "partner001")
                .put("ipFiltering", true)
                .<ObjectNode>set("allowedScopes", JSON.valueToTree(List.of("admin")))
                .<ObjectNode>set("allowedIps", JSON.valueToTree(List.of("127.0.0.1")))
                .set("apiKeys", JSON.valueToTree(List.of(MOVED_KEY))));
        dynamoDbPort = AdminCliTest.freePort();
        Path seedFile = Files.writeString(directory.resolve("seed.json"), JSON.writeValueAsString(seed));
        api = console.runner().serve("--port", "0", "--in-memory", "--protect", "--dynamodb-port", String.valueOf(dynamoDbPort), "--seed", seedFile.toString(),
                "--template", Repository.template().toString());
        http = new Http(api.baseUri());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void aValidBearerTokenReachesTheRouteWithTheAuthorizersContext() {
        Reply issued = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\", \"openbanking_pisp\"]}");

        Reply whoami = whoami(issued.accessToken());

        assertThat(whoami.status()).as(whoami.toString()).isEqualTo(200);
        assertThat(whoami.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(whoami.json().get("principalId").asText()).isEqualTo("merchant01");
        assertThat(whoami.json().get("organisationId").asText()).isEqualTo("merchant01");
        assertThat(whoami.json().get("requestingOrganisationId").asText()).isEqualTo("merchant01");
        assertThat(whoami.json().get("scopes").asText()).isEqualTo("admin openbanking_pisp");
        assertThat(whoami.json().get("accessType").asText()).isEqualTo("CR");
        assertThat(whoami.json().get("tokenId").asText()).isEqualTo(issued.tokenId());
        assertThat(console.err()).containsPattern("(?m)^GET /protected/whoami 200 \\d+ms WhoAmIFunction$");
    }

    @Test
    void aPartnersTokenForItsMerchantNamesBothAndTheStagePrefixWorks() {
        Reply issued = http.postJson("/organisations/merchant01/tokens", PARTNER_KEY, "{\"scopes\": [\"openbanking_pisp\"]}");

        Reply whoami = http.send(http.request("/v1/protected/whoami").header("Authorization", "Bearer " + issued.accessToken()));

        assertThat(whoami.status()).as(whoami.toString()).isEqualTo(200);
        assertThat(whoami.json().get("organisationId").asText()).isEqualTo("merchant01");
        assertThat(whoami.json().get("requestingOrganisationId").asText()).isEqualTo("partner001");
    }

    @Test
    void aRequestWithoutCredentialsIsUnauthorizedAsTheGatewayResponseSays() {
        Reply whoami = http.send(http.request("/protected/whoami"));

        assertThat(whoami.status()).isEqualTo(401);
        assertThat(whoami.returnCode()).isEqualTo("UNAUTHORIZED");
        assertThat(whoami.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"gatekeeper\"");
    }

    @Test
    void aTamperedTokenIsUnauthorized() {
        Reply issued = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

        Reply whoami = whoami(issued.accessToken() + "x");

        assertThat(whoami.status()).isEqualTo(401);
        assertThat(whoami.returnCode()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aRevokedTokenIsRefusedOnTheFirstRequestAfterItsRevocation() {
        Reply issued = http.postJson("/tokens", MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        assertThat(whoami(issued.accessToken()).status()).isEqualTo(200);
        assertThat(http.post("/tokens/" + issued.tokenId() + "/revoke", MERCHANT_KEY).status()).isEqualTo(200);

        Reply whoami = whoami(issued.accessToken());

        assertThat(whoami.status()).isEqualTo(401);
        assertThat(whoami.returnCode()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aTokenRevokedByRevokeAllIsRefused() {
        Reply issued = http.postJson("/tokens", FILTERED_MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
        assertThat(whoami(issued.accessToken()).status()).isEqualTo(200);
        assertThat(http.post("/tokens/revoke", FILTERED_MERCHANT_KEY).status()).isEqualTo(200);

        Reply whoami = whoami(issued.accessToken());

        assertThat(whoami.status()).isEqualTo(401);
    }

    @Test
    void anIpFilteredTokenIsAllowedFromAnAddressOfItsAllowList() {
        Reply issued = http.postJson("/organisations/merchant02/tokens", PARTNER_KEY, "{\"scopes\": [\"admin\"]}");

        Reply whoami = whoami(issued.accessToken());

        assertThat(whoami.status()).as(whoami.toString()).isEqualTo(200);
        assertThat(whoami.json().get("organisationId").asText()).isEqualTo("merchant02");
    }

    /**
     * A token carries IP filtering when its requester filters; the requester's allow-list is read at each decision.
     * A requester can only get a token from an allowed address, so its allow-list is moved away from 127.0.0.1 after
     * the token is issued, straight in the runner's table.
     */
    @Test
    void anIpFilteredTokenFromASourceOutsideItsRequestersAllowListIsForbidden() {
        Reply issued = http.postJson("/tokens", MOVED_KEY, "{\"scopes\": [\"admin\"]}");
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        try (DynamoDbClient client = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + dynamoDbPort))
                .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build()) {
            DynamoDbOrganisationRegistry organisations = new DynamoDbOrganisationRegistry(client, "TokensTable");
            Organisation moved = organisations.find(new OrganisationId("movedmerc1")).orElseThrow();
            organisations.update(moved, new Organisation(moved.id(), moved.name(), moved.accessType(), moved.parentId(),
                    moved.allowedScopes(), moved.products(), true, List.of("10.0.0.0/8"), moved.mtlsFilter()),
                    Instant.now());
        }

        Reply whoami = whoami(issued.accessToken());

        assertThat(whoami.status()).as(whoami.toString()).isEqualTo(403);
        assertThat(whoami.returnCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void anApiKeyFromASourceOutsideItsAllowListIsForbidden() {
        Reply whoami = http.send(http.request("/protected/whoami").header("Authorization", Http.basic(OUTSIDE_KEY)));

        assertThat(whoami.status()).isEqualTo(403);
        assertThat(whoami.returnCode()).isEqualTo("FORBIDDEN");
    }

    private static Reply whoami(String token) {
        return http.send(http.request("/protected/whoami").header("Authorization", "Bearer " + token));
    }
}
