package dev.gatekeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormBodiesTest {

    private static void assertBadRequest(String body, String description) {
        assertThatThrownBy(() -> FormBodies.parse(body)).isInstanceOfSatisfying(GatekeeperException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.description()).isEqualTo(description);
        });
    }

    @Test
    void pairsArePercentAndPlusDecodedInOrder() {
        assertThat(FormBodies.parse("token=a%2Eb+c&token_type_hint=access_token&empty=&flag"))
                .containsExactly(Map.entry("token", "a.b c"), Map.entry("token_type_hint", "access_token"),
                        Map.entry("empty", ""), Map.entry("flag", ""));
    }

    @Test
    void escapesAreUtf8AndNamesAreDecodedToo() {
        assertThat(FormBodies.parse("n%C3%A4me=%E2%82%AC%F0%9F%94%91")).containsExactly(Map.entry("näme", "€🔑"));
    }

    @Test
    void emptyPairsCarryNothing() {
        assertThat(FormBodies.parse("&token=a&&")).containsExactly(Map.entry("token", "a"));
        assertThat(FormBodies.parse("")).isEmpty();
        assertThat(FormBodies.parse(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=a&token=b", "token=a&token=a", "token=a&%74oken=b"})
    void aRepeatedParameterIsRefusedEvenWithTheSameValueOrEncodedDifferently(String body) {
        assertBadRequest(body, "Parameter 'token' appears more than once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token=%", "token=%4", "token=%zz", "token=%E2%82", "token=%FF", "=value", "%3D=x&=y"})
    void brokenEscapesInvalidUtf8AndEmptyNamesAreMalformed(String body) {
        assertThatThrownBy(() -> FormBodies.parse(body)).isInstanceOfSatisfying(GatekeeperException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void anOversizedBodyOrTooManyParametersAreRefused() {
        assertBadRequest("token=" + "a".repeat(FormBodies.MAX_BODY_CHARS), "The request body is too large");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            many.append("p").append(i).append("=x&");
        }
        assertBadRequest(many.toString(), "Too many form parameters");
    }

    @Test
    void theTokenParameterIsRequiredAndNotEmpty() {
        assertThat(FormBodies.tokenParameter("token_type_hint=access_token&token=abc")).isEqualTo("abc");
        for (String body : new String[] {null, "", "token=", "token", "hint=x"}) {
            assertThatThrownBy(() -> FormBodies.tokenParameter(body)).as(String.valueOf(body))
                    .isInstanceOfSatisfying(GatekeeperException.class,
                            e -> assertThat(e.description()).isEqualTo("The token parameter is required"));
        }
    }
}
