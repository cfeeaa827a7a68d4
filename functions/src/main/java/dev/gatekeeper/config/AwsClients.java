package dev.gatekeeper.config;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

/**
 * The SDK clients, built once per container and sharing one HTTP client. An endpoint override points both at an
 * emulator; credentials always come from the default chain (in Lambda, the function's role).
 */
public record AwsClients(DynamoDbClient dynamoDb, SecretsManagerClient secretsManager) {

    public static AwsClients forConfig(GatekeeperConfig config) {
        SdkHttpClient http = ApacheHttpClient.builder().build();
        Region region = Region.of(config.region());
        DynamoDbClientBuilder dynamo = DynamoDbClient.builder().httpClient(http).region(region);
        SecretsManagerClientBuilder secrets = SecretsManagerClient.builder().httpClient(http).region(region);
        config.awsEndpoint().ifPresent(endpoint -> {
            dynamo.endpointOverride(endpoint);
            secrets.endpointOverride(endpoint);
        });
        return new AwsClients(dynamo.build(), secrets.build());
    }
}
