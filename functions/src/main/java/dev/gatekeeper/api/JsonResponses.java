package dev.gatekeeper.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.ErrorDetail;
import dev.gatekeeper.core.token.AccessTokenClaims;
import dev.gatekeeper.core.token.IntrospectedToken;
import dev.gatekeeper.core.token.TokenRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Writes the response bodies: Gatekeeper's {@code TokenResponse}, {@code TokensRevokeAllResponseEnvelope} and
 * {@code ErrorResponse}, and the RFC 7662 introspection response.
 */
public final class JsonResponses {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonResponses() {
    }

    /** A link in a response's {@code links}: {@code {id, resourceType, uri}}. */
    public record Link(String id, String resourceType, String uri) {
    }

    /**
     * The {@code TokenResponse} envelope. {@code accessToken} is null in revocation responses: the token itself is
     * never stored, so it cannot be shown again.
     */
    public static String token(String uri, TokenRecord token, String accessToken, List<Link> links) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("uri", uri);
            json.writeObjectFieldStart("data");
            json.writeStringField("id", token.id().value());
            json.writeStringField("uri", uri);
            if (accessToken != null) {
                json.writeStringField("accessToken", accessToken);
            }
            json.writeStringField("tokenType", "BEARER");
            json.writeStringField("accessType", token.accessType().name());
            json.writeStringField("requestingAccessType", token.requestingAccessType().name());
            if (token.parentId() != null) {
                json.writeStringField("parentId", token.parentId().value());
            }
            json.writeNumberField("expiryTime", token.expiresAt().toEpochMilli());
            json.writeArrayFieldStart("scopes");
            for (String scope : token.scopes()) {
                json.writeString(scope);
            }
            json.writeEndArray();
            json.writeBooleanField("ipFiltering", token.ipFiltering());
            json.writeBooleanField("mtlsFilter", token.mtlsFilter());
            json.writeStringField("requestedOrganisation", token.requestedOrganisation().value());
            json.writeStringField("requestingOrganisation", token.requestingOrganisation().value());
            json.writeStringField("status", token.status().name());
            json.writeNumberField("createdTimestamp", token.createdAt().toEpochMilli());
            if (token.revokedAt() != null) {
                json.writeNumberField("revokedTimestamp", token.revokedAt().toEpochMilli());
            }
            if (token.applicationToken()) {
                json.writeStringField("resourceId", token.resourceId());
                json.writeBooleanField("applicationToken", true);
            }
            writeLinks(json, links);
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    public static String revokeAll(String uri, long revokedTokensCount) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("uri", uri);
            json.writeObjectFieldStart("data");
            json.writeStringField("uri", uri);
            json.writeNumberField("revokedTokensCount", revokedTokensCount);
            writeLinks(json, List.of());
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /**
     * An RFC 7662 introspection response: {@code {"active": false}} and nothing else for a token that is not
     * active (the RFC forbids saying more), the standard members and our organisation claims for one that is.
     * Times are in seconds since the epoch and {@code scope} is space-separated, as the RFC defines them; the other
     * members carry the names the JWT carries.
     */
    public static String introspection(Optional<IntrospectedToken> introspected) {
        return write(json -> {
            json.writeStartObject();
            json.writeBooleanField("active", introspected.isPresent());
            if (introspected.isPresent()) {
                AccessTokenClaims claims = introspected.get().claims();
                TokenRecord token = introspected.get().record();
                json.writeStringField("scope", String.join(" ", token.scopes()));
                json.writeStringField("client_id", token.requestingOrganisation().value());
                json.writeStringField("token_type", "Bearer");
                json.writeNumberField("exp", claims.expiresAt().getEpochSecond());
                json.writeNumberField("iat", claims.issuedAt().getEpochSecond());
                json.writeStringField("sub", claims.organisation().value());
                if (claims.audience().size() == 1) {
                    json.writeStringField("aud", claims.audience().get(0)); // as a one-audience JWT carries it
                } else {
                    json.writeArrayFieldStart("aud");
                    for (String audience : claims.audience()) {
                        json.writeString(audience);
                    }
                    json.writeEndArray();
                }
                json.writeStringField("iss", claims.issuer());
                json.writeStringField("jti", token.id().value());
                json.writeStringField("org_id", token.requestedOrganisation().value());
                json.writeStringField("originator_org_id", token.requestingOrganisation().value());
                json.writeStringField("access_type", token.accessType().name());
                json.writeStringField("requesting_access_type", token.requestingAccessType().name());
                json.writeBooleanField("ip_filtering", token.ipFiltering());
                json.writeBooleanField("mtls_filter", token.mtlsFilter());
                if (token.applicationToken()) {
                    json.writeBooleanField("application_token", true);
                    json.writeStringField("resource_id", token.resourceId());
                }
            }
            json.writeEndObject();
        });
    }

    /** {@code details} appears only when there are field problems, as in Gatekeeper. */
    public static String error(ErrorCode code, String description, List<ErrorDetail> details) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("returnCode", code.name());
            json.writeStringField("returnDescription", description);
            if (!details.isEmpty()) {
                json.writeArrayFieldStart("details");
                for (ErrorDetail detail : details) {
                    json.writeStartObject();
                    json.writeStringField("code", detail.code());
                    json.writeStringField("description", detail.description());
                    if (detail.field() != null) {
                        json.writeStringField("field", detail.field());
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        });
    }

    private static void writeLinks(JsonGenerator json, List<Link> links) throws IOException {
        json.writeArrayFieldStart("links");
        for (Link link : links) {
            json.writeStartObject();
            json.writeStringField("id", link.id());
            json.writeStringField("resourceType", link.resourceType());
            json.writeStringField("uri", link.uri());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
