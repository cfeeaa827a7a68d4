package dev.gatekeeper.observability;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of the functions (found through {@code META-INF/services}): {@link JsonLogger}s writing JSON
 * lines to stdout. A few classes on top of jackson-core, which the functions load anyway, so the binding adds
 * nearly nothing to a cold start, unlike logback or log4j2.
 *
 * <p>The level is Lambda's: {@code AWS_LAMBDA_LOG_LEVEL}, which Lambda sets from the function's
 * {@code ApplicationLogLevel}, INFO when unset. A system property {@code gatekeeper.log.level.<logger prefix>}
 * sets another level for the loggers under that prefix, such as a library's (the local runner quiets Jetty so).
 */
public final class JsonLoggingProvider implements SLF4JServiceProvider, ILoggerFactory {
    public static final String LEVEL_VARIABLE = "AWS_LAMBDA_LOG_LEVEL";
    public static final String LEVEL_PROPERTY_PREFIX = "gatekeeper.log.level.";

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private IMarkerFactory markers;
    private MDCAdapter mdc;
    private Level rootLevel;
    /** Longest prefix first, so the most specific setting wins. */
    private Map<String, Level> prefixLevels;

    @Override
    public void initialize() {
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
        rootLevel = level(System.getenv(LEVEL_VARIABLE), Level.INFO);
        prefixLevels = prefixLevels(System.getProperties());
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levelOf(n), mdc));
    }

    private Level levelOf(String loggerName) {
        for (Map.Entry<String, Level> setting : prefixLevels.entrySet()) {
            if (loggerName.startsWith(setting.getKey())) {
                return setting.getValue();
            }
        }
        return rootLevel;
    }

    private static Map<String, Level> prefixLevels(Properties properties) {
        Map<String, Level> levels = new TreeMap<>((a, b) -> a.length() != b.length() ? b.length() - a.length() : a.compareTo(b));
        for (String property : properties.stringPropertyNames()) {
            if (property.startsWith(LEVEL_PROPERTY_PREFIX) && property.length() > LEVEL_PROPERTY_PREFIX.length()) {
                levels.put(property.substring(LEVEL_PROPERTY_PREFIX.length()),
                        level(properties.getProperty(property), Level.INFO));
            }
        }
        return levels;
    }

    /** Lambda's level names; FATAL has no SLF4J level and means ERROR; anything unknown is the fallback. */
    static Level level(String name, Level fallback) {
        if (name == null || name.isBlank()) {
            return fallback;
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("FATAL")) {
            return Level.ERROR;
        }
        for (Level level : Level.values()) {
            if (level.name().equals(upper)) {
                return level;
            }
        }
        return fallback;
    }
}
