package dev.gatekeeper.bench.throughput;

import static dev.gatekeeper.adapter.dynamodb.TokenTable.PARTITION_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.SORT_KEY;
import static dev.gatekeeper.adapter.dynamodb.TokenTable.TOKEN_PREFIX;

import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The token records stored for an organisation, read straight from the runner's DynamoDB Local (its
 * {@code --dynamodb-port}): the ids of the items {@code pk = ORG, sk begins_with TOKEN#}, every page, strongly
 * consistent. Independent of the functions' own read paths, so it checks what was written, not what they report.
 */
final class StoredTokens {
    private StoredTokens() {
    }

    static Set<String> ids(URI endpoint, String table, String organisation) {
        try (DynamoDbClient client = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build()) {
            Set<String> ids = new HashSet<>();
            Map<String, AttributeValue> start = null;
            do {
                QueryRequest.Builder query = QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                        .expressionAttributeNames(Map.of("#pk", PARTITION_KEY, "#sk", SORT_KEY))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(organisation),
                                ":prefix", AttributeValue.fromS(TOKEN_PREFIX)))
                        .projectionExpression("#sk");
                if (start != null) {
                    query.exclusiveStartKey(start);
                }
                QueryResponse page = client.query(query.build());
                for (Map<String, AttributeValue> item : page.items()) {
                    ids.add(item.get(SORT_KEY).s().substring(TOKEN_PREFIX.length()));
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            return ids;
        }
    }
}
