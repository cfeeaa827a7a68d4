package dev.gatekeeper.observability;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;

/**
 * An SLF4J logger that writes each event as one JSON object on one line:
 * {@code timestamp} (ISO-8601 UTC), {@code level}, {@code logger}, {@code message}, the MDC fields, and for an event
 * with an exception an {@code error} object ({@code type}, {@code message}, {@code stackTrace} as one string).
 * Lambda's JSON log format reads {@code level} and {@code timestamp} from such lines to filter them.
 */
final class JsonLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    /** Pure ASCII out, so a line survives any stdout encoding; newlines in messages are escaped, never split. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final List<String> RESERVED = List.of("timestamp", "level", "logger", "message", "error");
    /** MDC fields in the order a reader looks for them; any others follow, sorted. */
    private static final List<String> LEADING_FIELDS = List.of(LogContext.REQUEST_ID, LogContext.FUNCTION,
            LogContext.OPERATION, LogContext.ORGANISATION_ID, LogContext.CREDENTIAL, LogContext.OUTCOME,
            LogContext.RETURN_CODE, LogContext.AUTH_FAILURE);

    private final transient MDCAdapter mdc;
    private final int threshold;

    JsonLogger(String name, Level threshold, MDCAdapter mdc) {
        this.name = name;
        this.threshold = threshold.toInt();
        this.mdc = mdc;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        LogOutput.writeLine(format(Instant.now(), level, MessageFormatter.basicArrayFormat(pattern, arguments), throwable));
    }

    String format(Instant time, Level level, String message, Throwable throwable) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("timestamp", time.truncatedTo(ChronoUnit.MILLIS).toString());
            json.writeStringField("level", level.name());
            json.writeStringField("logger", name);
            json.writeStringField("message", message);
            writeContext(json);
            if (throwable != null) {
                writeError(json, throwable);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return line.toString();
    }

    private void writeContext(JsonGenerator json) throws IOException {
        Map<String, String> context = mdc.getCopyOfContextMap();
        if (context == null || context.isEmpty()) {
            return;
        }
        Map<String, String> rest = new TreeMap<>(context);
        for (String field : LEADING_FIELDS) {
            String value = rest.remove(field);
            if (value != null) {
                json.writeStringField(field, value);
            }
        }
        for (Map.Entry<String, String> field : rest.entrySet()) {
            if (!RESERVED.contains(field.getKey()) && field.getValue() != null) {
                json.writeStringField(field.getKey(), field.getValue());
            }
        }
    }

    private static void writeError(JsonGenerator json, Throwable throwable) throws IOException {
        json.writeObjectFieldStart("error");
        json.writeStringField("type", throwable.getClass().getName());
        json.writeStringField("message", throwable.getMessage());
        Throwable root = throwable;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != throwable) {
            json.writeStringField("rootCause", root.toString());
        }
        StringWriter trace = new StringWriter(2048);
        throwable.printStackTrace(new PrintWriter(trace));
        json.writeStringField("stackTrace", trace.toString());
        json.writeEndObject();
    }
}
