package dev.gatekeeper.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.observability.LogOutput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the functions log and every metric line they publish while it is open, instead of stdout. Each line
 * must be one JSON object; a line that is not fails the test that reads it.
 */
public final class CapturedOutput implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final LogOutput.Redirection redirection;

    private CapturedOutput() {
        this.redirection = LogOutput.redirectTo(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    public static CapturedOutput start() {
        return new CapturedOutput();
    }

    /** The raw text written, every line. */
    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (node == null || !node.isObject()) {
                    throw new AssertionError("not a JSON object: " + line);
                }
                lines.add(node);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return lines;
    }

    /** The log events: lines that are not EMF documents. */
    public List<JsonNode> logLines() {
        return lines().stream().filter(line -> !line.has("_aws")).toList();
    }

    /** The lines a logger of this name wrote. */
    public List<JsonNode> logLinesOf(Class<?> logger) {
        return logLines().stream().filter(line -> logger.getName().equals(line.path("logger").asText())).toList();
    }

    /** The EMF documents. */
    public List<JsonNode> metricLines() {
        return lines().stream().filter(line -> line.has("_aws")).toList();
    }

    /** The single EMF document of one request. */
    public JsonNode metricLineOf(String requestId) {
        List<JsonNode> matching = metricLines().stream().filter(line -> requestId.equals(line.path("requestId").asText())).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one metric line for request " + requestId + " but found " + matching);
        }
        return matching.get(0);
    }

    @Override
    public void close() {
        redirection.close();
    }
}
