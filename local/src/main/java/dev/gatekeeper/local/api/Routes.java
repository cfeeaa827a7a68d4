package dev.gatekeeper.local.api;

import dev.gatekeeper.local.template.ApiRoute;
import dev.gatekeeper.local.template.TemplateException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the template route of a request path the way API Gateway selects a resource: segment by segment, a literal
 * segment before a {@code {parameter}}, a parameter before a greedy {@code {proxy+}}. So {@code /tokens/revoke}
 * reaches the {@code /tokens/revoke} resource, never {@code /tokens/{tokenId}}. The resource is chosen by path
 * alone; a method it does not have is refused even if a less specific resource has it.
 */
public final class Routes {
    private final List<Resource> resources;
    private final Set<String> stages;

    private Routes(List<Resource> resources, Set<String> stages) {
        this.resources = resources;
        this.stages = stages;
    }

    public static Routes of(List<ApiRoute> routes) {
        Map<String, List<ApiRoute>> byPath = new LinkedHashMap<>();
        Set<String> stages = new LinkedHashSet<>();
        for (ApiRoute route : routes) {
            List<ApiRoute> methods = byPath.computeIfAbsent(route.path(), path -> new ArrayList<>());
            for (ApiRoute other : methods) {
                if (other.method().equals(route.method())) {
                    throw new TemplateException(route.method() + " " + route.path() + " is the Api event of both "
                            + other.functionId() + " and " + route.functionId());
                }
            }
            methods.add(route);
            stages.add(route.stage());
        }
        List<Resource> resources = new ArrayList<>();
        byPath.forEach((path, methods) -> resources.add(new Resource(path, segments(path), List.copyOf(methods))));
        return new Routes(List.copyOf(resources), Set.copyOf(stages));
    }

    /** The outcome of matching one request. */
    public sealed interface Match {
    }

    /** @param path the request path without the stage prefix, if the request carried one */
    public record Found(ApiRoute route, Map<String, String> pathParameters, String path) implements Match {
    }

    public record MethodNotAllowed(String resource, Set<String> allowedMethods) implements Match {
    }

    public record NotFound() implements Match {
    }

    /**
     * @param rawPath the path as the client sent it, percent-encoding included. It may start with the stage
     *                ({@code /v1/tokens}), as URLs of the deployed API do.
     */
    public Match match(String method, String rawPath) {
        Match direct = matchPath(method, rawPath);
        if (!(direct instanceof NotFound)) {
            return direct;
        }
        for (String stage : stages) {
            String prefix = "/" + stage;
            if (rawPath.startsWith(prefix + "/")) {
                return matchPath(method, rawPath.substring(prefix.length()));
            }
        }
        return direct;
    }

    private Match matchPath(String method, String rawPath) {
        List<String> parts = split(rawPath);
        Optional<Map.Entry<Resource, Map<String, String>>> best = resources.stream()
                .map(resource -> resource.match(parts).map(parameters -> Map.entry(resource, parameters)))
                .flatMap(Optional::stream)
                .min(Comparator.comparing(entry -> entry.getKey().specificity()));
        if (best.isEmpty()) {
            return new NotFound();
        }
        Resource resource = best.get().getKey();
        for (ApiRoute route : resource.routes()) {
            if (route.accepts(method)) {
                return new Found(route, best.get().getValue(), rawPath);
            }
        }
        Set<String> allowed = new TreeSet<>();
        resource.routes().forEach(route -> allowed.add(route.method()));
        return new MethodNotAllowed(resource.path(), allowed);
    }

    private static List<String> split(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        return path.isEmpty() ? List.of() : List.of(path.split("/", -1));
    }

    private static List<Segment> segments(String path) {
        List<Segment> segments = new ArrayList<>();
        for (String part : split(path)) {
            if (part.startsWith("{") && part.endsWith("+}")) {
                segments.add(new Segment(Kind.GREEDY, part.substring(1, part.length() - 2)));
            } else if (part.startsWith("{") && part.endsWith("}")) {
                segments.add(new Segment(Kind.PARAMETER, part.substring(1, part.length() - 1)));
            } else {
                segments.add(new Segment(Kind.LITERAL, part));
            }
        }
        return segments;
    }

    /** In order of precedence. */
    private enum Kind { LITERAL, PARAMETER, GREEDY }

    private record Segment(Kind kind, String text) {
    }

    private record Resource(String path, List<Segment> segments, List<ApiRoute> routes) {
        /** Compares as API Gateway prefers: the first segment that differs decides, literal first. */
        String specificity() {
            StringBuilder rank = new StringBuilder();
            segments.forEach(segment -> rank.append(segment.kind().ordinal()));
            return rank.toString();
        }

        Optional<Map<String, String>> match(List<String> parts) {
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                Segment segment = segments.get(i);
                if (segment.kind() == Kind.GREEDY) {
                    if (i >= parts.size() || parts.subList(i, parts.size()).stream().anyMatch(String::isEmpty)) {
                        return Optional.empty();
                    }
                    parameters.put(segment.text(), decode(String.join("/", parts.subList(i, parts.size()))));
                    return Optional.of(parameters);
                }
                if (i >= parts.size() || parts.get(i).isEmpty()) {
                    return Optional.empty();
                }
                String value = decode(parts.get(i));
                if (segment.kind() == Kind.LITERAL && !segment.text().equals(value)) {
                    return Optional.empty();
                }
                if (segment.kind() == Kind.PARAMETER) {
                    parameters.put(segment.text(), value);
                }
            }
            return parts.size() == segments.size() ? Optional.of(parameters) : Optional.empty();
        }
    }

    /** Percent-decoding as for a path: {@code +} stays a plus. A malformed escape is kept as written. */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < segment.length()) {
            if (segment.charAt(i) == '%' && i + 2 < segment.length()
                    && hex(segment.charAt(i + 1)) >= 0 && hex(segment.charAt(i + 2)) >= 0) {
                bytes.write(hex(segment.charAt(i + 1)) * 16 + hex(segment.charAt(i + 2)));
                i += 3;
            } else {
                int codePoint = segment.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
