package dev.gatekeeper.local.seed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.IpAllowList;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The seed file format (see {@code events/seed.json}):
 * <pre>
 * {"organisations": [{"id": "merchant01", "name": "Demo Merchant", "accessType": "CR", "parentId": "partner001",
 *                     "allowedScopes": ["admin"], "products": ["open_banking_pis"], "ipFiltering": false,
 *                     "allowedIps": [], "mtlsFilter": false, "apiKeys": ["gk_..."]}]}
 * </pre>
 * Only {@code id} and {@code accessType} are required. The whole file is checked before anything is loaded, and
 * every problem is reported at once: unknown fields, wrong types, malformed ids and addresses, duplicates, parents
 * that are not in the file (the loader also accepts parents already stored).
 */
public final class SeedFile {
    static final Set<String> FIELDS = new LinkedHashSet<>(List.of("id", "name", "accessType", "parentId",
            "allowedScopes", "products", "ipFiltering", "allowedIps", "mtlsFilter", "apiKeys"));
    /** Keys are 256-bit random strings ({@code ApiKeyGenerator}); anything this short is a typo, not a key. */
    static final int MIN_API_KEY_LENGTH = 16;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private SeedFile() {
    }

    public static Seed read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new SeedFileException(file.toString(), List.of("no such file"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    public static Seed parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SeedFileException(source, List.of("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new SeedFileException(source, List.of("the top level must be an object {\"organisations\": [...]}"));
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("organisations")) {
                problems.add("unknown field \"" + name + "\" at the top level; expected only \"organisations\"");
            }
        });
        JsonNode list = root.get("organisations");
        if (list == null || !list.isArray()) {
            problems.add("\"organisations\" must be a list");
            throw new SeedFileException(source, problems);
        }
        List<Seed.Entry> entries = new ArrayList<>();
        Map<String, String> keyOwners = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Seed.Entry entry = organisation(list.get(i), "organisations[" + i + "]", problems);
            if (entry == null) {
                continue;
            }
            for (String key : entry.apiKeys()) {
                String owner = keyOwners.putIfAbsent(key, entry.organisation().id().value());
                if (owner != null) {
                    problems.add("organisations[" + i + "] (" + entry.organisation().id()
                            + "): an API key is listed twice (also for " + owner + ")");
                }
            }
            entries.add(entry);
        }
        List<Seed.Entry> ordered = parentsFirst(entries, problems);
        if (!problems.isEmpty()) {
            throw new SeedFileException(source, problems);
        }
        return new Seed(ordered);
    }

    /** The seed in its file format, keys in plain text: what {@code demo-credentials.json} holds. */
    public static String format(Seed seed) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode organisations = root.putArray("organisations");
        for (Seed.Entry entry : seed.organisations()) {
            Organisation organisation = entry.organisation();
            ObjectNode node = organisations.addObject();
            node.put("id", organisation.id().value());
            node.put("name", organisation.name());
            node.put("accessType", organisation.accessType().name());
            if (organisation.parentId() != null) {
                node.put("parentId", organisation.parentId().value());
            }
            new TreeSet<>(organisation.allowedScopes()).forEach(node.putArray("allowedScopes")::add);
            new TreeSet<>(organisation.products()).forEach(node.putArray("products")::add);
            node.put("ipFiltering", organisation.ipFiltering());
            organisation.allowedIps().forEach(node.putArray("allowedIps")::add);
            node.put("mtlsFilter", organisation.mtlsFilter());
            entry.apiKeys().forEach(node.putArray("apiKeys")::add);
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    private static Seed.Entry organisation(JsonNode node, String at, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add(at + ": must be an object");
            return null;
        }
        int before = problems.size();
        String id = text(node, "id", at, true, problems);
        String where = id == null ? at : at + " (" + id + ")";
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add(where + ": unknown field \"" + name + "\"; expected " + String.join(", ", FIELDS));
            }
        }
        if (id != null && OrganisationId.parse(id).isEmpty()) {
            problems.add(where + ".id: \"" + id + "\" is not an organisation id (ten lower-case letters and digits)");
        }
        String name = text(node, "name", where, false, problems);
        String accessType = text(node, "accessType", where, true, problems);
        AccessType type = null;
        if (accessType != null) {
            try {
                type = AccessType.valueOf(accessType);
            } catch (IllegalArgumentException e) {
                problems.add(where + ".accessType: \"" + accessType + "\" is not one of CR (merchant), BN (partner), "
                        + "BG (partner group)");
            }
        }
        String parentId = text(node, "parentId", where, false, problems);
        if (parentId != null && OrganisationId.parse(parentId).isEmpty()) {
            problems.add(where + ".parentId: \"" + parentId + "\" is not an organisation id");
        } else if (parentId != null && parentId.equals(id)) {
            problems.add(where + ".parentId: an organisation cannot be its own parent");
        }
        List<String> scopes = words(node, "allowedScopes", where, problems);
        List<String> products = words(node, "products", where, problems);
        boolean ipFiltering = flag(node, "ipFiltering", where, problems);
        List<String> allowedIps = words(node, "allowedIps", where, problems);
        for (String entry : allowedIps) {
            if (!validAddress(entry)) {
                problems.add(where + ".allowedIps: \"" + entry + "\" is not an IP address or CIDR block");
            }
        }
        if (ipFiltering && allowedIps.isEmpty()) {
            problems.add(where + ": ipFiltering is true but allowedIps is empty, so every request would be refused");
        }
        boolean mtlsFilter = flag(node, "mtlsFilter", where, problems);
        List<String> apiKeys = words(node, "apiKeys", where, problems);
        for (String key : apiKeys) {
            if (key.length() < MIN_API_KEY_LENGTH || key.indexOf(':') >= 0) {
                problems.add(where + ".apiKeys: a key must have at least " + MIN_API_KEY_LENGTH
                        + " characters and no ':' (it is sent as the Basic user name)");
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Seed.Entry(new Organisation(new OrganisationId(id), name, type,
                parentId == null ? null : new OrganisationId(parentId), new LinkedHashSet<>(scopes),
                new LinkedHashSet<>(products), ipFiltering, allowedIps, mtlsFilter), apiKeys);
    }

    /** An entry is valid when it admits its own network address: the allow-list parses it, or it matches nothing. */
    private static boolean validAddress(String entry) {
        int slash = entry.indexOf('/');
        return IpAllowList.permits(List.of(entry), slash < 0 ? entry : entry.substring(0, slash));
    }

    /** Orders the entries so a parent in the file is stored before its children; reports duplicates and cycles. */
    private static List<Seed.Entry> parentsFirst(List<Seed.Entry> entries, List<String> problems) {
        Map<String, Seed.Entry> byId = new LinkedHashMap<>();
        for (Seed.Entry entry : entries) {
            if (byId.putIfAbsent(entry.organisation().id().value(), entry) != null) {
                problems.add("organisation " + entry.organisation().id() + " is listed twice");
            }
        }
        List<Seed.Entry> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        for (Seed.Entry entry : byId.values()) {
            place(entry, byId, placed, new LinkedHashSet<>(), ordered, problems);
        }
        return ordered;
    }

    private static void place(Seed.Entry entry, Map<String, Seed.Entry> byId, Set<String> placed, Set<String> path,
                              List<Seed.Entry> ordered, List<String> problems) {
        String id = entry.organisation().id().value();
        if (placed.contains(id)) {
            return;
        }
        if (!path.add(id)) {
            problems.add("organisations " + String.join(" -> ", path) + " -> " + id + " are each other's parents");
            placed.add(id);
            return;
        }
        OrganisationId parent = entry.organisation().parentId();
        if (parent != null && byId.containsKey(parent.value())) {
            place(byId.get(parent.value()), byId, placed, path, ordered, problems);
        }
        if (placed.add(id)) {
            ordered.add(entry);
        }
    }

    private static String text(JsonNode node, String field, String where, boolean required, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(where + ": \"" + field + "\" is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            problems.add(where + "." + field + ": must be a string");
            return null;
        }
        return value.asText();
    }

    private static boolean flag(JsonNode node, String field, String where, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            problems.add(where + "." + field + ": must be true or false");
            return false;
        }
        return value.booleanValue();
    }

    /** A list of non-empty strings without spaces or control characters. */
    private static List<String> words(JsonNode node, String field, String where, List<String> problems) {
        JsonNode value = node.get(field);
        List<String> words = new ArrayList<>();
        if (value == null || value.isNull()) {
            return words;
        }
        if (!value.isArray()) {
            problems.add(where + "." + field + ": must be a list of strings");
            return words;
        }
        for (JsonNode item : value) {
            if (!item.isTextual() || item.asText().isEmpty() || hasSpaceOrControl(item.asText())) {
                problems.add(where + "." + field + ": every entry must be a non-empty string without spaces");
                continue;
            }
            words.add(item.asText());
        }
        return words;
    }

    private static boolean hasSpaceOrControl(String text) {
        return text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f);
    }
}
