package dev.gatekeeper.local.template;

import java.util.List;

/**
 * The Lambda authorizer an API puts in front of every route ({@code Auth.DefaultAuthorizer}), as SAM configures it.
 * Where the authorizer function lives ({@code FunctionArn}) is not kept: another stack's ARN means nothing locally,
 * and the runner supplies the function itself.
 *
 * @param stage             the API's stage, which its routes carry
 * @param payloadType       {@code REQUEST} or {@code TOKEN}
 * @param identityHeaders   headers a request must carry, else API Gateway answers 401 without calling the authorizer
 * @param reauthorizeEvery  seconds a decision is cached; 0 decides every request afresh
 */
public record ApiAuthorizer(String apiId, String stage, String name, String payloadType, List<String> identityHeaders,
                            int reauthorizeEvery) {
    public static final String REQUEST = "REQUEST";

    public ApiAuthorizer {
        identityHeaders = List.copyOf(identityHeaders);
    }
}
