package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;
import static dev.gatekeeper.checks.CloudFormationYaml.referencedResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege for the signing keys, read from the built template: the private key set (the secret a
 * RotationSchedule rotates) is reachable only from the functions that sign tokens and from its rotation function;
 * every function that only verifies tokens or publishes the JWKS reaches the public key set alone.
 *
 * <p>Which functions only verify is not listed here: the code says it. A handler built on the verify-only service
 * names {@code Gatekeeper.sharedVerifyOnly} in its class file, as the function's artifact holds it.
 */
class SigningKeyAccessTest {
    private static final String VERIFY_ONLY_MARK = "sharedVerifyOnly";
    private static final String SIGNING_KEY_SECRET_ARN = "SIGNING_KEY_SECRET_ARN";
    private static final String PUBLIC_KEY_SECRET_ARN = "PUBLIC_KEY_SECRET_ARN";
    private static final Set<String> WRITES = Set.of("secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage", "secretsmanager:UpdateSecret", "secretsmanager:RestoreSecret",
            "secretsmanager:DeleteSecret", "secretsmanager:CreateSecret");

    static List<LambdaFunction> functions() {
        return SamBuild.functions();
    }

    static List<LambdaFunction> verifyOnlyFunctions() throws IOException {
        List<LambdaFunction> verifyOnly = new ArrayList<>();
        for (LambdaFunction function : functions()) {
            if (onlyVerifies(function)) {
                verifyOnly.add(function);
            }
        }
        return verifyOnly;
    }

