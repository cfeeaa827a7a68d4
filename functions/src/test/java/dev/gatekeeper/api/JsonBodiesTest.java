package dev.gatekeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.ErrorDetail;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.token.ApplicationTokenRequest;
import dev.gatekeeper.core.token.TokenRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBodiesTest {

    @Test
    void aGatekeeperTokenRequestIsRead() {
        TokenRequest request = JsonBodies.tokenRequest("{\"scopes\":[\"openbanking_pisp\",\"bankadmin\"],\"expiresIn\":360}");
        assertThat(request.scopes()).containsExactly("openbanking_pisp", "bankadmin");
        assertThat(request.expiresIn()).isEqualTo(360);
    }

    @Test
    void expiresInIsOptional() {
        assertThat(JsonBodies.tokenRequest("{\"scopes\":[\"a\"]}").expiresIn()).isNull();
    }

    @Test
    void anApplicationTokenRequestIsRead() {
        ApplicationTokenRequest request = JsonBodies.applicationTokenRequest("{\"products\":[\"open_banking_pis\"],\"resourceId\":\"8ow24y2pdx\"}");
        assertThat(request.products()).containsExactly("open_banking_pis");
        assertThat(request.resourceId()).isEqualTo("8ow24y2pdx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"scopes\":", "[]", "\"text\"", "{\"scopes\":[\"a\"]} trailing", "{\"scopes\":[\"a\"],}",
            "{\"scopes\":[\"a\"],\"scopes\":[\"b\"]}", "nul", "\u0000"})
    void malformedJsonIsABadRequest(String body) {
        assertThat(failure(() -> JsonBodies.tokenRequest(body)).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void aMissingBodyIsABadRequest() {
        assertThat(failure(() -> JsonBodies.tokenRequest(null)).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(failure(() -> JsonBodies.tokenRequest("  ")).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void deeplyNestedJsonIsABadRequestNotAStackOverflow() {
        String deep = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(failure(() -> JsonBodies.tokenRequest(deep)).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void aHugeBodyIsABadRequest() {
        String huge = "{\"scopes\":[\"" + "a".repeat(200_000) + "\"]}";
        assertThat(failure(() -> JsonBodies.tokenRequest(huge)).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void missingScopesIsAValidationErrorNamingTheField() {
        GatekeeperException e = failure(() -> JsonBodies.tokenRequest("{\"expiresIn\":30}"));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.details()).extracting(ErrorDetail::field).containsExactly("scopes");
    }

    @Test
    void unknownFieldsAreNamed() {
        GatekeeperException e = failure(() -> JsonBodies.tokenRequest("{\"scopes\":[\"a\"],\"admin\":true}"));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.details()).containsExactly(new ErrorDetail("UNKNOWN_FIELD", "Unknown field 'admin'", "admin"));
    }

    @Test
    void wrongTypesAreValidationErrorsPerField() {
        GatekeeperException e = failure(() -> JsonBodies.tokenRequest("{\"scopes\":\"admin\",\"expiresIn\":\"60\"}"));
        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(e.details()).extracting(ErrorDetail::field).containsExactlyInAnyOrder("scopes", "expiresIn");
    }

    @Test
    void fractionalOrHugeExpiresInIsAValidationError() {
        assertThat(failure(() -> JsonBodies.tokenRequest("{\"scopes\":[\"a\"],\"expiresIn\":10.5}")).details())
                .extracting(ErrorDetail::field).containsExactly("expiresIn");
        assertThat(failure(() -> JsonBodies.tokenRequest("{\"scopes\":[\"a\"],\"expiresIn\":99999999999999999999}")).details())
                .extracting(ErrorDetail::field).containsExactly("expiresIn");
    }

    @Test
    void nonStringScopesAreAValidationError() {
        assertThat(failure(() -> JsonBodies.tokenRequest("{\"scopes\":[\"a\",1,{\"b\":2}]}")).details())
                .extracting(ErrorDetail::field).containsExactly("scopes");
    }

    @Test
    void applicationTokenRequestsNeedProductsAndResourceId() {
        assertThat(failure(() -> JsonBodies.applicationTokenRequest("{}")).details())
                .extracting(ErrorDetail::field).containsExactlyInAnyOrder("products", "resourceId");
    }

    @Test
    void unicodeAndControlCharactersInStringsAreKeptForValidationToJudge() {
        TokenRequest request = JsonBodies.tokenRequest("{\"scopes\":[\"adm\\u0000in\",\"\u00e9t\u00e9\"]}");
        assertThat(request.scopes()).containsExactly("adm\u0000in", "\u00e9t\u00e9");
    }

    @Test
    void tenThousandScopesAreReadButCappedSoTheIssuerCanRefuseThem() {
        String many = "{\"scopes\":[" + String.join(",", java.util.Collections.nCopies(10_000, "\"a\"")) + "]}";
        assertThat(JsonBodies.tokenRequest(many).scopes()).hasSizeLessThanOrEqualTo(1_001).hasSizeGreaterThan(100);
    }

    private static GatekeeperException failure(Runnable action) {
        try {
            action.run();
        } catch (GatekeeperException e) {
            return e;
        }
        throw new AssertionError("expected a GatekeeperException");
    }
}
