package dev.gatekeeper.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.auth.AuthorizationHeader;
import dev.gatekeeper.core.auth.Credentials;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AuthorizationHeaderTest {

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicWithEmptyPasswordYieldsTheApiKey() {
        assertThat(AuthorizationHeader.parse(List.of(basic("gk_key123:"))))
                .isEqualTo(new Credentials.ApiKey("gk_key123"));
    }

    @Test
    void schemeNamesAreCaseInsensitive() {
        assertThat(AuthorizationHeader.parse(List.of(basic("gk_key123:").replace("Basic", "bAsIc"))))
                .isEqualTo(new Credentials.ApiKey("gk_key123"));
        assertThat(AuthorizationHeader.parse(List.of("bearer abc.def.ghi"))).isEqualTo(new Credentials.Bearer("abc.def.ghi"));
    }

    @Test
    void credentialsNeverShowTheirSecretInToString() {
        assertThat(new Credentials.ApiKey("gk_secret").toString()).doesNotContain("gk_secret");
        assertThat(new Credentials.Bearer("eyJsecret").toString()).doesNotContain("eyJsecret");
    }

    @Test
    void missingHeaderIsUnauthorized() {
        assertUnauthorized(List.of());
    }

    @Test
    void severalAuthorizationHeadersAreRefused() {
        assertUnauthorized(List.of(basic("a:"), basic("b:")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gk_key:password", ":", ":password", "no-colon-at-all", "gk key:"})
    void basicWithAPasswordOrWithoutAKeyIsRefused(String userAndPassword) {
        assertUnauthorized(List.of(basic(userAndPassword)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic", "Basic ", "Basic !!!notbase64", "Digest abc", "Bearer", "Bearer a b", "Bearer a\r\nX-Injected: 1", "Token abc"})
    void malformedHeadersAreRefused(String header) {
        assertUnauthorized(List.of(header));
    }

    private static void assertUnauthorized(List<String> headers) {
        assertThatThrownBy(() -> AuthorizationHeader.parse(headers))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }
}
