package dev.gatekeeper.local.template;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A function's environment as the template declares it: Globals merged with the function's own variables,
 * intrinsics evaluated. A variable whose value is {@code AWS::NoValue} is declared but absent, as in Lambda; it
 * can still be set by an {@code --env-vars} file, which (as in {@code sam local}) only sets declared variables.
 */
public final class FunctionEnvironment {
    private final Map<String, String> variables;
    private final Set<String> declared;
    private final Map<String, String> references;

    FunctionEnvironment(Map<String, String> variables, Set<String> declared, Map<String, String> references) {
        this.variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        this.declared = Collections.unmodifiableSet(new LinkedHashSet<>(declared));
        this.references = Map.copyOf(references);
    }

    /** The variables the function starts with, in template order. */
    public Map<String, String> variables() {
        return variables;
    }

    /**
     * The variables as the function starts with them when its handler runs in this process against an emulator:
     * the template's, {@code AWS_ENDPOINT_URL} pointing both AWS clients at {@code awsEndpoint}, and
     * {@code AWS_REGION}, which Lambda sets.
     */
    public Map<String, String> pointedAt(URI awsEndpoint, String region) {
        Map<String, String> environment = new LinkedHashMap<>(variables);
        environment.put("AWS_ENDPOINT_URL", awsEndpoint.toString());
        environment.put("AWS_REGION", region);
        return environment;
    }

    public boolean declares(String name) {
        return declared.contains(name);
    }

    public Set<String> declaredNames() {
        return declared;
    }

    /** The logical id of the resource whose name this variable holds, when its value is a plain {@code !Ref}. */
    public Optional<String> referencedResource(String variable) {
        return Optional.ofNullable(references.get(variable));
    }
}
