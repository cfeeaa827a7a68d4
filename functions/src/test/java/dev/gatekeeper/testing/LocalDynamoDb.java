package dev.gatekeeper.testing;

import static dev.gatekeeper.adapter.dynamodb.TokenTable.GENERATION_EXPIRY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.GENERATION_EXPIRY_INDEX;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.dynamodb.services.local.server.AbstractLocalDynamoDBServerHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.server.LocalDynamoDBServerHandler;

/**
 * DynamoDB Local 3.x running inside the test JVM, started once and shared by every test class. Each test gets
 * its own table ({@link #createTokenTable()}), so tests never see each other's items and need no cleanup. When
 * {@link Emulators#inUse()} is LocalStack, the same API and tables come from the LocalStack container instead.
 *
 * <p>Wired the way {@code ServerRunner.createServer} wires it, but with our own Jetty server: the one
 * {@code ServerRunner} builds listens on every interface and cannot be told otherwise, and this one must only be
 * reachable from this machine. Bypassing {@code ServerRunner} also means its telemetry is never configured.
 */
public final class LocalDynamoDb {
    private static final LocalDynamoDb SHARED = start();

    private final URI endpoint;
    private final DynamoDbClient client;
    private final AtomicInteger tables = new AtomicInteger();

    private LocalDynamoDb(URI endpoint, AwsCredentialsProvider credentials, Region region) {
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(credentials)
                // Explicit: DynamoDB Local puts the URL-connection and Netty clients on the test classpath too.
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /**
     * The JVM-wide instance, started on first use and stopped when the JVM exits; with {@link Emulators#LOCALSTACK}
     * it is LocalStack's DynamoDB instead, with the same tables.
     */
    public static LocalDynamoDb shared() {
        return SHARED;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A real SDK client for the emulator, built once; safe to share between threads. */
    public DynamoDbClient client() {
        return client;
    }

    /**
     * Creates a new, empty table with the token table's keys and index and returns its name.
     *
     * <p>Time to live is deliberately not enabled: DynamoDB Local runs a TTL deletion job, and tests use fixed
     * clocks that are usually in the past, so their items would vanish at random moments mid-test. Nothing in the
     * service depends on items being deleted; tests check the {@code ttl} attribute's value instead.
     */
    public String createTokenTable() {
        String name = "tokens-" + tables.incrementAndGet();
        client.createTable(table -> table
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(PARTITION_KEY), attribute(SORT_KEY), attribute(GENERATION_EXPIRY))
                .keySchema(key(PARTITION_KEY, KeyType.HASH), key(SORT_KEY, KeyType.RANGE))
                .localSecondaryIndexes(LocalSecondaryIndex.builder()
                        .indexName(GENERATION_EXPIRY_INDEX)
                        .keySchema(key(PARTITION_KEY, KeyType.HASH), key(GENERATION_EXPIRY, KeyType.RANGE))
                        .projection(projection -> projection.projectionType(ProjectionType.KEYS_ONLY))
                        .build()));
        return name;
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static LocalDynamoDb start() {
        if (Emulators.inUse() == Emulators.LOCALSTACK) {
            LocalStack localStack = LocalStack.shared();
            return new LocalDynamoDb(localStack.endpoint(), localStack.credentials(), localStack.region());
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int port = freePort(loopback);
        AbstractLocalDynamoDBServerHandler handler;
        Server server = new Server(new InetSocketAddress(loopback, port));
        try {
            // As ServerRunner does for "-inMemory": no database file, one database per region and access key.
            handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, false, false), null);
            ContextHandler context = new ContextHandler();
            context.setHandler(handler);
            server.setHandler(context);
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
        }
        URI endpoint = URI.create("http://" + loopback.getHostAddress() + ":" + port);
        LocalDynamoDb local = new LocalDynamoDb(endpoint, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("local", "local")), Region.US_EAST_1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(local.client, server, handler),
                "local-dynamodb-stop"));
        return local;
    }

    private static void stop(DynamoDbClient client, Server server, AbstractLocalDynamoDBServerHandler handler) {
        client.close();
        try {
            server.stop();
            handler.close();
        } catch (Exception e) {
            // The JVM is exiting and the database lives in memory: a failed stop leaks nothing.
        }
    }

    private static int freePort(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for DynamoDB Local", e);
        }
    }
}
