package dev.gatekeeper.local.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.local.Repository;
import dev.gatekeeper.testing.GatekeeperFixture;
import org.junit.jupiter.api.Test;

/** The seed file format: events/seed.json as the reference, and every way a file can be wrong, at once. */
class SeedFileTest {
    @Test
    void theRepositorysSeedHoldsTheOrganisationsAndKeysTheSampleEventsUse() {
        Seed seed = SeedFile.read(Repository.seed());

        assertThat(seed.organisations()).extracting(entry -> entry.organisation().id().value())
                .containsExactly("pgroup0001", "partner001", "merchant01", "merchant02");
        assertThat(seed.organisations()).extracting(entry -> entry.apiKeys().get(0)).containsExactly(
                GatekeeperFixture.GROUP_KEY, GatekeeperFixture.PARTNER_KEY, GatekeeperFixture.MERCHANT_KEY,
                GatekeeperFixture.FILTERED_MERCHANT_KEY);
        Organisation filtered = seed.organisations().get(3).organisation();
        assertThat(filtered.accessType()).isEqualTo(AccessType.CR);
        assertThat(filtered.parentId().value()).isEqualTo("partner001");
        assertThat(filtered.ipFiltering()).isTrue();
        assertThat(filtered.allowedIps()).containsExactly("127.0.0.1");
        assertThat(filtered.products()).contains("open_banking_pis");
    }

    @Test
    void onlyIdAndAccessTypeAreRequired() {
        Seed seed = SeedFile.parse("{\"organisations\": [{\"id\": \"partner009\", \"accessType\": \"BN\"}]}", "inline");

        Organisation organisation = seed.organisations().get(0).organisation();
        assertThat(organisation.name()).isEmpty();
        assertThat(organisation.parentId()).isNull();
        assertThat(organisation.allowedScopes()).isEmpty();
        assertThat(organisation.ipFiltering()).isFalse();
        assertThat(seed.organisations().get(0).apiKeys()).isEmpty();
    }

    @Test
    void parentsAreLoadedBeforeTheirChildrenWhateverTheOrderInTheFile() {
        Seed seed = SeedFile.parse("""
                {"organisations": [
                  {"id": "merchant09", "accessType": "CR", "parentId": "partner009"},
                  {"id": "partner009", "accessType": "BN", "parentId": "pgroup0009"},
                  {"id": "pgroup0009", "accessType": "BG"}
                ]}""", "inline");

        assertThat(seed.organisations()).extracting(entry -> entry.organisation().id().value())
                .containsExactly("pgroup0009", "partner009", "merchant09");
    }

    @Test
    void everyProblemOfTheFileIsReportedAtOnce() {
        assertThatThrownBy(() -> SeedFile.parse("""
                {"organisations": [
                  {"id": "Merchant-1", "accessType": "CR"},
                  {"id": "merchant02", "accessType": "XX", "scope": ["admin"]},
                  {"id": "merchant03", "accessType": "CR", "ipFiltering": "yes"},
                  {"id": "merchant04", "accessType": "CR", "ipFiltering": true},
                  {"id": "merchant05", "accessType": "CR", "ipFiltering": true, "allowedIps": ["10.0.0.0/33", "host.example"]},
                  {"id": "merchant06", "accessType": "CR", "apiKeys": ["short"]},
                  {"accessType": "CR"}
                ]}""", "seed.json"))
                .isInstanceOf(SeedFileException.class)
                .hasMessageStartingWith("seed.json cannot be loaded:")
                .hasMessageContaining("organisations[0] (Merchant-1).id: \"Merchant-1\" is not an organisation id")
                .hasMessageContaining("organisations[1] (merchant02): unknown field \"scope\"")
                .hasMessageContaining("organisations[1] (merchant02).accessType: \"XX\" is not one of CR")
                .hasMessageContaining("organisations[2] (merchant03).ipFiltering: must be true or false")
                .hasMessageContaining("organisations[3] (merchant04): ipFiltering is true but allowedIps is empty")
                .hasMessageContaining("\"10.0.0.0/33\" is not an IP address or CIDR block")
                .hasMessageContaining("\"host.example\" is not an IP address or CIDR block")
                .hasMessageContaining("organisations[5] (merchant06).apiKeys: a key must have at least 16 characters")
                .hasMessageContaining("organisations[6]: \"id\" is required");
    }

    @Test
    void duplicatesAndCyclesAreRefused() {
        assertThatThrownBy(() -> SeedFile.parse("""
                {"organisations": [
                  {"id": "partner00a", "accessType": "BN", "parentId": "partner00b", "apiKeys": ["gk_the_same_key_0000000000"]},
                  {"id": "partner00b", "accessType": "BN", "parentId": "partner00a", "apiKeys": ["gk_the_same_key_0000000000"]},
                  {"id": "partner00a", "accessType": "BN"}
                ]}""", "seed.json"))
                .isInstanceOf(SeedFileException.class)
                .hasMessageContaining("an API key is listed twice (also for partner00a)")
                .hasMessageContaining("organisation partner00a is listed twice")
                .hasMessageContaining("are each other's parents");
    }

    @Test
    void whatIsNotASeedAtAllSaysWhatIsExpected() {
        assertThatThrownBy(() -> SeedFile.parse("[]", "x.json")).hasMessageContaining("{\"organisations\": [...]}");
        assertThatThrownBy(() -> SeedFile.parse("{\"orgs\": []}", "x.json"))
                .hasMessageContaining("unknown field \"orgs\"").hasMessageContaining("\"organisations\" must be a list");
        assertThatThrownBy(() -> SeedFile.parse("{\"organisations\": [", "x.json")).hasMessageContaining("not valid JSON");
    }

    @Test
    void aSeedWrittenOutReadsBackTheSame() {
        Seed seed = SeedFile.read(Repository.seed());

        assertThat(SeedFile.parse(SeedFile.format(seed), "written")).isEqualTo(seed);
    }
}
