package dev.gatekeeper.core;

import static dev.gatekeeper.testing.TestOrganisations.merchant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.ProfileChange;
import org.junit.jupiter.api.Test;

class ProfileChangeTest {

    @Test
    void betweenNamesEachChangedAttributeInProfileOrderWithBothValues() {
        Organisation before = merchant("merchant01").named("Shop").withScopes("admin").withProducts().build();
        Organisation after = merchant("merchant01").below("partner001").named("Shop").withScopes("admin", "bankadmin")
                .withProducts().withIpAllowList("10.0.0.0/8").build();

        assertThat(ProfileChange.between(before, after)).containsExactly(
                new ProfileChange("parentId", "(none)", "partner001"),
                new ProfileChange("allowedScopes", "admin", "admin,bankadmin"),
                new ProfileChange("ipFiltering", "false", "true"),
                new ProfileChange("allowedIps", "(none)", "10.0.0.0/8"));
    }

    @Test
    void theSameSetsInAnotherOrderAreNoChangeButAReorderedAllowListIs() {
        Organisation before = merchant("merchant01").withScopes("admin", "bankadmin")
                .withIpAllowList("10.0.0.1", "10.0.0.2").build();
        Organisation after = merchant("merchant01").withScopes("bankadmin", "admin")
                .withIpAllowList("10.0.0.2", "10.0.0.1").build();

        assertThat(ProfileChange.between(before, before)).isEmpty();
        assertThat(ProfileChange.describe(ProfileChange.between(before, after)))
                .isEqualTo("allowedIps: 10.0.0.1,10.0.0.2 -> 10.0.0.2,10.0.0.1");
    }

    @Test
    void aNameIsQuotedSoItCannotPassForAnotherAttributeOrBreakALine() {
        Organisation before = merchant("merchant01").named("Shop").build();
        Organisation after = merchant("merchant01").named("Shop\"; mtlsFilter: true\nx\\").build();

        assertThat(ProfileChange.describe(ProfileChange.between(before, after)))
                .isEqualTo("name: \"Shop\" -> \"Shop\\\"; mtlsFilter: true\\u000ax\\\\\"");
    }

    @Test
    void describeListsEveryAttributeOfAProfile() {
        Organisation organisation = merchant("merchant01").named("Shop").withScopes("admin").withProducts("pis")
                .withMtls().build();

        assertThat(ProfileChange.describe(organisation)).isEqualTo("name: \"Shop\"; accessType: CR; parentId: (none); "
                + "allowedScopes: admin; products: pis; ipFiltering: false; allowedIps: (none); mtlsFilter: true");
    }
}
