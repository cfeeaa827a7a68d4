package dev.gatekeeper.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Records every DynamoDB call the SDK sends while a {@link #recording} is open, as the IAM actions that authorise it
 * on each table or index it names: what {@link DynamoDbPolicyTest} holds against the functions' policies.
 *
 * <p>IAM has no action of its own for a transaction: each action inside is authorised as the matching single-item
 * action on its table ("Using IAM with DynamoDB transactions" in the DynamoDB developer guide): a ConditionCheck
 * needs {@code ConditionCheckItem}, a Put {@code PutItem}, an Update {@code UpdateItem}, a Delete
 * {@code DeleteItem}, and a Get of {@code TransactGetItems} {@code GetItem}. The batches have actions of their own
 * ({@code BatchGetItem}, {@code BatchWriteItem}) on each table they name. A query or scan of an index is authorised
 * on the index's ARN, which the table's ARN does not cover.
 *
 * <p>Registered as an SDK <em>global</em> interceptor (src/test/resources/software/amazon/awssdk/global/handlers/
 * execution.interceptors names it), so the SDK adds it to every client built in this JVM and the functions keep the
 * exact DynamoDB client {@code AwsClients} builds for Lambda. Recorded once per call, before the first attempt: IAM
 * refuses a call before it runs, so a call that failed for another reason needed its rights as much.
 */
public final class DynamoDbCallRecorder implements ExecutionInterceptor {
    /** One right a call needed: an IAM action on a table, or on one of its indexes ({@code index} null otherwise). */
    record Use(String action, String table, String index) {
        @Override
        public String toString() {
            return action + " on " + table + (index == null ? "" : "/index/" + index);
        }
    }

    private static volatile Consumer<Use> recording;
    private static volatile boolean registered;

    public DynamoDbCallRecorder() {
        registered = true;
    }

    /** Whether the SDK found this interceptor: false means nothing could have been recorded. */
    static boolean registered() {
        return registered;
    }

    /** Records what every DynamoDB call sends while {@code action} runs, and returns it in order. */
    static List<Use> recording(Runnable action) {
        List<Use> uses = new CopyOnWriteArrayList<>();
        recording = uses::add;
        try {
            action.run();
        } finally {
            recording = null;
        }
        return new ArrayList<>(uses);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Consumer<Use> sink = recording;
        if (sink != null && context.request() instanceof DynamoDbRequest request) {
            uses(request, attributes).forEach(sink);
        }
    }

    private static List<Use> uses(SdkRequest request, ExecutionAttributes attributes) {
        List<Use> uses = new ArrayList<>();
        if (request instanceof GetItemRequest get) {
            uses.add(new Use("dynamodb:GetItem", get.tableName(), null));
        } else if (request instanceof PutItemRequest put) {
            uses.add(new Use("dynamodb:PutItem", put.tableName(), null));
        } else if (request instanceof UpdateItemRequest update) {
            uses.add(new Use("dynamodb:UpdateItem", update.tableName(), null));
        } else if (request instanceof DeleteItemRequest delete) {
            uses.add(new Use("dynamodb:DeleteItem", delete.tableName(), null));
        } else if (request instanceof QueryRequest query) {
            uses.add(new Use("dynamodb:Query", query.tableName(), query.indexName()));
        } else if (request instanceof ScanRequest scan) {
            uses.add(new Use("dynamodb:Scan", scan.tableName(), scan.indexName()));
        } else if (request instanceof BatchGetItemRequest batch) {
            batch.requestItems().keySet().forEach(table -> uses.add(new Use("dynamodb:BatchGetItem", table, null)));
        } else if (request instanceof BatchWriteItemRequest batch) {
            batch.requestItems().keySet().forEach(table -> uses.add(new Use("dynamodb:BatchWriteItem", table, null)));
        } else if (request instanceof TransactWriteItemsRequest transaction) {
            for (TransactWriteItem item : transaction.transactItems()) {
                if (item.conditionCheck() != null) {
                    uses.add(new Use("dynamodb:ConditionCheckItem", item.conditionCheck().tableName(), null));
                }
                if (item.put() != null) {
                    uses.add(new Use("dynamodb:PutItem", item.put().tableName(), null));
                }
                if (item.update() != null) {
                    uses.add(new Use("dynamodb:UpdateItem", item.update().tableName(), null));
                }
                if (item.delete() != null) {
                    uses.add(new Use("dynamodb:DeleteItem", item.delete().tableName(), null));
                }
            }
        } else if (request instanceof TransactGetItemsRequest transaction) {
            transaction.transactItems().forEach(item -> uses.add(new Use("dynamodb:GetItem", item.get().tableName(),
                    null)));
        } else {
            // An operation this mapping does not know: named as the operation, on no table, so no policy can be
            // taken to grant it until someone writes down here how IAM authorises it.
            uses.add(new Use("dynamodb:" + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)
                    + " (unknown to DynamoDbCallRecorder)", "?", null));
        }
        return uses;
    }
}
