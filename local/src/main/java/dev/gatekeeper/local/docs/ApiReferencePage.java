package dev.gatekeeper.local.docs;

import static dev.gatekeeper.local.docs.OpenApiDocument.list;
import static dev.gatekeeper.local.docs.OpenApiDocument.map;
import static dev.gatekeeper.local.docs.OpenApiDocument.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API reference as one self-contained HTML page, rendered here from the OpenAPI document: no script, no
 * stylesheet or font from elsewhere, so it works offline. Every text of the document is escaped; descriptions keep
 * their line breaks but are not interpreted as Markdown.
 */
public final class ApiReferencePage {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            .text{white-space:pre-wrap}
            code,.path{font-family:ui-monospace,monospace}
            section.operation{border-top:1px solid #ccc;margin-top:2rem}
            .method{display:inline-block;min-width:4rem;font-weight:bold;text-transform:uppercase}
            table{border-collapse:collapse;margin:.5rem 0}
            th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
            """;

    private final OpenApiDocument document;

    public ApiReferencePage(OpenApiDocument document) {
        this.document = document;
    }

    public String render() {
        Map<String, Object> root = document.root();
        Map<String, Object> info = map(root.get("info"));
        StringBuilder html = new StringBuilder();
        String title = text(info.get("title")).isEmpty() ? "API reference" : text(info.get("title"));
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n");
        html.append("<p>Version ").append(escape(text(info.get("version")))).append(" &middot; OpenAPI ")
                .append(escape(text(root.get("openapi")))).append(" &middot; <a href=\"/openapi.yaml\">openapi.yaml</a></p>\n");
        description(html, info.get("description"));
        servers(html, list(root.get("servers")));
        List<Operation> operations = operations(map(root.get("paths")));
        html.append("<h2>Operations</h2>\n<ul>\n");
        for (Operation operation : operations) {
            html.append("<li><a href=\"#").append(escape(operation.anchor())).append("\"><span class=\"method\">")
                    .append(escape(operation.method())).append("</span> <span class=\"path\">")
                    .append(escape(operation.path())).append("</span></a> ")
                    .append(escape(text(operation.definition().get("summary")))).append("</li>\n");
        }
        html.append("</ul>\n");
        operations.forEach(operation -> operation(html, operation));
        schemas(html, map(map(root.get("components")).get("schemas")));
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private record Operation(String path, String method, Map<String, Object> definition, List<?> pathParameters) {
        String anchor() {
            String id = text(definition.get("operationId"));
            return id.isEmpty() ? (method + path).replaceAll("[^A-Za-z0-9_-]", "_") : id;
        }
    }

    private static List<Operation> operations(Map<String, Object> paths) {
        List<Operation> operations = new ArrayList<>();
        paths.forEach((path, item) -> {
            Map<String, Object> pathItem = map(item);
            pathItem.forEach((method, definition) -> {
                if (METHODS.contains(method.toLowerCase(Locale.ROOT))) {
                    operations.add(new Operation(path, method.toUpperCase(Locale.ROOT), map(definition),
                            list(pathItem.get("parameters"))));
                }
            });
        });
        return operations;
    }

    private void operation(StringBuilder html, Operation operation) {
        Map<String, Object> definition = operation.definition();
        html.append("<section class=\"operation\" id=\"").append(escape(operation.anchor())).append("\">\n<h3><span class=\"method\">")
                .append(escape(operation.method())).append("</span> <span class=\"path\">").append(escape(operation.path()))
                .append("</span></h3>\n");
        html.append("<p><strong>").append(escape(text(definition.get("summary")))).append("</strong></p>\n");
        html.append("<p>Operation id: <code>").append(escape(text(definition.get("operationId")))).append("</code>");
        List<?> tags = list(definition.get("tags"));
        if (!tags.isEmpty()) {
            html.append(" &middot; Tags: ").append(escape(String.join(", ", tags.stream().map(String::valueOf).toList())));
        }
        html.append("</p>\n");
        description(html, definition.get("description"));
        security(html, definition);
        parameters(html, operation);
        requestBody(html, definition.get("requestBody"));
        responses(html, map(definition.get("responses")));
        html.append("</section>\n");
    }

    private void security(StringBuilder html, Map<String, Object> definition) {
        List<?> security = list(definition.containsKey("security") ? definition.get("security") : document.root().get("security"));
        List<String> schemes = new ArrayList<>();
        security.forEach(requirement -> schemes.addAll(map(requirement).keySet()));
        html.append("<p>Authentication: ").append(schemes.isEmpty() ? "none" : escape(String.join(" or ", schemes)));
        List<?> scopes = list(definition.get("x-bearer-scopes"));
        if (!scopes.isEmpty()) {
            html.append(" &middot; Bearer token scopes: ")
                    .append(escape(String.join(", ", scopes.stream().map(String::valueOf).toList())));
        }
        html.append("</p>\n");
    }

    private void parameters(StringBuilder html, Operation operation) {
        List<Object> parameters = new ArrayList<>(operation.pathParameters());
        parameters.addAll(list(operation.definition().get("parameters")));
        if (parameters.isEmpty()) {
            return;
        }
        html.append("<h4>Parameters</h4>\n<table>\n<tr><th>Name</th><th>In</th><th>Required</th><th>Type</th><th>Description</th></tr>\n");
        for (Object value : parameters) {
            Map<String, Object> parameter = document.resolve(value);
            html.append("<tr><td><code>").append(escape(text(parameter.get("name")))).append("</code></td><td>")
                    .append(escape(text(parameter.get("in")))).append("</td><td>")
                    .append(Boolean.TRUE.equals(parameter.get("required")) ? "yes" : "no").append("</td><td>")
                    .append(escape(type(parameter.get("schema")))).append("</td><td class=\"text\">")
                    .append(escape(text(parameter.get("description")).strip())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private void requestBody(StringBuilder html, Object value) {
        if (value == null) {
            return;
        }
        Map<String, Object> body = document.resolve(value);
        html.append("<h4>Request body").append(Boolean.TRUE.equals(body.get("required")) ? " (required)" : "").append("</h4>\n");
        description(html, body.get("description"));
        html.append("<ul>\n");
        map(body.get("content")).forEach((contentType, media) -> html.append("<li><code>").append(escape(contentType))
                .append("</code>: ").append(escape(type(map(media).get("schema")))).append("</li>\n"));
        html.append("</ul>\n");
    }

    private void responses(StringBuilder html, Map<String, Object> responses) {
        if (responses.isEmpty()) {
            return;
        }
        html.append("<h4>Responses</h4>\n<table>\n<tr><th>Status</th><th>Description</th><th>Body</th></tr>\n");
        responses.forEach((status, value) -> {
            Map<String, Object> response = document.resolve(value);
            List<String> bodies = new ArrayList<>();
            map(response.get("content")).forEach((contentType, media) ->
                    bodies.add(contentType + ": " + type(map(media).get("schema"))));
            html.append("<tr><td>").append(escape(status)).append("</td><td class=\"text\">")
                    .append(escape(text(response.get("description")).strip())).append("</td><td>")
                    .append(escape(String.join("; ", bodies))).append("</td></tr>\n");
        });
        html.append("</table>\n");
    }

    private void schemas(StringBuilder html, Map<String, Object> schemas) {
        if (schemas.isEmpty()) {
            return;
        }
        html.append("<h2>Schemas</h2>\n");
        schemas.forEach((name, value) -> {
            Map<String, Object> schema = map(value);
            html.append("<section class=\"schema\" id=\"schema-").append(escape(name)).append("\">\n<h3>")
                    .append(escape(name)).append("</h3>\n");
            description(html, schema.get("description"));
            Map<String, Object> properties = map(schema.get("properties"));
            if (!properties.isEmpty()) {
                List<?> required = list(schema.get("required"));
                html.append("<table>\n<tr><th>Property</th><th>Type</th><th>Required</th><th>Description</th></tr>\n");
                properties.forEach((property, definition) -> html.append("<tr><td><code>").append(escape(property))
                        .append("</code></td><td>").append(escape(type(definition))).append("</td><td>")
                        .append(required.contains(property) ? "yes" : "no").append("</td><td class=\"text\">")
                        .append(escape(text(map(definition).get("description")).strip())).append("</td></tr>\n"));
                html.append("</table>\n");
            }
            html.append("</section>\n");
        });
    }

    private static void servers(StringBuilder html, List<?> servers) {
        if (servers.isEmpty()) {
            return;
        }
        html.append("<h2>Servers</h2>\n<ul>\n");
        servers.forEach(server -> html.append("<li><code>").append(escape(text(map(server).get("url")))).append("</code> ")
                .append(escape(text(map(server).get("description")))).append("</li>\n"));
        html.append("</ul>\n");
    }

    private static void description(StringBuilder html, Object description) {
        String text = text(description).strip();
        if (!text.isEmpty()) {
            html.append("<p class=\"text\">").append(escape(text)).append("</p>\n");
        }
    }

    /** A schema in a few words: its {@code $ref} name, {@code array of X}, or its type and format. */
    private static String type(Object value) {
        Map<String, Object> schema = map(value);
        if (schema.isEmpty()) {
            return "";
        }
        var ref = OpenApiDocument.refName(schema);
        if (ref.isPresent()) {
            return ref.get();
        }
        String type = text(schema.get("type"));
        if ("array".equals(type)) {
            return "array of " + type(schema.get("items"));
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            List<?> parts = list(schema.get(combinator));
            if (!parts.isEmpty()) {
                return combinator + " " + String.join(", ", parts.stream().map(ApiReferencePage::type).toList());
            }
        }
        String format = text(schema.get("format"));
        return format.isEmpty() ? type : type + " (" + format + ")";
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
