package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gatekeeper's hierarchy: a merchant below a partner or partner group (or on its own), a partner below a partner
 * group (or on its own), a partner group at the top. The service walks these parent links to decide which
 * organisations a partner may act for, so a link of any other shape is refused when it is made.
 */
final class ParentRule {
    private ParentRule() {
    }

    /** Refuses a parent of the wrong kind, or any parent for a partner group. */
    static void check(AccessType child, Optional<Organisation> parent) {
        if (parent.isEmpty()) {
            return;
        }
        Organisation actual = parent.get();
        Set<AccessType> allowed = allowedParents(child);
        if (allowed.isEmpty()) {
            throw new AdminFailure("A " + named(child) + " cannot have a parent");
        }
        if (!allowed.contains(actual.accessType())) {
            List<String> parents = allowed.stream().sorted().map(ParentRule::named).toList();
            throw new AdminFailure("A " + named(child) + " can only be placed below a " + String.join(" or ", parents)
                    + ", and " + actual.id() + " is a " + named(actual.accessType()));
        }
    }

    /** How operators call each access type. */
    static String kind(AccessType type) {
        return switch (type) {
            case CR -> "merchant";
            case BN -> "partner";
            case BG -> "partner group";
        };
    }

    /** {@code partner (BN)}. */
    private static String named(AccessType type) {
        return kind(type) + " (" + type + ")";
    }

    private static Set<AccessType> allowedParents(AccessType child) {
        return switch (child) {
            case CR -> Set.of(AccessType.BN, AccessType.BG);
            case BN -> Set.of(AccessType.BG);
            case BG -> Set.of();
        };
    }
}
