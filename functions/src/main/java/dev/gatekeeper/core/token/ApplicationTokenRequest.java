package dev.gatekeeper.core.token;

import java.util.List;

/**
 * A request for an application token. {@code expiresIn} is our extension of the Gatekeeper body (same rules as
 * for access tokens); Gatekeeper clients that omit it get the default lifetime.
 */
public record ApplicationTokenRequest(List<String> products, String resourceId, Integer expiresIn) {
}
