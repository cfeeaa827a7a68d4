package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A function of a template: an {@code AWS::Serverless::Function} with the template's Globals merged in, or an
 * {@code AWS::Lambda::Function}.
 */
record LambdaFunction(String name, String type, Map<String, Object> properties) {
    static final String SERVERLESS = "AWS::Serverless::Function";
    static final String LAMBDA = "AWS::Lambda::Function";

    /** The class named by {@code Handler} ({@code package.Class::method}, or the class alone). */
    String handlerClass() {
        return handler().split("::", 2)[0];
    }

    /** The method named by {@code Handler}; Lambda calls {@code handleRequest} when none is named. */
    String handlerMethod() {
        String[] parts = handler().split("::", 2);
        return parts.length == 2 ? parts[1] : "handleRequest";
    }

    private String handler() {
        Object handler = properties.get("Handler");
        if (!(handler instanceof String text) || text.isBlank()) {
            throw new AssertionError(name + " has no Handler");
        }
        return text;
    }

    /** Where the function's code is: {@code CodeUri}, or a local path given as {@code Code}. */
    Optional<String> code() {
        Object code = properties.get(type.equals(SERVERLESS) ? "CodeUri" : "Code");
        return code instanceof String path ? Optional.of(path) : Optional.empty();
    }

    /** The routes of its {@code Api} (REST API) events. */
    List<ApiRoute> apiRoutes() {
        List<ApiRoute> routes = new ArrayList<>();
        for (Object event : map(properties.get("Events")).values()) {
            Map<String, Object> definition = map(event);
            if ("Api".equals(definition.get("Type"))) {
                Map<String, Object> route = map(definition.get("Properties"));
                routes.add(new ApiRoute(String.valueOf(route.get("Method")), String.valueOf(route.get("Path"))));
            }
        }
        return routes;
    }

    /** Whether IAM rights are given to it: SAM {@code Policies}, or an execution {@code Role}. */
    boolean hasPolicy() {
        Object policies = properties.get("Policies");
        boolean hasPolicies = policies != null
                && !(policies instanceof Collection<?> list && list.isEmpty())
                && !(policies instanceof String text && text.isBlank());
        return hasPolicies || properties.get("Role") != null;
    }

    /** The log group named by {@code LoggingConfig.LogGroup}, when the function does not log to its default one. */
    Optional<Object> configuredLogGroup() {
        return Optional.ofNullable(map(properties.get("LoggingConfig")).get("LogGroup"));
    }

    @Override
    public String toString() {
        return name;
    }
}
