package dev.gatekeeper.core.organisation;

import dev.gatekeeper.core.audit.AuditEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One attribute of an organisation's profile that an update changes, with its value before and after as text. What
 * the admin CLI prints for an update and what the audit trail keeps of it, so both say the same. No attribute of a
 * profile is secret, so every value is shown.
 */
public record ProfileChange(String attribute, String before, String after) {
    private static final String NONE = "(none)";

    public ProfileChange {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    /** Each attribute whose value differs, in the order of {@link #describe}; empty if the profiles say the same. */
    public static List<ProfileChange> between(Organisation before, Organisation after) {
        Map<String, String> old = attributes(before);
        Map<String, String> changed = attributes(after);
        List<ProfileChange> changes = new ArrayList<>();
        old.forEach((attribute, value) -> {
            if (!value.equals(changed.get(attribute))) {
                changes.add(new ProfileChange(attribute, value, changed.get(attribute)));
            }
        });
        return changes;
    }

    /** Every attribute of a profile and its value: {@code name: "Shop"; accessType: CR; parentId: partner001; ...}. */
    public static String describe(Organisation organisation) {
        return attributes(organisation).entrySet().stream()
                .map(attribute -> attribute.getKey() + ": " + attribute.getValue())
                .collect(Collectors.joining("; "));
    }

    /** The changes on one line: {@code allowedIps: (none) -> 10.0.0.0/8; ipFiltering: false -> true}. */
    public static String describe(List<ProfileChange> changes) {
        return changes.stream().map(ProfileChange::toString).collect(Collectors.joining("; "));
    }

    @Override
    public String toString() {
        return attribute + ": " + before + " -> " + after;
    }

    private static Map<String, String> attributes(Organisation organisation) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("name", AuditEvent.quoted(organisation.name()));
        attributes.put("accessType", organisation.accessType().name());
        attributes.put("parentId", organisation.parent().map(OrganisationId::value).orElse(NONE));
        // Sets, so sorted: an unchanged set never reads as a change.
        attributes.put("allowedScopes", listed(organisation.allowedScopes().stream().sorted().toList()));
        attributes.put("products", listed(organisation.products().stream().sorted().toList()));
        attributes.put("ipFiltering", String.valueOf(organisation.ipFiltering()));
        attributes.put("allowedIps", listed(organisation.allowedIps()));
        attributes.put("mtlsFilter", String.valueOf(organisation.mtlsFilter()));
        return attributes;
    }

    private static String listed(Collection<String> values) {
        return values.isEmpty() ? NONE : String.join(",", values);
    }
}
