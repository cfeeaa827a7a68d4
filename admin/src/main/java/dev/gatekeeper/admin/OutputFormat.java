package dev.gatekeeper.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatekeeper.core.apikey.ApiKeyRecord;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKey;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.VerificationKey;
import dev.gatekeeper.core.keys.VerificationKeySet;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.KeyLineage;
import dev.gatekeeper.core.token.TokenRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the commands print: tables for people, JSON for scripts. Organisations print with the field names of the
 * stored profile (and of the local runner's seed file). API keys print by key id only: never a hash.
 */
final class OutputFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OutputFormat() {
    }

    static String organisationJson(Organisation organisation) {
        return json(organisationNode(organisation));
    }

    static String organisationsJson(List<Organisation> organisations) {
        return json(array(organisations, OutputFormat::organisationNode));
    }

    static String organisationTable(List<Organisation> organisations) {
        TextTable table = new TextTable("ID", "TYPE", "PARENT", "NAME", "SCOPES", "PRODUCTS");
        for (Organisation organisation : organisations) {
            table.row(organisation.id().value(), organisation.accessType().name(),
                    organisation.parent().map(OrganisationId::value).orElse(""), organisation.name(),
                    String.join(",", sorted(organisation.allowedScopes())),
                    String.join(",", sorted(organisation.products())));
        }
        return table.render();
    }

    static String apiKeysJson(List<ApiKeyRecord> keys) {
        return json(array(keys, key -> JSON.createObjectNode()
                .put("keyId", key.keyId())
                .put("organisationId", key.organisationId().value())
                .put("label", key.label())
                .put("active", key.active())
                .put("createdAt", key.createdAt().toString())));
    }

    static String apiKeyTable(List<ApiKeyRecord> keys) {
        TextTable table = new TextTable("KEY ID", "ACTIVE", "CREATED", "LABEL");
        for (ApiKeyRecord key : keys) {
            table.row(key.keyId(), yesNo(key.active()), key.createdAt().toString(), key.label());
        }
        return table.render();
    }

    /** Status is Gatekeeper's (ACTIVE or REVOKED); whether a token has expired at {@code now} is its own column. */
    static String tokensJson(List<TokenRecord> tokens, Instant now) {
        return json(array(tokens, token -> {
            ObjectNode node = JSON.createObjectNode()
                    .put("tokenId", token.id().value())
                    .put("status", token.status().name())
                    .put("expired", token.isExpiredAt(now))
                    .put("createdAt", token.createdAt().toString())
                    .put("expiresAt", token.expiresAt().toString())
                    .put("revokedAt", token.revokedAt() == null ? null : token.revokedAt().toString())
                    .put("requestedOrganisation", token.requestedOrganisation().value())
                    .put("requestingOrganisation", token.requestingOrganisation().value())
                    .put("applicationToken", token.applicationToken())
                    .put("apiKeyId", token.lineage() == null ? null : token.lineage().keyId())
                    .put("apiKeyOrganisation", token.lineage() == null ? null : token.lineage().owner().value());
            node.set("scopes", strings(token.scopes()));
            return node;
        }));
    }

    static String tokenTable(List<TokenRecord> tokens, Instant now) {
        TextTable table = new TextTable("TOKEN ID", "STATUS", "EXPIRED", "CREATED", "EXPIRES", "REQUESTED BY",
                "API KEY", "SCOPES");
        for (TokenRecord token : tokens) {
            table.row(token.id().value(), token.status().name(), yesNo(token.isExpiredAt(now)),
                    token.createdAt().toString(), token.expiresAt().toString(),
                    token.requestingOrganisation().value(), apiKeyCell(token), String.join(" ", token.scopes()));
        }
        return table.render();
    }

    /**
     * The key id as {@code key list} shows it; a key of another organisation (a partner's, for a token it obtained
     * for its merchant) is prefixed with its owner, since {@code key list} and {@code key revoke} need both. Empty
     * for a token stored before lineage was kept.
     */
    private static String apiKeyCell(TokenRecord token) {
        KeyLineage lineage = token.lineage();
        if (lineage == null) {
            return "";
        }
        return lineage.owner().equals(token.requestedOrganisation()) ? lineage.keyId()
                : lineage.owner().value() + "/" + lineage.keyId();
    }

    static String auditJson(List<AuditEvent> events) {
        return json(array(events, event -> {
            ObjectNode node = JSON.createObjectNode()
                    .put("id", event.id().toString())
                    .put("time", event.time().toString())
                    .put("organisation", event.organisation())
                    .put("actingOrganisation", orNull(event.actingOrganisation()))
                    .put("action", event.action().name())
                    .put("tokenId", event.tokenId());
            if (event.count() == null) {
                node.putNull("count");
            } else {
                node.put("count", event.count().longValue());
            }
            return node.put("sourceIp", event.sourceIp())
                    .put("requestId", event.requestId())
                    .put("outcome", event.outcome())
                    .put("reason", event.reason());
        }));
    }

    /** The reason last: for an organisation's creation or update it is a line of its own length. */
    static String auditTable(List<AuditEvent> events) {
        TextTable table = new TextTable("TIME", "ACTION", "OUTCOME", "ACTING", "TOKEN ID", "COUNT", "SOURCE IP",
                "REQUEST ID", "REASON");
        for (AuditEvent event : events) {
            table.row(event.time().toString(), event.action().name(), event.outcome(),
                    blank(orNull(event.actingOrganisation())), blank(event.tokenId()),
                    event.count() == null ? "" : event.count().toString(), blank(event.sourceIp()),
                    blank(event.requestId()), blank(event.reason()));
        }
        return table.render();
    }

    private static String orNull(OrganisationId id) {
        return id == null ? null : id.value();
    }

    private static String blank(String value) {
        return value == null ? "" : value;
    }

    private static ObjectNode organisationNode(Organisation organisation) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", organisation.id().value())
                .put("name", organisation.name())
                .put("accessType", organisation.accessType().name())
                .put("parentId", organisation.parent().map(OrganisationId::value).orElse(null));
        node.set("allowedScopes", strings(sorted(organisation.allowedScopes())));
        node.set("products", strings(sorted(organisation.products())));
        node.put("ipFiltering", organisation.ipFiltering());
        node.set("allowedIps", strings(organisation.allowedIps()));
        node.put("mtlsFilter", organisation.mtlsFilter());
        return node;
    }

    /**
     * The keys of both sets, as the private set orders them (current first), then any the public set alone holds.
     * Status is the private set's; a key only the public set holds is "public only" (a removal that reached one set only).
     */
    static String signingKeysJson(SigningKeySet signing, VerificationKeySet published) {
        return json(array(signingKeyRows(signing, published), row -> {
            ObjectNode node = JSON.createObjectNode()
                    .put("kid", row.kid())
                    .put("algorithm", row.algorithm().name())
                    .put("status", row.status());
            row.signedUntil().ifPresent(until -> node.put("signedUntil", until.toString()));
            return node.put("inPrivateSet", row.inPrivateSet()).put("inPublicSet", row.inPublicSet());
        }));
    }

    static String signingKeyTable(SigningKeySet signing, VerificationKeySet published) {
        TextTable table = new TextTable("KID", "ALG", "STATUS", "SIGNED UNTIL", "PRIVATE SET", "PUBLIC SET");
        for (SigningKeyRow row : signingKeyRows(signing, published)) {
            table.row(row.kid(), row.algorithm().name(), row.status(),
                    row.signedUntil().map(Instant::toString).orElse(""), yesNo(row.inPrivateSet()),
                    yesNo(row.inPublicSet()));
        }
        return table.render();
    }

    private record SigningKeyRow(String kid, SigningAlgorithm algorithm, String status, Optional<Instant> signedUntil,
                                 boolean inPrivateSet, boolean inPublicSet) {
    }

    private static List<SigningKeyRow> signingKeyRows(SigningKeySet signing, VerificationKeySet published) {
        List<SigningKeyRow> rows = new ArrayList<>();
        for (SigningKey key : signing.all()) {
            boolean current = key.kid().equals(signing.current().kid());
            rows.add(new SigningKeyRow(key.kid(), key.algorithm(), current ? "current" : "previous",
                    signing.signedUntil(key.kid()), true, published.find(key.kid()).isPresent()));
        }
        for (VerificationKey key : published.all()) {
            if (signing.find(key.kid()).isEmpty()) {
                rows.add(new SigningKeyRow(key.kid(), key.algorithm(), "public only", Optional.empty(), false, true));
            }
        }
        return rows;
    }

    private static <T> ArrayNode array(List<T> items, Function<T, ObjectNode> toNode) {
        ArrayNode array = JSON.createArrayNode();
        items.forEach(item -> array.add(toNode.apply(item)));
        return array;
    }

    private static ArrayNode strings(Collection<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static List<String> sorted(Collection<String> values) {
        return values.stream().sorted().toList();
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private static String json(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings, numbers and booleans always serialises", e);
        }
    }
}
