package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;
import static dev.gatekeeper.checks.CloudFormationYaml.referencedResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every function's failures reach an alarm that notifies. A function behind the API fails as a 5xx of the API
 * (an error or timeout of its function is a 502 or 504 there), which the API's 5xx alarm watches. Any other
 * function (the authorizer, the key rotation) is invoked by AWS itself, and only an alarm on its own
 * {@code AWS/Lambda} {@code Errors} sees it fail: a rotation that fails is otherwise retried in silence while the old
 * key signs on.
 */
class FunctionAlarmsTest {
    private static final String ALARM = "AWS::CloudWatch::Alarm";

    private final Template template = Template.read(Repository.file("template.yaml"));

    @Test
    void everyFunctionNotBehindTheApiIsWatchedByAnAlarmOnItsOwnErrors() {
        List<String> invokedByAws = template.functions().stream()
                .filter(function -> function.apiRoutes().isEmpty())
                .map(LambdaFunction::name)
                .toList();
        assertThat(invokedByAws).as("functions without an Api event")
                .contains("TokenAuthorizerFunction", "RotateSigningKeyFunction");

        Set<String> unwatched = new TreeSet<>(invokedByAws);
        unwatched.removeAll(functionsWhoseErrorsAlarm());

        assertThat(unwatched).as("functions no alarm with actions watches the AWS/Lambda Errors of").isEmpty();
    }

    @Test
    void theFunctionsBehindTheApiAreWatchedThroughItsFiveHundreds() {
        assertThat(template.functions().stream().filter(function -> !function.apiRoutes().isEmpty())).isNotEmpty();

        assertThat(template.resourcesOfType(ALARM).values().stream()
                .filter(FunctionAlarmsTest::notifies)
                .flatMap(alarm -> metricsReturnedBy(alarm).stream())
                .filter(metric -> "AWS/ApiGateway".equals(metric.get("Namespace"))
                        && "5XXError".equals(metric.get("MetricName"))))
                .as("an alarm with actions on the API's 5XXError").isNotEmpty();
    }

    /** The functions named by the {@code FunctionName} of an {@code Errors} metric that an alarm evaluates. */
    private Set<String> functionsWhoseErrorsAlarm() {
        Set<String> watched = new TreeSet<>();
        for (Map<String, Object> alarm : template.resourcesOfType(ALARM).values()) {
            if (!notifies(alarm)) {
                continue;
            }
            for (Map<String, Object> metric : metricsReturnedBy(alarm)) {
                if ("AWS/Lambda".equals(metric.get("Namespace")) && "Errors".equals(metric.get("MetricName"))) {
                    functionName(metric).ifPresent(watched::add);
                }
            }
        }
        return watched;
    }

    /**
     * The metrics an alarm evaluates: its own, or those of its metric math that its returned query reaches through
     * the expressions it names (a metric queried but named by no expression on the way alarms on nothing).
     */
    private static List<Map<String, Object>> metricsReturnedBy(Map<String, Object> alarm) {
        List<Map<String, Object>> metrics = new ArrayList<>();
        if (alarm.get("MetricName") != null) {
            metrics.add(alarm);
            return metrics;
        }
        Map<String, Map<String, Object>> queries = new LinkedHashMap<>();
        if (alarm.get("Metrics") instanceof List<?> list) {
            list.forEach(query -> queries.put(String.valueOf(map(query).get("Id")), map(query)));
        }
        Deque<String> toVisit = new ArrayDeque<>();
        queries.forEach((id, query) -> {
            if (!Boolean.FALSE.equals(query.get("ReturnData"))) {
                toVisit.add(id);
            }
        });
        Set<String> reached = new HashSet<>();
        while (!toVisit.isEmpty()) {
            String id = toVisit.pop();
            Map<String, Object> query = queries.get(id);
            if (query == null || !reached.add(id)) {
                continue;
            }
            if (query.get("Expression") != null) {
                Matcher named = Pattern.compile("\\b[a-z]\\w*\\b").matcher(String.valueOf(query.get("Expression")));
                while (named.find()) {
                    toVisit.add(named.group());
                }
            } else {
                metrics.add(map(map(query.get("MetricStat")).get("Metric")));
            }
        }
        return metrics;
    }

    private static Optional<String> functionName(Map<String, Object> metric) {
        if (!(metric.get("Dimensions") instanceof List<?> dimensions)) {
            return Optional.empty();
        }
        return dimensions.stream().map(CloudFormationYaml::map)
                .filter(dimension -> "FunctionName".equals(dimension.get("Name")))
                .findFirst()
                .flatMap(dimension -> referencedResource(dimension.get("Value")));
    }

    /** An alarm that tells someone: it has alarm actions (here, the alarm topic when one is configured). */
    private static boolean notifies(Map<String, Object> alarm) {
        return alarm.get("AlarmActions") != null;
    }
}
