package dev.gatekeeper.local.storage;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * SDK clients for an AWS emulator (moto server, LocalStack) at one endpoint. Emulators take any credentials, so the
 * clients carry fixed dummy ones: whatever the machine's AWS configuration, nothing here can reach a real account.
 */
public final class AwsEmulator implements AutoCloseable {
    public static final String ACCESS_KEY = "local";

    private final URI endpoint;
    private final SdkHttpClient http;
    private final DynamoDbClient dynamoDb;
    private final SecretsManagerClient secretsManager;

    private AwsEmulator(URI endpoint, Region region) {
        this.endpoint = endpoint;
        this.http = ApacheHttpClient.builder().build();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, ACCESS_KEY));
        this.dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .httpClient(http).build();
        this.secretsManager = SecretsManagerClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(credentials).httpClient(http).build();
    }

    public static AwsEmulator at(URI endpoint, String region) {
        return new AwsEmulator(endpoint, Region.of(region));
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SecretsManagerClient secretsManager() {
        return secretsManager;
    }

    @Override
    public void close() {
        dynamoDb.close();
        secretsManager.close();
        http.close();
    }
}
