package dev.gatekeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.local.template.ApiRoute;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Resource selection as API Gateway does it: by path, literal segments first, then by method. */
class RoutesTest {
    private static final ApiRoute REVOKE_ALL = new ApiRoute("RevokeAll", "/tokens/revoke", "POST", "v1");
    private static final ApiRoute REVOKE_ONE = new ApiRoute("RevokeOne", "/tokens/{tokenId}/revoke", "POST", "v1");
    private static final ApiRoute REVOKE_FOR = new ApiRoute("RevokeFor", "/organisations/{id}/tokens/{tokenId}/revoke", "POST", "v1");
    private static final ApiRoute BY_ID = new ApiRoute("ById", "/tokens/{tokenId}", "GET", "v1");
    private static final ApiRoute FILES = new ApiRoute("Files", "/files/{path+}", ApiRoute.ANY, "v1");
    private static final Routes ROUTES = Routes.of(List.of(REVOKE_ALL, REVOKE_ONE, REVOKE_FOR, BY_ID, FILES));

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        assertThat(ROUTES.match("POST", "/tokens/revoke"))
                .isEqualTo(new Routes.Found(REVOKE_ALL, Map.of(), "/tokens/revoke"));
        assertThat(ROUTES.match("POST", "/tokens/abc/revoke"))
                .isEqualTo(new Routes.Found(REVOKE_ONE, Map.of("tokenId", "abc"), "/tokens/abc/revoke"));
    }

    @Test
    void pathParametersArePercentDecodedButPlusStaysAPlus() {
        Routes.Found found = (Routes.Found) ROUTES.match("POST", "/organisations/caf%C3%A9/tokens/a+b%2Fc/revoke");

        assertThat(found.pathParameters()).containsExactly(Map.entry("id", "café"), Map.entry("tokenId", "a+b/c"));
        assertThat(found.path()).isEqualTo("/organisations/caf%C3%A9/tokens/a+b%2Fc/revoke");
    }

    @Test
    void theResourceIsChosenByPathBeforeMethod() {
        // GET /tokens/revoke selects the /tokens/revoke resource, which has no GET, not /tokens/{tokenId}.
        assertThat(ROUTES.match("GET", "/tokens/revoke")).isEqualTo(new Routes.MethodNotAllowed("/tokens/revoke", Set.of("POST")));
        assertThat(ROUTES.match("GET", "/tokens/abc")).isInstanceOf(Routes.Found.class);
    }

    @Test
    void aPathOfNoResourceIsNotFound() {
        assertThat(ROUTES.match("POST", "/tokens")).isInstanceOf(Routes.NotFound.class);
        assertThat(ROUTES.match("POST", "/tokens//revoke")).isInstanceOf(Routes.NotFound.class);
        assertThat(ROUTES.match("POST", "/tokens/revoke/")).isInstanceOf(Routes.NotFound.class);
    }

    @Test
    void theStageMayPrefixThePath() {
        assertThat(ROUTES.match("POST", "/v1/tokens/revoke"))
                .isEqualTo(new Routes.Found(REVOKE_ALL, Map.of(), "/tokens/revoke"));
        assertThat(ROUTES.match("POST", "/v2/tokens/revoke")).isInstanceOf(Routes.NotFound.class);
    }

    @Test
    void aGreedyParameterTakesTheRestOfThePathForAnyMethod() {
        Routes.Found found = (Routes.Found) ROUTES.match("DELETE", "/files/a/b%20c");

        assertThat(found.route()).isEqualTo(FILES);
        assertThat(found.pathParameters()).containsEntry("path", "a/b c");
        assertThat(ROUTES.match("GET", "/files")).isInstanceOf(Routes.NotFound.class);
    }

    @Test
    void twoFunctionsCannotShareAMethodOfOneResource() {
        assertThatThrownBy(() -> Routes.of(List.of(REVOKE_ALL, new ApiRoute("Other", "/tokens/revoke", "POST", "v1"))))
                .hasMessageContaining("RevokeAll").hasMessageContaining("Other");
    }
}
