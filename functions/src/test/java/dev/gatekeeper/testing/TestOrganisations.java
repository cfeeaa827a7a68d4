package dev.gatekeeper.testing;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.List;
import java.util.Set;

/** Builders for organisations, so a test states only what matters to it. */
public final class TestOrganisations {
    private OrganisationId id;
    private String name;
    private AccessType accessType;
    private OrganisationId parentId;
    private Set<String> scopes = Set.of();
    private Set<String> products = Set.of();
    private boolean ipFiltering;
    private List<String> allowedIps = List.of();
    private boolean mtls;

    private TestOrganisations(String id, AccessType accessType) {
        this.id = new OrganisationId(id);
        this.name = id;
        this.accessType = accessType;
    }

    public static TestOrganisations merchant(String id) {
        return new TestOrganisations(id, AccessType.CR)
                .withScopes("admin", "openbanking_pisp", "openbanking_aisp", "application_tokens")
                .withProducts("open_banking_pis", "open_banking_ais", "direct_debits");
    }

    public static TestOrganisations partner(String id) {
        return new TestOrganisations(id, AccessType.BN)
                .withScopes("bankadmin", "openbanking_pisp", "openbanking_aisp", "application_tokens")
                .withProducts("open_banking_pis", "open_banking_ais");
    }

    public static TestOrganisations partnerGroup(String id) {
        return new TestOrganisations(id, AccessType.BG).withScopes("bankadmin", "application_tokens");
    }

    public TestOrganisations below(String parentId) {
        this.parentId = new OrganisationId(parentId);
        return this;
    }

    public TestOrganisations withScopes(String... scopes) {
        this.scopes = Set.of(scopes);
        return this;
    }

    public TestOrganisations withProducts(String... products) {
        this.products = Set.of(products);
        return this;
    }

    public TestOrganisations withIpAllowList(String... ips) {
        this.ipFiltering = true;
        this.allowedIps = List.of(ips);
        return this;
    }

    public TestOrganisations withMtls() {
        this.mtls = true;
        return this;
    }

    public TestOrganisations named(String name) {
        this.name = name;
        return this;
    }

    public Organisation build() {
        return new Organisation(id, name, accessType, parentId, scopes, products, ipFiltering, allowedIps, mtls);
    }
}
