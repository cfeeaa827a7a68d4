package dev.gatekeeper.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.testing.CapturedOutput;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

class JsonLoggerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00.123456Z");

    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final JsonLogger logger = new JsonLogger("dev.gatekeeper.Example", Level.INFO, mdc);

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    private static JsonNode parse(String line) throws Exception {
        assertThat(line).doesNotContain("\n");
        return JSON.readTree(line);
    }

    @Test
    void slf4jIsBoundToTheJsonProviderOfTheFunctions() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(JsonLoggingProvider.class);
        assertThat(LoggerFactory.getLogger(JsonLoggerTest.class)).isInstanceOf(JsonLogger.class);
    }

    @Test
    void aLineIsOneJsonObjectWithTimestampLevelLoggerMessageAndTheContextFieldsInReadingOrder() throws Exception {
        mdc.put("zeta", "last");
        mdc.put(LogContext.OUTCOME, "201");
        mdc.put(LogContext.FUNCTION, "RequestTokenFunction");
        mdc.put(LogContext.REQUEST_ID, "req-1");

        String line = logger.format(AT, Level.INFO, "requestTokenUsingPOST answered 201", null);

        assertThat(line).isEqualTo("{\"timestamp\":\"2026-11-24T10:00:00.123Z\",\"level\":\"INFO\","
                + "\"logger\":\"dev.gatekeeper.Example\",\"message\":\"requestTokenUsingPOST answered 201\","
                + "\"requestId\":\"req-1\",\"function\":\"RequestTokenFunction\",\"outcome\":\"201\",\"zeta\":\"last\"}");
    }

    @Test
    void aContextFieldCannotReplaceOneOfTheLinesOwnFields() throws Exception {
        mdc.put("level", "ERROR");
        mdc.put("message", "forged");

        JsonNode line = parse(logger.format(AT, Level.INFO, "real", null));

        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("message").asText()).isEqualTo("real");
        assertThat(line.size()).isEqualTo(4);
    }

    @Test
    void newlinesQuotesAndNonAsciiTextStayInsideOneAsciiLine() throws Exception {
        String line = logger.format(AT, Level.WARN, "two\nlines \"quoted\" caf\u00e9 \u2603", null);

        assertThat(line).matches("\\p{ASCII}*");
        assertThat(parse(line).get("message").asText()).isEqualTo("two\nlines \"quoted\" caf\u00e9 \u2603");
    }

    @Test
    void anExceptionBecomesAnErrorObjectWithItsTypeMessageRootCauseAndStackTraceAsOneString() throws Exception {
        Exception failure = new IllegalStateException("outer", new java.io.IOException("connection refused"));

        JsonNode error = parse(logger.format(AT, Level.ERROR, "failed", failure)).get("error");

        assertThat(error.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.get("message").asText()).isEqualTo("outer");
        assertThat(error.get("rootCause").asText()).isEqualTo("java.io.IOException: connection refused");
        assertThat(error.get("stackTrace").asText())
                .startsWith("java.lang.IllegalStateException: outer\n\tat ")
                .contains("Caused by: java.io.IOException: connection refused");
    }

    @Test
    void argumentsAreFormattedAndATrailingThrowableIsTheError() throws Exception {
        try (CapturedOutput output = CapturedOutput.start()) {
            logger.error("{} answered {}", "requestTokenUsingPOST", 503, new IllegalStateException("down"));

            JsonNode line = output.logLines().get(0);
            assertThat(line.get("message").asText()).isEqualTo("requestTokenUsingPOST answered 503");
            assertThat(line.at("/error/message").asText()).isEqualTo("down");
        }
    }

    @Test
    void eventsBelowTheLoggersLevelAreNotWritten() {
        JsonLogger warnings = new JsonLogger("quiet", Level.WARN, mdc);
        try (CapturedOutput output = CapturedOutput.start()) {
            warnings.info("not written");
            warnings.debug("not written");
            warnings.warn("written");
            warnings.error("written");

            assertThat(output.logLines()).extracting(line -> line.get("level").asText()).containsExactly("WARN", "ERROR");
            assertThat(warnings.isInfoEnabled()).isFalse();
            assertThat(warnings.isWarnEnabled()).isTrue();
        }
    }

    @Test
    void theLevelIsLambdasApplicationLogLevelWithFatalAsErrorAndInfoWhenUnsetOrUnknown() {
        assertThat(List.of("TRACE", "debug", " Info ", "WARN", "ERROR", "FATAL"))
                .extracting(name -> JsonLoggingProvider.level(name, Level.INFO))
                .containsExactly(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR, Level.ERROR);
        assertThat(JsonLoggingProvider.level(null, Level.INFO)).isEqualTo(Level.INFO);
        assertThat(JsonLoggingProvider.level("VERBOSE", Level.INFO)).isEqualTo(Level.INFO);
    }

    @Test
    void aSystemPropertySetsTheLevelOfTheLoggersUnderAPrefixTheMostSpecificFirst() {
        System.setProperty("gatekeeper.log.level.org.example", "ERROR");
        System.setProperty("gatekeeper.log.level.org.example.chatty", "WARN");
        try {
            JsonLoggingProvider provider = new JsonLoggingProvider();
            provider.initialize();

            assertThat(provider.getLogger("org.example.Server").isWarnEnabled()).isFalse();
            assertThat(provider.getLogger("org.example.chatty.Client").isWarnEnabled()).isTrue();
            assertThat(provider.getLogger("org.example.chatty.Client").isInfoEnabled()).isFalse();
            assertThat(provider.getLogger("dev.gatekeeper.Example").isInfoEnabled()).isTrue();
        } finally {
            System.clearProperty("gatekeeper.log.level.org.example");
            System.clearProperty("gatekeeper.log.level.org.example.chatty");
        }
    }
}
