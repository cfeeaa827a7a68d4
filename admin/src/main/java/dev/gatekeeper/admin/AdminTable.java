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
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** One table and the service's own adapters on it, over one SDK client built for this run of the CLI. */
final class AdminTable implements AutoCloseable {
    /** Retention only sets the expiry of newly inserted token records, and the CLI inserts none. */
    private static final Duration UNUSED_RETENTION = Duration.ZERO;

    private final String description;
    private final DynamoDbClient client;
    private final AwsCredentialsProvider credentials;
    private final OrganisationRegistry organisations;
    private final ApiKeyRegistry apiKeys;
    private final TokenStore tokens;
    private final AuditLog audit;

    private AdminTable(String name, String description, DynamoDbClient client, AwsCredentialsProvider credentials,
                       Duration auditRetention) {
        this.description = description;
        this.client = client;
        this.credentials = credentials;
        // The CLI's own changes are audited (as the administrator's), kept as long as the stack keeps the functions'.
        this.organisations = new DynamoDbOrganisationRegistry(client, name, auditRetention, UUID::randomUUID);
        this.apiKeys = new DynamoDbApiKeyRegistry(client, name, auditRetention, UUID::randomUUID);
        this.tokens = new DynamoDbTokenStore(client, name, UNUSED_RETENTION, auditRetention, UUID::randomUUID);
        this.audit = new DynamoDbAuditLog(client, name, auditRetention);
    }

    /** Builds the client; nothing is sent until a command reads or writes. */
    static AdminTable open(String name, Optional<String> region, Optional<URI> endpoint, Duration auditRetention) {
        Region resolvedRegion = AdminAws.region(region, endpoint);
        AwsCredentialsProvider credentials = AdminAws.credentials(endpoint);
        DynamoDbClient client = AdminAws.configure(DynamoDbClient.builder(), resolvedRegion, credentials, endpoint)
                .build();
        String description = "table '" + name + "' " + AdminAws.where(resolvedRegion, endpoint);
        return new AdminTable(name, description, client, credentials, auditRetention);
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
}
