package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The IAM statements of a function's SAM {@code Policies}, as the template writes them. */
final class IamStatements {
    private IamStatements() {
    }

    /** Every statement of the inline policy documents in {@code Policies} (managed policy names have none). */
    static List<Map<String, Object>> of(Object policies) {
        List<Map<String, Object>> statements = new ArrayList<>();
        if (policies instanceof Collection<?> list) {
            for (Object policy : list) {
                if (policy instanceof Map<?, ?> document && document.get("Statement") instanceof Collection<?> entries) {
                    entries.forEach(entry -> statements.add(map(entry)));
                }
            }
        }
        return statements;
    }

    /** The statement's {@code Action}, one or a list. */
    static List<String> actions(Map<String, Object> statement) {
        return oneOrMany(statement.get("Action")).stream().map(String::valueOf).toList();
    }

    /** The statement's {@code Resource}, one or a list, each as written (text or an intrinsic). */
    static List<Object> resources(Map<String, Object> statement) {
        return oneOrMany(statement.get("Resource"));
    }

    private static List<Object> oneOrMany(Object value) {
        return value instanceof Collection<?> list ? List.copyOf(list) : value == null ? List.of() : List.of(value);
    }
}
