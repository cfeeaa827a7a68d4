package dev.gatekeeper.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;

/**
 * A route's integration that the runner provides itself rather than a function of the template: the API reference
 * pages, the sample protected API. It takes the same proxy event a function would and answers a proxy response, so
 * the gateway treats both alike (routing, stage prefix, logging).
 */
@FunctionalInterface
public interface LocalIntegration {
    APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent request);
}
