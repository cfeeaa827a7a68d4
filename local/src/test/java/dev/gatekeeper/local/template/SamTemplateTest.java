package dev.gatekeeper.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.adapter.dynamodb.TokenTable;
import dev.gatekeeper.config.GatekeeperConfig;
import dev.gatekeeper.core.keys.KeyRetention;
import dev.gatekeeper.local.Repository;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the runner reads template.yaml: the real one, and small ones for what the real one does not use. */
class SamTemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(Repository.template());

    @Test
    void everyGatekeeperOperationIsARouteToItsFunctionOnTheTemplatesStage() {
        assertThat(TEMPLATE.routes()).contains(
                new ApiRoute("RequestTokenFunction", "/tokens", "POST", "v1"),
                new ApiRoute("RequestOrganisationTokenFunction", "/organisations/{encodedOrganisationId}/tokens", "POST", "v1"),
                new ApiRoute("RequestApplicationTokenFunction", "/applications/tokens", "POST", "v1"),
                new ApiRoute("RequestOrganisationApplicationTokenFunction",
                        "/organisations/{encodedOrganisationId}/applications/tokens", "POST", "v1"),
                new ApiRoute("RevokeTokenFunction", "/tokens/{tokenId}/revoke", "POST", "v1"),
                new ApiRoute("RevokeOrganisationTokenFunction",
                        "/organisations/{encodedOrganisationId}/tokens/{tokenId}/revoke", "POST", "v1"),
                new ApiRoute("RevokeAllTokensFunction", "/tokens/revoke", "POST", "v1"),
                new ApiRoute("RevokeOrganisationTokensFunction", "/organisations/{encodedOrganisationId}/tokens/revoke",
                        "POST", "v1"));
        assertThat(TEMPLATE.routes()).allSatisfy(route -> assertThat(route.stage()).isEqualTo("v1"));
    }

    @Test
    void aFunctionWithoutAnApiEventHasNoRoute() {
        FunctionDefinition rotation = TEMPLATE.function("RotateSigningKeyFunction").orElseThrow();

        assertThat(rotation.hasApiEvent()).isFalse();
        assertThat(TEMPLATE.routes()).noneMatch(route -> route.functionId().equals("RotateSigningKeyFunction"));
    }

    @Test
    void theHandlerNamesAClassAndAMethodAndGlobalsSetMemoryAndTimeout() {
        FunctionDefinition function = TEMPLATE.function("RevokeTokenFunction").orElseThrow();

        assertThat(function.handlerClass()).isEqualTo("dev.gatekeeper.handler.RevokeTokenHandler");
        assertThat(function.handlerMethod()).isEqualTo("handleRequest");
        assertThat(function.memorySizeMb()).isEqualTo(512);
        assertThat(function.timeoutSeconds()).isEqualTo(10);
    }

    @Test
    void refsBecomeLocalNamesAndParameterDefaults() {
        FunctionEnvironment environment = TEMPLATE.function("RequestTokenFunction").orElseThrow().environment();

        assertThat(environment.variables())
                .containsEntry(GatekeeperConfig.TABLE_NAME, "TokensTable")
                .containsEntry(GatekeeperConfig.SIGNING_KEY_SECRET_ARN, "SigningKeySecret")
                .containsEntry(GatekeeperConfig.TOKEN_ISSUER, "https://gatekeeper.example.com")
                .containsEntry(GatekeeperConfig.TOKEN_AUDIENCE, "gatekeeper")
                .containsEntry(GatekeeperConfig.TOKEN_RETENTION_DAYS, "30")
                .containsEntry(GatekeeperConfig.AUDIT_RETENTION_DAYS, "400")
                .containsEntry(GatekeeperConfig.SIGNING_ALGORITHM, "RS256");
        // The rotation function makes the keys, so it must see the parameter too (Globals reach it).
        assertThat(TEMPLATE.function("RotateSigningKeyFunction").orElseThrow().environment().variables())
                .containsEntry(GatekeeperConfig.SIGNING_ALGORITHM, "RS256")
                .containsEntry("SIGNING_KEYS_MAX", "30")
                .containsEntry("KEY_ROTATION_DAYS", "30");
        assertThat(environment.referencedResource(GatekeeperConfig.TABLE_NAME)).hasValue("TokensTable");
        assertThat(environment.referencedResource(GatekeeperConfig.SIGNING_KEY_SECRET_ARN)).hasValue("SigningKeySecret");
        assertThat(environment.referencedResource(GatekeeperConfig.TOKEN_ISSUER)).isEmpty();
    }

    /** The functions that only verify are given the public key set, never the private one. */
    @Test
    void aVerifyOnlyFunctionNamesThePublicKeySecretAndNotTheSigningKeySecret() {
        FunctionEnvironment authorizer = TEMPLATE.function("TokenAuthorizerFunction").orElseThrow().environment();
        FunctionEnvironment rotation = TEMPLATE.function("RotateSigningKeyFunction").orElseThrow().environment();

        assertThat(authorizer.referencedResource(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN)).hasValue("PublicKeySecret");
        assertThat(authorizer.declares(GatekeeperConfig.SIGNING_KEY_SECRET_ARN)).isFalse();
        assertThat(rotation.referencedResource(GatekeeperConfig.PUBLIC_KEY_SECRET_ARN)).hasValue("PublicKeySecret");
    }

    @Test
    void aNoValueVariableIsDeclaredButAbsent() {
        FunctionEnvironment environment = TEMPLATE.function("RequestTokenFunction").orElseThrow().environment();

        assertThat(environment.declares(GatekeeperConfig.AWS_ENDPOINT_URL)).isTrue();
        assertThat(environment.variables()).doesNotContainKey(GatekeeperConfig.AWS_ENDPOINT_URL);
    }

    @Test
    void aFunctionsOwnVariablesJoinTheGlobalOnes() {
        FunctionEnvironment environment = TEMPLATE.function("RotateSigningKeyFunction").orElseThrow().environment();

        assertThat(environment.variables()).containsEntry("SIGNING_KEYS_MAX", "30")
                .containsEntry(GatekeeperConfig.TABLE_NAME, "TokensTable");
    }

    /**
     * The most frequent schedule the template accepts keeps no more keys than the rotation function may hold (it
     * would refuse to start otherwise), rotations coming a day early included, with room for a few rotations on top
     * of the schedule; and the minimum is no higher than that needs, so raising it again is a deliberate change.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theShortestRotationIntervalTheTemplateAllowsFitsTheKeyLimitItGivesTheRotationFunction() throws Exception {
        Map<String, Object> parameters = (Map<String, Object>) CloudFormationYaml.read(
                Files.readString(Repository.template()), "template.yaml").get("Parameters");
        int shortestDays = ((Number) ((Map<String, Object>) parameters.get("KeyRotationDays")).get("MinValue")).intValue();
        int maxKeys = Integer.parseInt(TEMPLATE.function("RotateSigningKeyFunction").orElseThrow().environment()
                .variables().get("SIGNING_KEYS_MAX"));
        KeyRetention retention = KeyRetention.forGatekeeperTokens(maxKeys);

        retention.checkSchedule(Duration.ofDays(shortestDays));
        assertThat(retention.keysOnSchedule(Duration.ofDays(shortestDays)))
                .isLessThanOrEqualTo(maxKeys - KeyRetention.EXTRA_ROTATIONS);
        assertThatThrownBy(() -> retention.checkSchedule(Duration.ofDays(shortestDays - 1)))
                .as("a day less than the minimum").isInstanceOf(IllegalStateException.class);
        assertThat((String) ((Map<String, Object>) parameters.get("KeyRotationDays")).get("Description"))
                .contains("at least " + shortestDays);
    }

    @Test
    void theTokenTableIsDefinedWithTheKeysIndexAndTtlTheAdapterUses() {
        TableDefinition table = TEMPLATE.table("TokensTable").orElseThrow();

        assertThat(table.name()).isEqualTo("TokensTable");
        assertThat(table.keySchema()).containsExactly(
                new TableDefinition.KeyElement(TokenTable.PARTITION_KEY, "HASH"),
                new TableDefinition.KeyElement(TokenTable.SORT_KEY, "RANGE"));
        assertThat(table.attributes()).containsExactlyInAnyOrder(
                new TableDefinition.Attribute(TokenTable.PARTITION_KEY, "S"),
                new TableDefinition.Attribute(TokenTable.SORT_KEY, "S"),
                new TableDefinition.Attribute(TokenTable.GENERATION_EXPIRY, "S"));
        assertThat(table.localIndexes()).containsExactly(new TableDefinition.Index(TokenTable.GENERATION_EXPIRY_INDEX,
                List.of(new TableDefinition.KeyElement(TokenTable.PARTITION_KEY, "HASH"),
                        new TableDefinition.KeyElement(TokenTable.GENERATION_EXPIRY, "RANGE")),
                "KEYS_ONLY", List.of(), Optional.empty()));
        assertThat(table.globalIndexes()).isEmpty();
        assertThat(table.billingMode()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.timeToLiveAttribute()).hasValue(TokenTable.TIME_TO_LIVE);
    }

    @Test
    void theSigningKeySecretIsKnownByItsLogicalId() {
        assertThat(TEMPLATE.secrets()).containsExactly(new SecretDefinition("SigningKeySecret", "SigningKeySecret"),
                new SecretDefinition("PublicKeySecret", "PublicKeySecret"));
    }

    @Test
    void theStageThrottleIsTheMethodSettingsAndEachKeysIsTheUsagePlans() {
        assertThat(TEMPLATE.stageThrottle()).hasValue(new ThrottleLimits(100, 200));
        assertThat(TEMPLATE.usagePlanThrottle()).hasValue(new ThrottleLimits(25, 50));
    }

    @Test
    void theMissingResourceGatewayResponseIsA404() {
        GatewayResponse missing = TEMPLATE.gatewayResponses().get("MISSING_AUTHENTICATION_TOKEN");

        assertThat(missing.statusCode()).hasValue(404);
        assertThat(missing.responseTemplates().get("application/json")).contains("NOT_FOUND");
    }

    @Test
    void subJoinSelectAndIfAreEvaluatedWithPseudoParametersAndConditions() {
        SamTemplate template = SamTemplate.parse("""
                Parameters:
                  Env: {Type: String, Default: dev}
                  Names: {Type: String, Default: "a,b,c"}
                Conditions:
                  IsDev: !Equals [!Ref Env, dev]
                  IsProd: !Not [!Condition IsDev]
                Resources:
                  Table:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      TableName: !Sub "${Env}-items"
                      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
                      KeySchema: [{AttributeName: id, KeyType: HASH}]
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Handler
                      Environment:
                        Variables:
                          TABLE: !Ref Table
                          ARN: !GetAtt Table.Arn
                          WHERE: !Sub "${AWS::Region}/${AWS::AccountId}/${!Literal}"
                          JOINED: !Join ["-", [x, !Ref Env]]
                          SECOND: !Select [1, !Split [",", !Ref Names]]
                          MODE: !If [IsProd, strict, relaxed]
                          GONE: !If [IsDev, !Ref AWS::NoValue, kept]
                          COUNT: 3
                      Events:
                        Root: {Type: Api, Properties: {Path: /, Method: any}}
                        Queue: {Type: SQS, Properties: {Queue: arn}}
                """, "inline");

        FunctionDefinition function = template.function("Fn").orElseThrow();
        assertThat(function.environment().variables())
                .containsEntry("TABLE", "dev-items")
                .containsEntry("ARN", "arn:aws:dynamodb:us-east-1:123456789012:table/dev-items")
                .containsEntry("WHERE", "us-east-1/123456789012/${Literal}")
                .containsEntry("JOINED", "x-dev")
                .containsEntry("SECOND", "b")
                .containsEntry("MODE", "relaxed")
                .containsEntry("COUNT", "3")
                .doesNotContainKey("GONE");
        assertThat(function.handlerMethod()).isEqualTo("handleRequest");
        assertThat(function.memorySizeMb()).isEqualTo(128);
        assertThat(function.timeoutSeconds()).isEqualTo(3);
        assertThat(function.routes()).containsExactly(new ApiRoute("Fn", "/", ApiRoute.ANY, SamTemplate.IMPLICIT_API_STAGE));
        assertThat(template.table("Table").orElseThrow().billingMode()).isEqualTo("PROVISIONED");
    }

    @Test
    void whatOnlyADeploymentKnowsIsAnErrorNamingWhereItIs() {
        assertThatThrownBy(() -> SamTemplate.parse("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Handler
                      Environment:
                        Variables:
                          SHARED: !ImportValue other-stack-output
                """, "inline"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("Resources.Fn.Environment.Variables.SHARED")
                .hasMessageContaining("Fn::ImportValue");
    }

    @Test
    void aParameterWithoutADefaultCannotBeRunLocally() {
        assertThatThrownBy(() -> SamTemplate.parse("""
                Parameters:
                  Secret: {Type: String}
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Handler
                      Environment: {Variables: {SECRET: !Ref Secret}}
                """, "inline"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("parameter Secret has no Default");
    }

    @Test
    void textThatIsNotYamlIsReportedWithItsSource() {
        assertThatThrownBy(() -> SamTemplate.parse("Resources: [unclosed", "broken.yaml"))
                .isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("broken.yaml is not valid YAML");
    }
}
