package dev.gatekeeper.local.template;

import java.util.List;

/**
 * A function of the template, with its Globals applied.
 *
 * @param handlerMethod the part of {@code Handler} after {@code ::}; {@code handleRequest} when the template names
 *                      only a class, as the Java runtime assumes
 * @param routes        its {@code Api} events; empty for a function nothing calls over HTTP
 */
public record FunctionDefinition(
        String logicalId,
        String handlerClass,
        String handlerMethod,
        int memorySizeMb,
        int timeoutSeconds,
        FunctionEnvironment environment,
        List<ApiRoute> routes) {

    public FunctionDefinition {
        routes = List.copyOf(routes);
    }

    public boolean hasApiEvent() {
        return !routes.isEmpty();
    }
}
