package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A SAM or CloudFormation template, read as maps with its intrinsics in their long form. */
final class Template {
    private final Path file;
    private final Map<String, Object> root;

    private Template(Path file, Map<String, Object> root) {
        this.file = file;
        this.root = root;
    }

    static Template read(Path file) {
        try {
            return new Template(file, CloudFormationYaml.read(Files.readString(file), file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file() {
        return file;
    }

    /** The {@code Properties} of every resource of this type, by logical id. */
    Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        map(root.get("Resources")).forEach((name, resource) -> {
            if (type.equals(map(resource).get("Type"))) {
                found.put(name, map(map(resource).get("Properties")));
            }
        });
        return found;
    }

    List<LambdaFunction> functions() {
        Map<String, Object> globals = map(map(root.get("Globals")).get("Function"));
        List<LambdaFunction> functions = new ArrayList<>();
        resourcesOfType(LambdaFunction.SERVERLESS).forEach((name, properties) ->
                functions.add(new LambdaFunction(name, LambdaFunction.SERVERLESS, merged(globals, properties))));
        resourcesOfType(LambdaFunction.LAMBDA).forEach((name, properties) ->
                functions.add(new LambdaFunction(name, LambdaFunction.LAMBDA, properties)));
        return functions;
    }

    /** Globals under a function's own properties, as SAM merges them: mappings key by key, the function winning. */
    private static Map<String, Object> merged(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        own.forEach((key, value) -> {
            Object global = merged.get(key);
            merged.put(key, global instanceof Map<?, ?> && value instanceof Map<?, ?>
                    ? merged(map(global), map(value))
                    : value);
        });
        return merged;
    }
}
