package dev.gatekeeper.core.organisation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An organisation that may hold API keys and tokens.
 *
 * @param allowedScopes scopes its tokens may carry
 * @param products      products its application tokens may be issued for
 * @param allowedIps    source addresses or CIDR blocks accepted when {@code ipFiltering} is on
 */
public record Organisation(
        OrganisationId id,
        String name,
        AccessType accessType,
        OrganisationId parentId,
        Set<String> allowedScopes,
        Set<String> products,
        boolean ipFiltering,
        List<String> allowedIps,
        boolean mtlsFilter) {

    public Organisation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accessType, "accessType");
        name = name == null ? "" : name;
        allowedScopes = Set.copyOf(allowedScopes);
        products = Set.copyOf(products);
        allowedIps = List.copyOf(allowedIps);
    }

    public Optional<OrganisationId> parent() {
        return Optional.ofNullable(parentId);
    }
}
