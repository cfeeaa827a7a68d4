package dev.gatekeeper.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.testing.ApiEvents;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.GatekeeperFixture.Response;
import dev.gatekeeper.testing.TestKeys;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JwksHandlerTest {
    private final GatekeeperFixture gk = GatekeeperFixture.withKeys(TestKeys.rotated());

    private Response jwks() {
        return gk.invoke(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build());
    }

    private static List<String> kids(Response response) {
        return response.body().get("keys").findValuesAsText("kid");
    }

    @Test
    void theCurrentAndPreviousKeysArePublishedWithoutCredentials() {
        Response response = jwks();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.header("Cache-Control")).isEqualTo("public, max-age=300");
        assertThat(kids(response)).containsExactly(TestKeys.SECOND.kid(), TestKeys.FIRST.kid());
    }

    @Test
    void eachKeyHasExactlyThePublicMembersAVerifierNeeds() throws Exception {
        Response response = jwks();

        for (JsonNode key : response.body().get("keys")) {
            Set<String> members = new TreeSet<>();
            for (Iterator<String> names = key.fieldNames(); names.hasNext(); ) {
                members.add(names.next());
            }
            assertThat(members).containsExactlyInAnyOrder("kty", "kid", "use", "alg", "n", "e");
            assertThat(key.get("kty").asText()).isEqualTo("RSA");
            assertThat(key.get("use").asText()).isEqualTo("sig");
            assertThat(key.get("alg").asText()).isEqualTo("RS256");
        }
        JWKSet published = JWKSet.parse(response.raw().getBody());
        assertThat(published.containsNonPublicKeys()).isFalse();
        RSAKey first = (RSAKey) published.getKeyByKeyId(TestKeys.FIRST.kid());
        assertThat(first.toRSAPublicKey()).isEqualTo(((RSAKey) TestKeys.FIRST.privateJwk()).toRSAPublicKey());
    }

    @Test
    void anEcKeyIsPublishedWithExactlyItsPublicMembersBesideTheRsaOnesItReplaced() throws Exception {
        GatekeeperFixture switched = GatekeeperFixture.withKeys(new SigningKeySet(TestKeys.EC_FIRST, List.of(TestKeys.FIRST)));

        Response response = switched.invoke(JwksHandler::new, ApiEvents.get("/.well-known/jwks.json").build());

        assertThat(kids(response)).containsExactly(TestKeys.EC_FIRST.kid(), TestKeys.FIRST.kid());
        JsonNode ec = response.body().get("keys").get(0);
        Set<String> members = new TreeSet<>();
        ec.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactlyInAnyOrder("kty", "kid", "use", "alg", "crv", "x", "y");
        assertThat(ec.get("kty").asText()).isEqualTo("EC");
        assertThat(ec.get("crv").asText()).isEqualTo("P-256");
        assertThat(ec.get("alg").asText()).isEqualTo("ES256");
        assertThat(ec.get("use").asText()).isEqualTo("sig");
        assertThat(response.raw().getBody()).doesNotContain(((ECKey) TestKeys.EC_FIRST.privateJwk()).getD().toString());
        JWKSet published = JWKSet.parse(response.raw().getBody());
        assertThat(published.containsNonPublicKeys()).isFalse();
        assertThat(((ECKey) published.getKeyByKeyId(TestKeys.EC_FIRST.kid())).toECPublicKey())
                .isEqualTo(((ECKey) TestKeys.EC_FIRST.privateJwk()).toECPublicKey());
        assertThat(response.body().get("keys").get(1).get("alg").asText()).isEqualTo("RS256");
    }

    @Test
    void aKeyRemovedFromTheSecretDisappearsOnceTheKeyCacheRefreshes() {
        assertThat(kids(jwks())).hasSize(2);
        gk.storeKeys(TestKeys.only(TestKeys.SECOND));

        gk.clock.advance(Duration.ofSeconds(300));
        assertThat(kids(jwks())).as("still within the cache age").hasSize(2);
        gk.clock.advance(Duration.ofSeconds(1));
        assertThat(kids(jwks())).containsExactly(TestKeys.SECOND.kid());
    }
}
