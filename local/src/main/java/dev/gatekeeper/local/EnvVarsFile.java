package dev.gatekeeper.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.local.template.FunctionDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An {@code --env-vars} file in the format of {@code sam local}: {@code {"Parameters": {...}}} sets variables of
 * every function, {@code {"FunctionLogicalId": {...}}} of one function and wins over {@code Parameters}. As in
 * {@code sam local}, only variables the template declares are set; others are ignored, with a warning.
 */
final class EnvVarsFile {
    private static final String EVERY_FUNCTION = "Parameters";

    private final String source;
    private final Map<String, Map<String, String>> sections;

    private EnvVarsFile(String source, Map<String, Map<String, String>> sections) {
        this.source = source;
        this.sections = sections;
    }

    static EnvVarsFile none() {
        return new EnvVarsFile("(none)", Map.of());
    }

    static EnvVarsFile read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UsageException("--env-vars " + file + ": no such file");
        } catch (JsonProcessingException e) {
            throw new UsageException("--env-vars " + file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        if (root == null || !root.isObject()) {
            throw new UsageException("--env-vars " + file + " must be an object like {\"Parameters\": {\"NAME\": \"value\"}}");
        }
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        root.properties().forEach(section -> {
            if (!section.getValue().isObject()) {
                throw new UsageException("--env-vars " + file + ": \"" + section.getKey() + "\" must be an object of variables");
            }
            Map<String, String> variables = new LinkedHashMap<>();
            section.getValue().properties().forEach(variable -> {
                JsonNode value = variable.getValue();
                if (!value.isValueNode() || value.isNull()) {
                    throw new UsageException("--env-vars " + file + ": " + section.getKey() + "." + variable.getKey()
                            + " must be a string, number or boolean");
                }
                variables.put(variable.getKey(), value.asText());
            });
            sections.put(section.getKey(), variables);
        });
        return new EnvVarsFile(file.toString(), sections);
    }

    /** The values this file gives the function's declared variables. */
    Map<String, String> overridesFor(FunctionDefinition function, Consumer<String> log) {
        Map<String, String> requested = new LinkedHashMap<>(sections.getOrDefault(EVERY_FUNCTION, Map.of()));
        requested.putAll(sections.getOrDefault(function.logicalId(), Map.of()));
        Map<String, String> overrides = new LinkedHashMap<>();
        requested.forEach((name, value) -> {
            if (function.environment().declares(name)) {
                overrides.put(name, value);
            } else if (sections.containsKey(function.logicalId()) && sections.get(function.logicalId()).containsKey(name)) {
                log.accept("Warning: " + source + " sets " + name + " for " + function.logicalId()
                        + ", which the template does not declare; ignored, as sam local ignores it");
            }
        });
        return overrides;
    }
}
