package dev.gatekeeper.checks;

import java.util.Locale;

/** An HTTP method and a path template, as API Gateway routes them: {@code POST /tokens/{tokenId}/revoke}. */
record ApiRoute(String method, String path) {
    ApiRoute {
        method = method.toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
