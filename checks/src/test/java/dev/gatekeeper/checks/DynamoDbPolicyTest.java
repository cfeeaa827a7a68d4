package dev.gatekeeper.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.checks.DynamoDbCallRecorder.Use;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Least privilege for DynamoDB, proven by running the code: every function of the built template that calls
 * DynamoDB runs its handler through the scenarios of {@link PolicyScenarios}, and {@link DynamoDbCallRecorder}
 * turns each call its client sends into the IAM rights it needs. The function's policy must grant every one of them
 * on the table or index the call names, and must grant nothing that no scenario used, unless {@link #NEEDED_UNUSED}
 * says why it stays.
 *
 * <p>DynamoDB Local and moto do not enforce IAM, so nothing else here can see a missing right: it shows only as
 * AccessDenied once deployed (every token insert is a transaction with an Update, and the issuing functions once
 * lacked {@code UpdateItem}), or not at all where the call is best-effort (the audit record of refused
 * credentials). A right nothing uses is no error anywhere, only more than the function needs.
 */
class DynamoDbPolicyTest {
    /** The functions that never call DynamoDB, and why; their policies must grant no DynamoDB action. */
    private static final Map<String, String> WITHOUT_DYNAMODB = Map.of(
            "RotateSigningKeyFunction", "it rotates the key secrets in Secrets Manager; its handler builds a Secrets "
                    + "Manager client only",
            "JwksFunction", "it serves the public key set; driven anyway, so a call it starts making is seen");

    /** A right a function is granted although no scenario uses it, and why it must stay. */
    private record Needed(String function, String action, String resource, String reason) {
    }

    private static final List<Needed> NEEDED_UNUSED = List.of();

    private static PolicyScenarios scenarios;

    @BeforeAll
    static void runTheScenarios() {
        scenarios = PolicyScenarios.run(SamBuild.template(), Repository.file("events"));
    }

    @AfterAll
    static void stop() {
        if (scenarios != null) {
            scenarios.close();
        }
    }

    static List<LambdaFunction> functions() {
        return SamBuild.functions();
    }

    @Test
    void everyScenarioTookThePathItDrives() {
        assertThat(DynamoDbCallRecorder.registered())
                .as("the SDK added DynamoDbCallRecorder to the functions' clients (global interceptor)").isTrue();
        assertThat(scenarios.surprises())
                .as("scenarios that did not end as they should, so did not drive the path they name").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everyFunctionIsDrivenOrNeverCallsDynamoDb(LambdaFunction function) {
        String reason = WITHOUT_DYNAMODB.get(function.name());
        if (reason == null) {
            assertThat(scenarios.driven())
                    .as("%s has no scenario in PolicyScenarios (or is not listed in WITHOUT_DYNAMODB with the "
                            + "reason it calls no DynamoDB)", function)
                    .contains(function.name());
        } else {
            assertThat(grants(function)).as("%s grants DynamoDB rights, yet it calls no DynamoDB: %s", function,
                    reason).isEmpty();
        }
        assertThat(scenarios.uses(function.name()))
                .as("%s called DynamoDB, yet WITHOUT_DYNAMODB says: %s", function, reason)
                .matches(uses -> reason == null || uses.isEmpty());
    }

    /** What the code sends, the policy allows: on the table, or for a query of an index, on that index. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everyDynamoDbCallOfAFunctionIsGrantedByItsPolicy(LambdaFunction function) {
        List<Grant> grants = grants(function);
        Map<String, String> missing = new LinkedHashMap<>();
        for (PolicyScenarios.Recorded recorded : scenarios.uses(function.name())) {
            Use use = recorded.use();
            if (grants.stream().noneMatch(grant -> grant.covers(use))) {
                missing.putIfAbsent(use.toString(), recorded.scenario());
            }
        }

        assertThat(missing.entrySet().stream()
                .map(entry -> entry.getKey() + " (scenario: " + entry.getValue() + ")"
                        + (entry.getKey().contains("/index/") ? ": a query of an index needs a Resource naming "
                        + "${Table.Arn}/index/<name> or /index/*; the table's ARN does not cover it" : ""))
                .toList())
                .as("%s's policy does not grant these; on AWS they would be AccessDenied", function)
                .isEmpty();
    }

    /** What the policy allows, some scenario uses, unless NEEDED_UNUSED says why not. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everyDynamoDbRightAFunctionIsGrantedIsUsed(LambdaFunction function) {
        List<Use> uses = scenarios.uses(function.name()).stream().map(PolicyScenarios.Recorded::use).toList();
        List<String> unused = new ArrayList<>();
        for (Grant grant : grants(function)) {
            boolean needed = NEEDED_UNUSED.stream().anyMatch(entry -> entry.function().equals(function.name())
                    && entry.action().equals(grant.action()) && entry.resource().equals(grant.resource()));
            if (grant.wildcard()) {
                unused.add(grant + ": a wildcard grants more than any call can use; name the actions and resources");
            } else if (!needed && uses.stream().noneMatch(grant::covers)) {
                unused.add(grant.toString());
            }
        }

        assertThat(unused)
                .as("%s is granted DynamoDB rights no scenario uses: remove them, or drive the path that needs them "
                        + "in PolicyScenarios, or (for a path too rare to drive) list them in NEEDED_UNUSED with the "
                        + "reason", function)
                .isEmpty();
    }

    @Test
    void everyRightListedAsNeededIsStillGranted() {
        Map<String, LambdaFunction> byName = functions().stream()
                .collect(Collectors.toMap(LambdaFunction::name, function -> function));
        for (Needed needed : NEEDED_UNUSED) {
            LambdaFunction function = byName.get(needed.function());
            assertThat(function).as("NEEDED_UNUSED names %s, which the template lacks", needed.function()).isNotNull();
            assertThat(grants(function)).as("NEEDED_UNUSED lists %s on %s for %s", needed.action(), needed.resource(),
                    function).anyMatch(grant -> grant.action().equals(needed.action())
                    && grant.resource().equals(needed.resource()));
        }
    }

    /**
     * One DynamoDB action an Allow statement grants on one resource: a table ({@code index} null), one of its indexes,
     * or all of them ({@code index} "*"). {@code table} is the table's logical id, or "*" for every resource.
     */
    record Grant(String action, String table, String index) {
        boolean covers(Use use) {
            boolean action = this.action.equals(use.action()) || this.action.equals("dynamodb:*")
                    || this.action.equals("*");
            if (!action) {
                return false;
            }
            if (table.equals("*")) {
                return true;
            }
            if (!table.equals(use.table())) {
                return false;
            }
            return use.index() == null ? index == null : index != null && (index.equals("*") || index.equals(use.index()));
        }

        boolean wildcard() {
            return action.endsWith("*") || table.equals("*");
        }

        String resource() {
            return table + (index == null ? "" : "/index/" + index);
        }

        @Override
        public String toString() {
            return action + " on " + resource();
        }
    }

    private static final Pattern INDEX_ARN = Pattern.compile("\\$\\{(\\w+)\\.Arn}/index/([\\w.*-]+)");

    /** The DynamoDB rights the function's Allow statements grant, one per action and resource. */
    static List<Grant> grants(LambdaFunction function) {
        Set<Grant> grants = new LinkedHashSet<>();
        for (Map<String, Object> statement : IamStatements.of(function.properties().get("Policies"))) {
            if (!"Allow".equals(statement.get("Effect"))) {
                continue;
            }
            for (String action : IamStatements.actions(statement)) {
                if (!action.startsWith("dynamodb:") && !action.equals("*")) {
                    continue;
                }
                for (Object resource : IamStatements.resources(statement)) {
                    grants.add(grantOn(action, resource));
                }
            }
        }
        return new ArrayList<>(grants);
    }

    /** {@code !GetAtt T.Arn} is table T, {@code !Sub ${T.Arn}/index/I} its index I, {@code *} everything. */
    private static Grant grantOn(String action, Object resource) {
        if ("*".equals(resource)) {
            return new Grant(action, "*", null);
        }
        Optional<String> table = resource instanceof Map<?, ?> map && map.containsKey("Fn::GetAtt")
                ? CloudFormationYaml.referencedResource(resource) : Optional.empty();
        if (table.isPresent()) {
            return new Grant(action, table.get(), null);
        }
        Object sub = resource instanceof Map<?, ?> map ? map.get("Fn::Sub") : null;
        String text = sub instanceof String plain ? plain
                : sub instanceof Collection<?> withVariables && !withVariables.isEmpty()
                ? String.valueOf(withVariables.iterator().next()) : null;
        Matcher index = text == null ? null : INDEX_ARN.matcher(text);
        if (index != null && index.matches()) {
            return new Grant(action, index.group(1), index.group(2));
        }
        // Something this reading does not know (an ARN written out, another intrinsic): it covers no call, so a
        // call it was meant for fails the first check until this learns to read it.
        return new Grant(action, String.valueOf(resource), null);
    }
}
