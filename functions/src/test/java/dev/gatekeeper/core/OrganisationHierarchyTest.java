package dev.gatekeeper.core;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static dev.gatekeeper.testing.TestOrganisations.partner;
import static dev.gatekeeper.testing.TestOrganisations.partnerGroup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationHierarchy;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OrganisationHierarchyTest {
    private final Organisation group = partnerGroup("group00001").build();
    private final Organisation partner = partner("partner001").below("group00001").build();
    private final Organisation otherPartner = partner("partner002").build();
    private final Organisation merchant = merchant("merchant01").below("partner001").build();
    private final Organisation foreignMerchant = merchant("merchant99").below("partner002").build();
    private final Map<OrganisationId, Organisation> all = Stream.of(group, partner, otherPartner, merchant, foreignMerchant)
            .collect(Collectors.toMap(Organisation::id, Function.identity()));
    private final OrganisationHierarchy hierarchy = new OrganisationHierarchy(id -> Optional.ofNullable(all.get(id)));

    @Test
    void aPartnerReachesItsOwnMerchant() {
        assertThat(hierarchy.resolveWithin(partner, "merchant01")).isEqualTo(merchant);
    }

    @Test
    void aPartnerGroupReachesMerchantsOfItsPartners() {
        assertThat(hierarchy.resolveWithin(group, "merchant01")).isEqualTo(merchant);
        assertThat(hierarchy.resolveWithin(group, "partner001")).isEqualTo(partner);
    }

    @Test
    void anOrganisationReachesItself() {
        assertThat(hierarchy.resolveWithin(partner, "partner001")).isEqualTo(partner);
    }

    @Test
    void anotherPartnersMerchantIsNotFoundLikeAnUnknownId() {
        assertNotFound(partner, "merchant99");
        assertNotFound(partner, "unknown001");
    }

    @Test
    void aChildNeverReachesItsParent() {
        assertNotFound(merchant, "partner001");
        assertNotFound(partner, "group00001");
    }

    @Test
    void malformedIdsAreNotFound() {
        assertNotFound(partner, "../merchant01");
        assertNotFound(partner, "MERCHANT01");
        assertNotFound(partner, null);
        assertNotFound(partner, "merchant01\u0000");
    }

    @Test
    void aCycleInTheDataEndsTheWalk() {
        Organisation a = partner("cyclea0001").below("cycleb0001").build();
        Organisation b = partner("cycleb0001").below("cyclea0001").build();
        Map<OrganisationId, Organisation> cyclic = Map.of(a.id(), a, b.id(), b);
        OrganisationHierarchy looping = new OrganisationHierarchy(id -> Optional.ofNullable(cyclic.get(id)));
        assertThatThrownBy(() -> looping.resolveWithin(partner, "cyclea0001")).isInstanceOf(GatekeeperException.class);
    }

    private void assertNotFound(Organisation caller, String target) {
        assertThatThrownBy(() -> hierarchy.resolveWithin(caller, target))
                .isInstanceOfSatisfying(GatekeeperException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
