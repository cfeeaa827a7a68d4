package dev.gatekeeper.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthorizerPoliciesTest {

    @ParameterizedTest
    @CsvSource({
            "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/GET/protected/whoami, arn:aws:execute-api:eu-west-1:123456789012:abc123/v1/*/*",
            "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/, arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*/*",
            "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/ANY, arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/*",
            "arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/v1/GET/a/b, arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/v1/*/*",
            "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc123/$default/GET/x, arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc123/$default/*/*"
    })
    void thePolicyCoversEveryMethodAndPathOfTheCalledStage(String methodArn, String expected) {
        assertThat(AuthorizerPolicies.stageWildcard(methodArn)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "arn:aws:s3:::bucket/key", "arn:aws:execute-api:eu-west-1:123456789012:abc123",
            "arn:aws:execute-api:eu-west-1:123456789012:abc123/v1", "arn:aws:execute-api:eu-west-1:1234:abc/v1/GET/x",
            "arn:aws:execute-api:eu-west-1:123456789012:*/v1/GET/x"})
    void anythingElseIsAMisconfiguration(String methodArn) {
        assertThatThrownBy(() -> AuthorizerPolicies.stageWildcard(methodArn)).isInstanceOf(IllegalArgumentException.class);
    }
}
