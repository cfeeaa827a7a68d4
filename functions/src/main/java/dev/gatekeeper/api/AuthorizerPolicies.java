package dev.gatekeeper.api;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import dev.gatekeeper.core.auth.AccessDecision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an {@link AccessDecision} into the IAM policy a REST API Lambda authorizer returns
 * ({@link IamPolicyResponseV1}: the REST API shape; {@code IamPolicyResponse} is HTTP API's).
 */
public final class AuthorizerPolicies {
    /** {@code arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<method>/<path...>}. */
    private static final Pattern METHOD_ARN = Pattern.compile(
            "(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\\d{12}:[A-Za-z0-9]+)/([^/]+)/[^/]+(/.*)?");

    private AuthorizerPolicies() {
    }

    /**
     * The whole stage of the API the request was for: {@code .../<apiId>/<stage>/*}{@code /*}. With authorizer
     * caching on, API Gateway reuses one decision for every route, so a policy naming only the first route would
     * refuse the others; the decision is about the credentials, not the route.
     *
     * @throws IllegalArgumentException for anything that is not an execute-api method ARN (a misconfiguration)
     */
    public static String stageWildcard(String methodArn) {
        Matcher matcher = methodArn == null ? null : METHOD_ARN.matcher(methodArn);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("not an execute-api method ARN");
        }
        return matcher.group(1) + "/" + matcher.group(2) + "/*/*";
    }

    /**
     * Allow with the context the protected API's integration reads as {@code $context.authorizer.<key>} (values
     * must be strings, numbers or booleans); Deny with none.
     */
    public static IamPolicyResponseV1 policy(AccessDecision decision, String resource) {
        if (decision instanceof AccessDecision.Allow allow) {
            return response(allow.organisation().value(), IamPolicyResponseV1.allowStatement(resource), context(allow));
        }
        return response(decision.organisation().value(), IamPolicyResponseV1.denyStatement(resource), null);
    }

    private static Map<String, Object> context(AccessDecision.Allow allow) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("organisationId", allow.organisation().value());
        context.put("requestingOrganisationId", allow.requestingOrganisation().value());
        context.put("scopes", String.join(" ", allow.scopes()));
        context.put("accessType", allow.accessType().name());
        allow.tokenId().ifPresent(id -> context.put("tokenId", id.value()));
        context.put("credential", allow.usedApiKey() ? "apiKey" : "bearer");
        return context;
    }

    private static IamPolicyResponseV1 response(String principalId, IamPolicyResponseV1.Statement statement,
                                                Map<String, Object> context) {
        // An empty Condition rather than the library's default null: API Gateway refuses a statement whose
        // Condition is null ("Unable to parse given policy"), and the runtime's serializer writes null map values.
        statement.setCondition(Map.of());
        return IamPolicyResponseV1.builder()
                .withPrincipalId(principalId)
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(List.of(statement))
                        .build())
                .withContext(context)
                .build();
    }
}
