package dev.gatekeeper.local.seed;

import dev.gatekeeper.core.apikey.ApiKeyGenerator;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.List;
import java.util.Set;

/**
 * What an empty data directory starts with: the hierarchy of {@code events/seed.json} (a partner group, a partner
 * below it and two merchants below the partner, the second accepting requests from 127.0.0.1 only), with new
 * random API keys instead of the fixed demo keys, so a runner's keys are never ones published in the repository.
 */
public final class DemoOrganisations {
    private static final Set<String> MERCHANT_SCOPES = Set.of("admin", "openbanking_pisp", "openbanking_aisp", "application_tokens");
    private static final Set<String> MERCHANT_PRODUCTS = Set.of("open_banking_pis", "open_banking_ais", "direct_debits");
    private static final Set<String> PARTNER_SCOPES = Set.of("bankadmin", "openbanking_pisp", "openbanking_aisp", "application_tokens");
    private static final Set<String> PARTNER_PRODUCTS = Set.of("open_banking_pis", "open_banking_ais");

    private DemoOrganisations() {
    }

    public static Seed withNewKeys(ApiKeyGenerator keys) {
        return new Seed(List.of(
                entry(new Organisation(id("pgroup0001"), "Demo Partner Group", AccessType.BG, null,
                        Set.of("bankadmin", "application_tokens"), Set.of(), false, List.of(), false), keys),
                entry(new Organisation(id("partner001"), "Demo Partner", AccessType.BN, id("pgroup0001"),
                        PARTNER_SCOPES, PARTNER_PRODUCTS, false, List.of(), false), keys),
                entry(new Organisation(id("merchant01"), "Demo Merchant", AccessType.CR, id("partner001"),
                        MERCHANT_SCOPES, MERCHANT_PRODUCTS, false, List.of(), false), keys),
                entry(new Organisation(id("merchant02"), "Filtered Merchant", AccessType.CR, id("partner001"),
                        MERCHANT_SCOPES, MERCHANT_PRODUCTS, true, List.of("127.0.0.1"), false), keys)));
    }

    private static Seed.Entry entry(Organisation organisation, ApiKeyGenerator keys) {
        return new Seed.Entry(organisation, List.of(keys.newKey()));
    }

    private static OrganisationId id(String value) {
        return new OrganisationId(value);
    }
}
