package dev.gatekeeper.testing;

import java.util.Locale;

/**
 * Which emulators answer the DynamoDB and Secrets Manager APIs in tests, chosen once per JVM by the system property
 * {@value #PROPERTY} or, when that is unset, the environment variable {@value #ENVIRONMENT}.
 *
 * <p>{@link #LOCAL} needs nothing but the project venv; {@link #LOCALSTACK} needs a Docker engine and fails at the
 * first use of an emulator when there is none, so a run that asked for LocalStack never quietly tests something else.
 */
public enum Emulators {
    /** DynamoDB Local in the test JVM and moto server from the project venv: the default. */
    LOCAL("local", "DynamoDB Local (in-process) and moto server"),
    /** One LocalStack container, started by Testcontainers, serving both APIs. */
    LOCALSTACK("localstack", "LocalStack (" + LocalStack.IMAGE + ", Docker)");

    public static final String PROPERTY = "gatekeeper.emulators";
    public static final String ENVIRONMENT = "GATEKEEPER_EMULATORS";

    private static Emulators inUse;

    private final String settingName;
    private final String description;

    Emulators(String settingName, String description) {
        this.settingName = settingName;
        this.description = description;
    }

    /** The emulators this JVM's tests use, announced on stderr the first time it is asked. */
    public static synchronized Emulators inUse() {
        if (inUse == null) {
            inUse = from(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
            System.err.println("Gatekeeper emulator tests use " + inUse.description + " (" + PROPERTY + "="
                    + inUse.settingName + ")");
        }
        return inUse;
    }

    /** The choice made by a property and an environment value, either of which may be unset or blank. */
    static Emulators from(String property, String environment) {
        String setting = isBlank(property) ? environment : property;
        if (isBlank(setting)) {
            return LOCAL;
        }
        for (Emulators emulators : values()) {
            if (emulators.settingName.equals(setting.trim().toLowerCase(Locale.ROOT))) {
                return emulators;
            }
        }
        throw new IllegalArgumentException("Unknown emulators \"" + setting + "\" in " + PROPERTY + " or "
                + ENVIRONMENT + "; use \"local\" (the default) or \"localstack\"");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
