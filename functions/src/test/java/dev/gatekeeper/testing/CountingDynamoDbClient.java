package dev.gatekeeper.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A real SDK client on the shared DynamoDB Local that records the operations it sends, for tests that count what a
 * request costs in round trips. An interceptor sees each HTTP attempt, so a retry counts too. It also adds up the
 * entries that queries of a secondary index read (their {@code ScannedCount}), for tests of how much a count reads.
 */
public final class CountingDynamoDbClient {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong indexEntriesRead = new AtomicLong();
    private final DynamoDbClient client = DynamoDbClient.builder()
            .endpointOverride(LocalDynamoDb.shared().endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClientBuilder(ApacheHttpClient.builder())
            .overrideConfiguration(config -> config.addExecutionInterceptor(new ExecutionInterceptor() {
                @Override
                public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                    calls.add(context.request().getClass().getSimpleName());
                }

                @Override
                public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                    if (context.request() instanceof QueryRequest query && query.indexName() != null
                            && context.response() instanceof QueryResponse page) {
                        indexEntriesRead.addAndGet(page.scannedCount());
                    }
                }
            }))
            .build();

    public DynamoDbClient client() {
        return client;
    }

    /** The operations sent since the last call, by request class name ({@code "GetItemRequest"}), in order. */
    public List<String> takeCalls() {
        List<String> sent = List.copyOf(calls);
        calls.clear();
        return sent;
    }

    /** Index entries read by queries since the last call. */
    public long takeIndexEntriesRead() {
        return indexEntriesRead.getAndSet(0);
    }
}
