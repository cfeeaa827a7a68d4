package dev.gatekeeper.observability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes the metrics of each invocation as one line in CloudWatch Embedded Metric Format: a JSON log line whose
 * {@code _aws} member tells CloudWatch Logs which of its top-level members are metrics, under which namespace and
 * dimensions. No API call, no agent, no dependency: CloudWatch extracts the metrics from the function's log group.
 *
 * <p>Dimensions: {@code Function} and {@code Operation} for every metric, plus {@code Reason} for
 * {@code AuthFailures}. Only the metrics an invocation recorded are in its line, with {@code Latency} always.
 * Lambda's log-level filter treats these lines (which have no {@code level}) as INFO: an
 * {@code ApplicationLogLevel} above INFO would drop the metrics too.
 */
public final class EmfMetrics {
    public static final String DEFAULT_NAMESPACE = "Gatekeeper";
    static final String FUNCTION = "Function";
    static final String OPERATION = "Operation";
    static final String REASON = "Reason";
    static final String LATENCY = "Latency";

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private final String namespace;
    private final Clock clock;
    private final Consumer<String> output;

    /** @param output receives each EMF document as one line */
    public EmfMetrics(String namespace, Clock clock, Consumer<String> output) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.output = Objects.requireNonNull(output, "output");
    }

    /** Lines to stdout, with the logs, where Lambda sends them to CloudWatch Logs. */
    public static EmfMetrics toStdout(String namespace, Clock clock) {
        return new EmfMetrics(namespace, clock, LogOutput::writeLine);
    }

    /** The metrics of one invocation, its latency counted from now. */
    public RequestMetrics start(String function, String operation, String requestId) {
        return new RequestMetrics(this, function, operation, requestId, clock.millis());
    }

    void publish(RequestMetrics metrics) {
        long now = clock.millis();
        Map<RequestMetrics.Count, Long> counts = metrics.counts();
        long authFailures = counts.getOrDefault(RequestMetrics.Count.AUTH_FAILURES, 0L);
        StringWriter line = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", now);
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", namespace);
            writeDimensions(json, FUNCTION, OPERATION);
            json.writeArrayFieldStart("Metrics");
            writeMetric(json, LATENCY, "Milliseconds");
            for (RequestMetrics.Count count : counts.keySet()) {
                if (count != RequestMetrics.Count.AUTH_FAILURES) {
                    writeMetric(json, count.metricName(), "Count");
                }
            }
            json.writeEndArray();
            json.writeEndObject();
            if (authFailures > 0) {
                json.writeStartObject();
                json.writeStringField("Namespace", namespace);
                writeDimensions(json, FUNCTION, OPERATION, REASON);
                json.writeArrayFieldStart("Metrics");
                writeMetric(json, RequestMetrics.Count.AUTH_FAILURES.metricName(), "Count");
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField(FUNCTION, metrics.function());
            json.writeStringField(OPERATION, metrics.operation());
            if (authFailures > 0) {
                json.writeStringField(REASON, metrics.authFailureReason());
            }
            if (metrics.requestId() != null) {
                json.writeStringField("requestId", metrics.requestId()); // not a dimension: a way back to the logs
            }
            json.writeNumberField(LATENCY, Math.max(0, now - metrics.startMillis()));
            for (Map.Entry<RequestMetrics.Count, Long> count : counts.entrySet()) {
                json.writeNumberField(count.getKey().metricName(), count.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        output.accept(line.toString());
    }

    private static void writeDimensions(JsonGenerator json, String... dimensions) throws IOException {
        json.writeArrayFieldStart("Dimensions");
        json.writeStartArray();
        for (String dimension : dimensions) {
            json.writeString(dimension);
        }
        json.writeEndArray();
        json.writeEndArray();
    }

    private static void writeMetric(JsonGenerator json, String name, String unit) throws IOException {
        json.writeStartObject();
        json.writeStringField("Name", name);
        json.writeStringField("Unit", unit);
        json.writeEndObject();
    }
}
