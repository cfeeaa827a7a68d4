package dev.gatekeeper.config;

import dev.gatekeeper.adapter.dynamodb.DynamoDbApiKeyRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbAuditLog;
import dev.gatekeeper.adapter.dynamodb.DynamoDbOrganisationRegistry;
import dev.gatekeeper.adapter.dynamodb.DynamoDbTokenStore;
import dev.gatekeeper.core.apikey.ApiKeyStore;
import dev.gatekeeper.core.audit.AuditLog;
import dev.gatekeeper.core.organisation.OrganisationDirectory;
import dev.gatekeeper.core.token.TokenStore;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where a service keeps and finds its records: the four storage ports, over one table. Deployed, always DynamoDB
 * ({@link #dynamoDb}); the local runner can hand in stores of its own behind the same ports.
 */
public record Stores(TokenStore tokens, ApiKeyStore apiKeys, OrganisationDirectory organisations, AuditLog auditLog) {
    public Stores {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(organisations, "organisations");
        Objects.requireNonNull(auditLog, "auditLog");
    }

    /** The table {@code config} names, through {@code client}, with the configured retentions. */
    public static Stores dynamoDb(GatekeeperConfig config, DynamoDbClient client) {
        // Audit record ids are not token ids: a test's sequence of token ids stays what it expects.
        return new Stores(
                new DynamoDbTokenStore(client, config.tableName(), config.tokenRetention(), config.auditRetention(),
                        UUID::randomUUID),
                new DynamoDbApiKeyRegistry(client, config.tableName(), config.auditRetention(), UUID::randomUUID),
                new DynamoDbOrganisationRegistry(client, config.tableName(), config.auditRetention(),
                        UUID::randomUUID),
                new DynamoDbAuditLog(client, config.tableName(), config.auditRetention()));
    }
}
