package dev.gatekeeper.testing;

import java.net.URI;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One LocalStack container per test JVM, serving DynamoDB and Secrets Manager when {@link Emulators#LOCALSTACK} is
 * chosen. {@link LocalDynamoDb} and {@link MotoServer} point their clients here instead of at their own emulators.
 */
final class LocalStack {
    /** Pinned: 4.14.0 is the last LocalStack image that runs without an auth token. */
    static final String IMAGE = "localstack/localstack:4.14.0";
    // Lambda and IAM only so MotoServer.startRotation can name a rotation function, as Secrets Manager requires.
    private static final String[] SERVICES = {"dynamodb", "secretsmanager", "lambda", "iam"};

    private static LocalStack shared;
    private static IllegalStateException failure;

    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Region region;

    private LocalStack(URI endpoint, AwsCredentialsProvider credentials, Region region) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.region = region;
    }

    /** The container for this JVM, started on first use; a failed start fails every later use the same way. */
    static synchronized LocalStack shared() {
        if (shared == null && failure == null) {
            try {
                shared = start(() -> DockerClientFactory.instance().isDockerAvailable());
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        return shared;
    }

    static LocalStack start(BooleanSupplier dockerAvailable) {
        if (!dockerAvailable.getAsBoolean()) {
            throw new IllegalStateException(Emulators.PROPERTY + "=localstack needs a Docker engine, and "
                    + "Testcontainers found none. Start Docker, or run without it to test against DynamoDB Local "
                    + "and moto.");
        }
        LocalStackContainer container = new LocalStackContainer(IMAGE).withServices(SERVICES);
        try {
            container.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("LocalStack (" + IMAGE + ") did not start", e);
        }
        // Testcontainers' Ryuk removes the container too; stopping it here also covers runs with Ryuk disabled.
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "localstack-stop"));
        return new LocalStack(container.getEndpoint(),
                StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey())),
                Region.of(container.getRegion()));
    }

    URI endpoint() {
        return endpoint;
    }

    AwsCredentialsProvider credentials() {
        return credentials;
    }

    Region region() {
        return region;
    }
}
