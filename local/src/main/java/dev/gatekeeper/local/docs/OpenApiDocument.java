package dev.gatekeeper.local.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The project's OpenAPI document: its text, served as it is, and its tree, rendered as the API reference. */
public final class OpenApiDocument {
    /** Where the runner looks for it: beside the template. */
    public static final String FILE_NAME = "openapi.yaml";
    /** The media type of YAML (RFC 9512). */
    public static final String MEDIA_TYPE = "application/yaml";

    private final Path file;
    private final String text;
    private final Map<String, Object> root;

    private OpenApiDocument(Path file, String text, Map<String, Object> root) {
        this.file = file;
        this.text = text;
        this.root = root;
    }

    /** The {@value #FILE_NAME} in the template's directory, if there is one. */
    public static Optional<OpenApiDocument> besideTemplate(Path template) {
        Path file = template.toAbsolutePath().normalize().resolveSibling(FILE_NAME);
        return Files.isRegularFile(file) ? Optional.of(load(file)) : Optional.empty();
    }

    public static OpenApiDocument load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(root instanceof Map<?, ?>)) {
            throw new IllegalStateException(file + " is not an OpenAPI document (no mapping at its top)");
        }
        return new OpenApiDocument(file, text, map(root));
    }

    public Path file() {
        return file;
    }

    public String text() {
        return text;
    }

    Map<String, Object> root() {
        return root;
    }

    /** The object a local {@code $ref} ({@code #/components/...}) points at, or the value itself. */
    Map<String, Object> resolve(Object value) {
        Map<String, Object> node = map(value);
        Object ref = node.get("$ref");
        if (!(ref instanceof String pointer) || !pointer.startsWith("#/")) {
            return node;
        }
        Object target = root;
        for (String part : pointer.substring(2).split("/")) {
            target = map(target).get(part.replace("~1", "/").replace("~0", "~"));
        }
        return target == null ? node : resolve(target);
    }

    /** The last segment of a {@code $ref}, such as {@code TokenRequest}. */
    static Optional<String> refName(Object value) {
        Object ref = map(value).get("$ref");
        return ref instanceof String pointer ? Optional.of(pointer.substring(pointer.lastIndexOf('/') + 1)) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<Object, Object>) map).forEach((key, item) -> copy.put(String.valueOf(key), item));
            return copy;
        }
        return Map.of();
    }

    static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }
}