    @Test
    void theVerifyOnlyFunctionsAreTheOnesThatIssueNothing() throws IOException {
        assertThat(verifyOnlyFunctions()).extracting(LambdaFunction::name).containsExactlyInAnyOrder(
                "RevokeTokenFunction", "RevokeOrganisationTokenFunction", "RevokeAllTokensFunction",
                "RevokeOrganisationTokensFunction", "JwksFunction", "IntrospectTokenFunction",
                "OAuthRevokeTokenFunction", "TokenAuthorizerFunction");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verifyOnlyFunctions")
    void aFunctionThatOnlyVerifiesCannotReachThePrivateSigningKeys(LambdaFunction function) {
        Object policies = function.properties().get("Policies");
        Object environment = function.properties().get("Environment");

        for (String secret : privateKeySecrets()) {
            assertThat(references(policies, secret))
                    .as("%s only verifies tokens, yet its Policies name %s, the private signing keys", function, secret)
                    .isFalse();
            assertThat(references(environment, secret))
                    .as("%s only verifies tokens, yet its Environment names %s, the private signing keys", function, secret)
                    .isFalse();
        }
        assertThat(secretsManagerOnEveryResource(policies))
                .as("%s: a Secrets Manager right on every resource would include the private signing keys", function)
                .isEmpty();
        assertThat(variables(function)).as("%s reads the public key set", function)
                .containsKey(PUBLIC_KEY_SECRET_ARN).doesNotContainKey(SIGNING_KEY_SECRET_ARN);
    }

    /** A variable naming a key secret the function may not read would only fail at its first request. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void aFunctionMayReadTheKeySecretItsEnvironmentNames(LambdaFunction function) {
        for (String variable : List.of(SIGNING_KEY_SECRET_ARN, PUBLIC_KEY_SECRET_ARN)) {
            Optional<String> secret = referencedResource(variables(function).get(variable));
            if (secret.isEmpty()) {
                continue;
            }
            assertThat(IamStatements.of(function.properties().get("Policies")))
                    .as("%s: %s names %s; a statement allows secretsmanager:GetSecretValue on it", function, variable,
                            secret.get())
                    .anySatisfy(statement -> {
                        assertThat(IamStatements.actions(statement)).contains("secretsmanager:GetSecretValue");
                        assertThat(references(statement.get("Resource"), secret.get())).isTrue();
                    });
        }
    }

    /** Only the rotation function writes the key sets: a function that signs reads its keys and nothing else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void onlyTheRotationFunctionMayWriteAKeySecret(LambdaFunction function) {
        if (rotationLambdas().contains(function.name())) {
            return;
        }
        for (Map<String, Object> statement : IamStatements.of(function.properties().get("Policies"))) {
            assertThat(IamStatements.actions(statement))
                    .as("%s is no rotation function, yet it may write secrets", function)
                    .doesNotContainAnyElementsOf(WRITES)
                    .doesNotContain("secretsmanager:*");
        }
    }

    /** The secrets some RotationSchedule rotates: the private signing key sets. */
    private static Set<String> privateKeySecrets() {
        Set<String> secrets = SamBuild.template().resourcesOfType("AWS::SecretsManager::RotationSchedule").values()
                .stream()
                .map(schedule -> referencedResource(schedule.get("SecretId")))
                .flatMap(Optional::stream)
                .collect(Collectors.toSet());
        assertThat(secrets).as("the template rotates the signing key secret").isNotEmpty();
        return secrets;
    }

    private static Set<String> rotationLambdas() {
        return SamBuild.template().resourcesOfType("AWS::SecretsManager::RotationSchedule").values().stream()
                .map(schedule -> referencedResource(schedule.get("RotationLambdaARN")))
                .flatMap(Optional::stream)
                .collect(Collectors.toSet());
    }

    /** Whether the handler class, as the function's artifact holds it, asks for the verify-only service. */
    private static boolean onlyVerifies(LambdaFunction function) throws IOException {
        try (URLClassLoader artifact = new LambdaArtifact(SamBuild.artifactOf(function)).classLoader();
             InputStream type = artifact.getResourceAsStream(function.handlerClass().replace('.', '/') + ".class")) {
            if (type == null) {
                throw new AssertionError(function + ": its handler " + function.handlerClass() + " is not in its artifact");
            }
            // Class files keep method names they call as plain text in their constant pool.
            return new String(type.readAllBytes(), StandardCharsets.ISO_8859_1).contains(VERIFY_ONLY_MARK);
        }
    }

    private static Map<String, Object> variables(LambdaFunction function) {
        return map(map(function.properties().get("Environment")).get("Variables"));
    }

    /** Statements granting a Secrets Manager action on {@code *}, and managed policies named after Secrets Manager. */
    private static List<Object> secretsManagerOnEveryResource(Object policies) {
        List<Object> found = new ArrayList<>();
        for (Map<String, Object> statement : IamStatements.of(policies)) {
            Object resource = statement.get("Resource");
            boolean everything = "*".equals(resource) || resource instanceof Collection<?> list && list.contains("*");
            if (everything && IamStatements.actions(statement).stream().anyMatch(action ->
                    action.startsWith("secretsmanager:")
                    || action.equals("*"))) {
                found.add(statement);
            }
        }
        if (policies instanceof Collection<?> list) {
            list.stream().filter(policy -> policy instanceof String name && name.contains("SecretsManager"))
                    .forEach(found::add);
        }
        return found;
    }

    /** Whether {@code Ref}, {@code Fn::GetAtt} or {@code Fn::Sub} anywhere in {@code node} names the resource. */
    private static boolean references(Object node, String resource) {
        if (node instanceof Map<?, ?> raw) {
            Map<String, Object> intrinsic = map(raw);
            if (referencedResource(intrinsic).filter(resource::equals).isPresent()) {
                return true;
            }
            Object sub = intrinsic.get("Fn::Sub");
            String text = sub instanceof List<?> withVariables && !withVariables.isEmpty()
                    ? String.valueOf(withVariables.get(0)) : sub instanceof String plain ? plain : null;
            if (text != null && (text.contains("${" + resource + "}") || text.contains("${" + resource + "."))) {
                return true;
            }
            return intrinsic.values().stream().anyMatch(value -> references(value, resource));
        }
        if (node instanceof Collection<?> list) {
            return list.stream().anyMatch(value -> references(value, resource));
        }
        return false;
    }

}
