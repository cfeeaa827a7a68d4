package dev.gatekeeper.local.template;

/**
 * One {@code Api} event of a function: API Gateway sends {@code method} requests for the resource {@code path}
 * (such as {@code /tokens/{tokenId}/revoke}) of the stage {@code stage} to that function.
 *
 * @param method upper case, or {@code ANY} for every method
 */
public record ApiRoute(String functionId, String path, String method, String stage) {
    public static final String ANY = "ANY";

    public boolean accepts(String requestMethod) {
        return method.equals(ANY) || method.equalsIgnoreCase(requestMethod);
    }
}
