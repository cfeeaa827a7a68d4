package dev.gatekeeper.core.token;

/** Claim names of our access tokens; the Gatekeeper ones keep the names of Gatekeeper's own tokens. */
final class JwtClaimNames {
    static final String ORG_ID = "org_id";
    static final String ORIGINATOR_ORG_ID = "originator_org_id";
    static final String CLIENT_ID = "client_id";
    static final String SCOPE = "scope";
    static final String IP_FILTERING = "ip_filtering";
    static final String MTLS_FILTER = "mtls_filter";
    static final String ACCESS_TYPE = "access_type";
    static final String REQUESTING_ACCESS_TYPE = "requesting_access_type";
    static final String APPLICATION_TOKEN = "application_token";
    static final String RESOURCE_ID = "resource_id";

    private JwtClaimNames() {
    }
}
