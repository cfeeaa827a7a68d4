package dev.gatekeeper.admin;

import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbAuditLog;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbTokenStore;
import dev.gatekeeper.core.apikey.ApiKeyRegistry;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.organisation.OrganisationRegistry;
import dev.gatekeeper.core.token.TokenStore;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** One table and the service's own adapters on it, over one SDK client built for this run of the CLI. */
final class AdminTable implements AutoCloseable {
    private static final Region FALLBACK_REGION = Region.US_EAST_1;
    /**
     * What the CLI signs with against an emulator when no credentials are configured. DynamoDB Local keeps one
     * database per access key unless started shared, so this is the test harness's key.
     */
    private static final AwsBasicCredentials STAND_IN_CREDENTIALS = AwsBasicCredentials.create("local", "local");
    /** Retention only sets the expiry of newly inserted token records, and the CLI inserts none. */
    private static final Duration UNUSED_RETENTION = Duration.ZERO;

    private final String description;
    private final DynamoDbClient client;
    private final AwsCredentialsProvider credentials;
    private final OrganisationRegistry organisations;
    private final ApiKeyRegistry apiKeys;
    private final TokenStore tokens;
    private final AuditLog audit;

    private AdminTable(String name, String description, DynamoDbClient client, AwsCredentialsProvider credentials) {
        this.description = description;
        this.client = client;
        this.credentials = credentials;
        // The CLI's own changes are audited (as the administrator's) with the service's default retention.
        this.organisations = new DynamoDbOrganisationRegistry(client, name);
        this.apiKeys = new DynamoDbApiKeyRegistry(client, name);
        this.tokens = new DynamoDbTokenStore(client, name, UNUSED_RETENTION);
        this.audit = new DynamoDbAuditLog(client, name, DynamoDbTokenStore.DEFAULT_AUDIT_RETENTION);
    }

    /** Builds the client; nothing is sent until a command reads or writes. */
    static AdminTable open(String name, Optional<String> region, Optional<URI> endpoint) {
        Region resolvedRegion = region.map(Region::of).orElseGet(() -> defaultRegion(endpoint.isPresent()));
        AwsCredentialsProvider credentials = endpoint.isPresent() ? emulatorCredentials()
                : DefaultCredentialsProvider.builder().build();
        var builder = DynamoDbClient.builder()
                .region(resolvedRegion)
                .credentialsProvider(credentials)
                // Explicit: more than one HTTP client may be on the classpath (DynamoDB Local brings others).
                .httpClientBuilder(ApacheHttpClient.builder())
                // An operator waits at the terminal: fail within seconds rather than retry at length.
                .overrideConfiguration(config -> config
                        .retryStrategy(retry -> retry.maxAttempts(3))
                        .apiCallTimeout(Duration.ofSeconds(30)));
        endpoint.ifPresent(builder::endpointOverride);
        String description = "table '" + name + "' in " + resolvedRegion.id()
                + endpoint.map(uri -> " at " + uri).orElse("");
        return new AdminTable(name, description, builder.build(), credentials);
    }

    /** For messages: {@code table 'tokens' in us-east-1 at http://127.0.0.1:8000}. */
    String description() {
        return description;
    }

    OrganisationRegistry organisations() {
        return organisations;
    }

    ApiKeyRegistry apiKeys() {
        return apiKeys;
    }

    TokenStore tokens() {
        return tokens;
    }

    AuditLog audit() {
        return audit;
    }

    @Override
    public void close() {
        client.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * The default region chain, falling back to us-east-1. Against an emulator the instance-metadata step is
     * left out: off EC2 it only adds seconds of timeouts to every command.
     */
    private static Region defaultRegion(boolean emulator) {
        AwsRegionProvider chain = emulator
                ? new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider())
                : DefaultAwsRegionProviderChain.builder().build();
        try {
            return chain.getRegion();
        } catch (SdkClientException e) {
            return FALLBACK_REGION;
        }
    }

    /** Configured credentials (system properties, environment, profile) if there are any, else stand-ins. */
    private static AwsCredentialsProvider emulatorCredentials() {
        AwsCredentialsProviderChain configured = AwsCredentialsProviderChain.builder()
                .credentialsProviders(SystemPropertyCredentialsProvider.create(),
                        EnvironmentVariableCredentialsProvider.create(), ProfileCredentialsProvider.create())
                .build();
        try {
            configured.resolveCredentials();
            return configured;
        } catch (SdkClientException e) {
            configured.close();
            return StaticCredentialsProvider.create(STAND_IN_CREDENTIALS);
        }
    }
}
