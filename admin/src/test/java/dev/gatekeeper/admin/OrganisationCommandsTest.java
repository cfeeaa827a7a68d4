package dev.gatekeeper.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatekeeper.admin.AdminCli.Result;
import dev.gatekeeper.core.audit.AuditAction;
import dev.gatekeeper.core.audit.AuditEvent;
import dev.gatekeeper.core.auth.Authenticator;
import dev.gatekeeper.core.auth.Credentials;
import dev.gatekeeper.core.auth.Permission;
import dev.gatekeeper.core.error.ErrorCode;
import dev.gatekeeper.core.error.GatekeeperException;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OrganisationCommandsTest {
    private static final OrganisationId PARTNER = new OrganisationId("partner001");

    private final AdminCli cli = new AdminCli();

    @Test
    void createsAPartnerGroupAPartnerBelowItAndAMerchantBelowThat() {
        Result group = cli.run("org", "create", "--id", "group00001", "--name", "Bank Group", "--type", "BG",
                "--scope", "bankadmin,application_tokens");
        Result partner = cli.run("org", "create", "--id", "partner001", "--name", "First Bank", "--type", "BN",
                "--parent", "group00001", "--scope", "bankadmin", "--scope", "openbanking_pisp",
                "--product", "open_banking_pis", "--allow-ip", "203.0.113.7", "--allow-ip", "2001:db8::/32", "--mtls");
        Result merchant = cli.run("org", "create", "--id", "merchant01", "--name", "Corner Shop", "--type", "cr",
                "--parent", "partner001", "--scope", "admin");

        assertThat(List.of(group.exitCode(), partner.exitCode(), merchant.exitCode())).containsOnly(0);
        assertThat(group.out()).isEqualTo("Created partner group group00001\n");
        assertThat(partner.out()).isEqualTo("Created partner partner001 below partner group group00001\n");
        assertThat(merchant.out()).isEqualTo("Created merchant merchant01 below partner partner001\n");
        assertThat(cli.organisations().find(new OrganisationId("partner001"))).contains(new Organisation(
                new OrganisationId("partner001"), "First Bank", AccessType.BN, new OrganisationId("group00001"),
                Set.of("bankadmin", "openbanking_pisp"), Set.of("open_banking_pis"), true,
                List.of("203.0.113.7", "2001:db8::/32"), true));
        assertThat(cli.organisations().find(new OrganisationId("merchant01"))).contains(new Organisation(
                new OrganisationId("merchant01"), "Corner Shop", AccessType.CR, new OrganisationId("partner001"),
                Set.of("admin"), Set.of(), false, List.of(), false));
    }

    @Test
    void createsAMerchantDirectlyBelowAPartnerGroup() {
        cli.run("org", "create", "--id", "group00001", "--name", "Bank Group", "--type", "BG");

        Result merchant = cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR",
                "--parent", "group00001");

        assertThat(merchant.exitCode()).isZero();
        assertThat(merchant.out()).isEqualTo("Created merchant merchant01 below partner group group00001\n");
    }

    @Test
    void createWithoutIdGeneratesAValidIdAndPrintsIt() {
        Result created = cli.run("org", "create", "--name", "Standalone Shop", "--type", "CR");

        assertThat(created.exitCode()).isZero();
        assertThat(created.out()).matches("Created merchant [a-z0-9]{10}\n");
        String id = created.out().split(" ")[2].strip();
        assertThat(cli.organisations().find(new OrganisationId(id)))
                .hasValueSatisfying(organisation -> assertThat(organisation.name()).isEqualTo("Standalone Shop"));
    }

    @Test
    void createWithATakenIdIsRefused() {
        cli.run("org", "create", "--id", "merchant01", "--name", "First", "--type", "CR");

        Result again = cli.run("org", "create", "--id", "merchant01", "--name", "Second", "--type", "CR");

        assertThat(again.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(again.err()).isEqualTo("error: Organisation merchant01 already exists\n");
        assertThat(cli.organisations().find(new OrganisationId("merchant01")))
                .hasValueSatisfying(organisation -> assertThat(organisation.name()).isEqualTo("First"));
        assertThat(trail("merchant01")).singleElement().extracting(AuditEvent::reason).asString()
                .startsWith("name: \"First\";");
    }

    @Test
    void createLeavesAnAuditRecordOfTheNewProfileAsTheAdministrators() {
        createPartner();

        assertThat(trail("partner001")).singleElement().satisfies(record -> {
            assertThat(record.action()).isEqualTo(AuditAction.ORGANISATION_CREATED);
            assertThat(record.time()).isEqualTo(AdminCli.NOW);
            assertThat(record.reason()).isEqualTo("name: \"First Bank\"; accessType: BN; parentId: group00001; "
                    + "allowedScopes: bankadmin,openbanking_pisp; products: open_banking_pis; ipFiltering: true; "
                    + "allowedIps: 203.0.113.7; mtlsFilter: false");
            assertThat(record.actingOrganisation()).isNull();
            assertThat(record.requestId()).isEqualTo("admin-cli");
            assertThat(record.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
        });
    }

    @Test
    void createWithAMalformedIdIsBadUsage() {
        Result created = cli.run("org", "create", "--id", "Merchant-1", "--name", "Shop", "--type", "CR");

        assertThat(created.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(created.err()).startsWith("error: Invalid value for option '--id': 'Merchant-1' is not an "
                + "organisation id (10 lower-case letters or digits)\n");
        assertThat(cli.organisations().list()).isEmpty();
    }

    @Test
    void createBelowAnUnknownParentIsRefused() {
        Result created = cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR",
                "--parent", "partner404");

        assertThat(created.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(created.err()).isEqualTo("error: Parent organisation partner404 not found\n");
        assertThat(cli.organisations().list()).isEmpty();
        assertThat(trail("merchant01")).isEmpty();
    }

    @Test
    void createBelowAMerchantIsRefused() {
        cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR");

        Result created = cli.run("org", "create", "--id", "merchant02", "--name", "Sub-shop", "--type", "CR",
                "--parent", "merchant01");

        assertThat(created.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(created.err()).isEqualTo("error: A merchant (CR) can only be placed below a partner (BN) or "
                + "partner group (BG), and merchant01 is a merchant (CR)\n");
        assertThat(cli.organisations().find(new OrganisationId("merchant02"))).isEmpty();
    }

    @Test
    void createOfAPartnerBelowAPartnerIsRefused() {
        cli.run("org", "create", "--id", "partner001", "--name", "Bank", "--type", "BN");

        Result created = cli.run("org", "create", "--id", "partner002", "--name", "Branch", "--type", "BN",
                "--parent", "partner001");

        assertThat(created.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(created.err()).isEqualTo("error: A partner (BN) can only be placed below a partner group (BG), "
                + "and partner001 is a partner (BN)\n");
    }

    @Test
    void createOfAPartnerGroupWithAParentIsRefused() {
        cli.run("org", "create", "--id", "group00001", "--name", "Group", "--type", "BG");

        Result created = cli.run("org", "create", "--id", "group00002", "--name", "Subgroup", "--type", "BG",
                "--parent", "group00001");

        assertThat(created.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(created.err()).isEqualTo("error: A partner group (BG) cannot have a parent\n");
    }

    @Test
    void createWithAnAllowListEntryThatIsNoAddressIsBadUsage() {
        for (String entry : List.of("203.0.113.256", "bank.example.com", "203.0.113.0/33", "2001:db8::/129",
                "203.0.113.7/", "010.0.0.1")) {
            Result created = cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR",
                    "--allow-ip", entry);

            assertThat(created.exitCode()).as(entry).isEqualTo(GatekeeperAdmin.USAGE);
            assertThat(created.err()).as(entry).startsWith(
                    "error: Invalid value for option '--allow-ip' (IP_OR_CIDR): '" + entry
                            + "' is not an IP address or CIDR block");
        }
        assertThat(cli.organisations().list()).isEmpty();
    }

    @Test
    void createWithAnUnknownTypeIsBadUsage() {
        Result created = cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "XX");

        assertThat(created.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(created.err()).contains("--type").contains("CR, BN, BG");
    }

    @Test
    void showPrintsTheProfileAsJson() throws Exception {
        cli.run("org", "create", "--id", "partner001", "--name", "First Bank", "--type", "BN",
                "--scope", "openbanking_pisp,bankadmin", "--product", "open_banking_pis", "--allow-ip", "10.0.0.0/8");

        Result shown = cli.run("org", "show", "partner001");

        assertThat(shown.exitCode()).isZero();
        JsonNode profile = new ObjectMapper().readTree(shown.out());
        assertThat(profile.toString()).isEqualTo("{\"id\":\"partner001\",\"name\":\"First Bank\",\"accessType\":\"BN\","
                + "\"parentId\":null,\"allowedScopes\":[\"bankadmin\",\"openbanking_pisp\"],"
                + "\"products\":[\"open_banking_pis\"],\"ipFiltering\":true,\"allowedIps\":[\"10.0.0.0/8\"],"
                + "\"mtlsFilter\":false}");
    }

    @Test
    void showOfAnUnknownOrganisationIsNotFound() {
        Result shown = cli.run("org", "show", "nobody0000");

        assertThat(shown.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(shown.out()).isEmpty();
        assertThat(shown.err()).isEqualTo("error: Organisation nobody0000 not found\n");
    }

    @Test
    void listPrintsEveryOrganisationAsATable() {
        cli.run("org", "create", "--id", "group00001", "--name", "Bank Group", "--type", "BG", "--scope", "bankadmin");
        cli.run("org", "create", "--id", "merchant01", "--name", "Corner Shop", "--type", "CR",
                "--parent", "group00001", "--scope", "admin,openbanking_pisp", "--product", "direct_debits");

        Result listed = cli.run("org", "list");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).isEqualTo("""
                ID          TYPE  PARENT      NAME         SCOPES                  PRODUCTS
                group00001  BG    -           Bank Group   bankadmin               -
                merchant01  CR    group00001  Corner Shop  admin,openbanking_pisp  direct_debits
                """);
    }

    @Test
    void listAsJsonPrintsAnArrayOfProfiles() throws Exception {
        cli.run("org", "create", "--id", "group00001", "--name", "Bank Group", "--type", "BG");
        cli.run("org", "create", "--id", "partner001", "--name", "Bank", "--type", "BN", "--parent", "group00001");

        Result listed = cli.run("org", "list", "--json");

        assertThat(listed.exitCode()).isZero();
        JsonNode profiles = new ObjectMapper().readTree(listed.out());
        assertThat(profiles.findValuesAsText("id")).containsExactly("group00001", "partner001");
        assertThat(profiles.get(1).get("parentId").asText()).isEqualTo("group00001");
    }

    @Test
    void listOfAnEmptyTablePrintsOnlyTheHeader() {
        assertThat(cli.run("org", "list").out()).isEqualTo("ID  TYPE  PARENT  NAME  SCOPES  PRODUCTS\n");
        assertThat(cli.run("org", "list", "--json").out()).isEqualTo("[ ]\n");
    }

    @Test
    void updateReplacesAPartnersAllowListAndKeepsEverythingElse() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--allow-ip", "198.51.100.0/24,198.51.100.9");

        assertThat(updated.exitCode()).isZero();
        assertThat(updated.err()).isEmpty();
        assertThat(updated.out()).isEqualTo("""
                Updated partner partner001:
                  allowedIps: 203.0.113.7 -> 198.51.100.0/24,198.51.100.9
                Functions cache organisation profiles for up to 30 s: every function sees the change within 30 s.
                """);
        assertThat(cli.organisations().find(PARTNER)).contains(new Organisation(PARTNER, "First Bank", AccessType.BN,
                new OrganisationId("group00001"), Set.of("bankadmin", "openbanking_pisp"), Set.of("open_banking_pis"),
                true, List.of("198.51.100.0/24", "198.51.100.9"), false));
    }

    @Test
    void updateLeavesAnAuditRecordOfWhatChangedBeforeAndAfter() {
        createPartner();
        cli.clock().advance(Duration.ofMinutes(5));

        cli.run("org", "update", "partner001", "--allow-ip", "198.51.100.0/24", "--name", "First Bank plc");

        assertThat(trail("partner001")).extracting(AuditEvent::action)
                .containsExactly(AuditAction.ORGANISATION_CREATED, AuditAction.ORGANISATION_UPDATED);
        assertThat(trail("partner001").get(1)).satisfies(record -> {
            assertThat(record.time()).isEqualTo(AdminCli.NOW.plus(Duration.ofMinutes(5)));
            assertThat(record.reason()).isEqualTo(
                    "name: \"First Bank\" -> \"First Bank plc\"; allowedIps: 203.0.113.7 -> 198.51.100.0/24");
            assertThat(record.requestId()).isEqualTo("admin-cli");
            assertThat(record.actingOrganisation()).isNull();
        });
    }

    @Test
    void updateWithAnAllowListTurnsIpFilteringOn() {
        cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR");

        Result updated = cli.run("org", "update", "merchant01", "--allow-ip", "203.0.113.7", "--allow-ip", "2001:db8::/32");

        assertThat(updated.exitCode()).isZero();
        assertThat(updated.out()).contains("  ipFiltering: false -> true\n"
                + "  allowedIps: (none) -> 203.0.113.7,2001:db8::/32\n");
        assertThat(cli.organisations().find(new OrganisationId("merchant01"))).hasValueSatisfying(organisation -> {
            assertThat(organisation.ipFiltering()).isTrue();
            assertThat(organisation.allowedIps()).containsExactly("203.0.113.7", "2001:db8::/32");
        });
    }

    @Test
    void updateWithoutIpFilteringClearsTheAllowListAndTurnsFilteringOff() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--no-ip-filtering");

        assertThat(updated.exitCode()).isZero();
        assertThat(updated.out()).contains("  ipFiltering: true -> false\n  allowedIps: 203.0.113.7 -> (none)\n");
        assertThat(cli.organisations().find(PARTNER)).hasValueSatisfying(organisation -> {
            assertThat(organisation.ipFiltering()).isFalse();
            assertThat(organisation.allowedIps()).isEmpty();
            assertThat(organisation.allowedScopes()).containsExactlyInAnyOrder("bankadmin", "openbanking_pisp");
        });
    }

    @Test
    void updateReplacesNameScopesProductsAndMtlsTogether() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--name", "  First Bank plc ", "--scope", "bankadmin",
                "--scope", "openbanking_aisp,application_tokens", "--product", "open_banking_ais", "--mtls");

        assertThat(updated.exitCode()).isZero();
        assertThat(updated.out()).isEqualTo("""
                Updated partner partner001:
                  name: "First Bank" -> "First Bank plc"
                  allowedScopes: bankadmin,openbanking_pisp -> application_tokens,bankadmin,openbanking_aisp
                  products: open_banking_pis -> open_banking_ais
                  mtlsFilter: false -> true
                Functions cache organisation profiles for up to 30 s: every function sees the change within 30 s.
                """);
        assertThat(cli.organisations().find(PARTNER)).contains(new Organisation(PARTNER, "First Bank plc",
                AccessType.BN, new OrganisationId("group00001"),
                Set.of("application_tokens", "bankadmin", "openbanking_aisp"), Set.of("open_banking_ais"), true,
                List.of("203.0.113.7"), true));
    }

    @Test
    void updateWithNoMtlsStopsRequiringIt() {
        cli.run("org", "create", "--id", "merchant01", "--name", "Shop", "--type", "CR", "--mtls");

        Result updated = cli.run("org", "update", "merchant01", "--no-mtls");

        assertThat(updated.exitCode()).isZero();
        assertThat(updated.out()).startsWith("Updated merchant merchant01:\n  mtlsFilter: true -> false\n");
        assertThat(cli.organisations().find(new OrganisationId("merchant01")))
                .hasValueSatisfying(organisation -> assertThat(organisation.mtlsFilter()).isFalse());
    }

    @Test
    void updateToTheSettingsItAlreadyHasWritesNothingAndSaysSo() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--name", "First Bank", "--no-mtls");

        assertThat(updated.exitCode()).isZero();
        assertThat(updated.out()).isEqualTo("No change to partner partner001: it already has these settings\n");
        assertThat(trail("partner001")).extracting(AuditEvent::action)
                .containsExactly(AuditAction.ORGANISATION_CREATED);
    }

    @Test
    void updateAsJsonPrintsTheUpdatedProfile() throws Exception {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--product", "direct_debits", "--json");

        assertThat(updated.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(updated.out()).toString()).isEqualTo("{\"id\":\"partner001\","
                + "\"name\":\"First Bank\",\"accessType\":\"BN\",\"parentId\":\"group00001\","
                + "\"allowedScopes\":[\"bankadmin\",\"openbanking_pisp\"],\"products\":[\"direct_debits\"],"
                + "\"ipFiltering\":true,\"allowedIps\":[\"203.0.113.7\"],\"mtlsFilter\":false}");
        assertThat(updated.out()).isEqualTo(cli.run("org", "show", "partner001").out());
    }

    @Test
    void theServiceAuthenticatesAgainstTheUpdatedAllowList() {
        createPartner();
        Matcher issued = Pattern.compile("(?s).*API key: (\\S+)\n").matcher(cli.run("key", "issue", "partner001").out());
        assertThat(issued.matches()).isTrue();
        Credentials apiKey = new Credentials.ApiKey(issued.group(1));
        // The service's own authentication, reading profiles from the table as the functions do (uncached).
        Authenticator service = new Authenticator(cli.apiKeys(), cli.organisations(), null, cli.tokens(),
                cli.clock());
        assertThat(service.authenticate(apiKey, "203.0.113.7", Permission.PARTNER_TOKENS).organisation().id())
                .isEqualTo(PARTNER);

        assertThat(cli.run("org", "update", "partner001", "--allow-ip", "198.51.100.0/24").exitCode()).isZero();

        assertThatThrownBy(() -> service.authenticate(apiKey, "203.0.113.7", Permission.PARTNER_TOKENS))
                .isInstanceOfSatisfying(GatekeeperException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(service.authenticate(apiKey, "198.51.100.42", Permission.PARTNER_TOKENS).organisation().id())
                .isEqualTo(PARTNER);
    }

    @Test
    void updateOfAnUnknownOrganisationIsNotFound() {
        Result updated = cli.run("org", "update", "nobody0000", "--name", "Someone");

        assertThat(updated.exitCode()).isEqualTo(GatekeeperAdmin.REFUSED);
        assertThat(updated.out()).isEmpty();
        assertThat(updated.err()).isEqualTo("error: Organisation nobody0000 not found\n");
        assertThat(cli.organisations().list()).isEmpty();
    }

    @Test
    void updateWithoutAnyChangeIsBadUsage() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001");

        assertThat(updated.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(updated.err()).startsWith("error: Nothing to change: give at least one of --name, --scope, "
                + "--product, --allow-ip, --no-ip-filtering, --mtls or --no-mtls\n");
    }

    @Test
    void updateWithAnAllowListAndWithoutIpFilteringIsBadUsage() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--allow-ip", "198.51.100.9", "--no-ip-filtering");

        assertThat(updated.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(updated.err()).startsWith("error: --allow-ip and --no-ip-filtering cannot be given together\n");
        assertThat(cli.organisations().find(PARTNER)).hasValueSatisfying(
                organisation -> assertThat(organisation.allowedIps()).containsExactly("203.0.113.7"));
    }

    @Test
    void updateWithMtlsAndNoMtlsIsBadUsage() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--mtls", "--no-mtls");

        assertThat(updated.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(updated.err()).contains("--mtls").contains("only once");
    }

    @Test
    void updateWithAnAllowListEntryThatIsNoAddressIsBadUsageAndChangesNothing() {
        createPartner();

        Result updated = cli.run("org", "update", "partner001", "--allow-ip", "198.51.100.9,bank.example.com");

        assertThat(updated.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(updated.err()).startsWith("error: Invalid value for option '--allow-ip' (IP_OR_CIDR): "
                + "'bank.example.com' is not an IP address or CIDR block");
        assertThat(cli.organisations().find(PARTNER)).hasValueSatisfying(
                organisation -> assertThat(organisation.allowedIps()).containsExactly("203.0.113.7"));
    }

    @Test
    void updateWithABlankNameOrAMalformedScopeIsBadUsage() {
        createPartner();

        Result blank = cli.run("org", "update", "partner001", "--name", "  ");
        Result scope = cli.run("org", "update", "partner001", "--scope", "bank admin");

        assertThat(blank.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(blank.err()).startsWith("error: --name must not be blank\n");
        assertThat(scope.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(scope.err()).contains("'bank admin' is not a scope or product name");
        assertThat(cli.organisations().find(PARTNER).map(Organisation::name)).contains("First Bank");
    }

    @Test
    void updateCannotChangeTypeOrParent() {
        createPartner();

        Result type = cli.run("org", "update", "partner001", "--type", "CR");
        Result parent = cli.run("org", "update", "partner001", "--parent", "group00002");

        assertThat(type.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(type.err()).startsWith("error: An organisation's type and parent cannot be changed: moving it "
                + "changes which partners may act for it and see its tokens\n");
        assertThat(parent.exitCode()).isEqualTo(GatekeeperAdmin.USAGE);
        assertThat(parent.err()).isEqualTo(type.err());
        assertThat(cli.organisations().find(PARTNER).map(Organisation::accessType)).contains(AccessType.BN);
    }

    /** partner001 "First Bank" below group00001: two scopes, one product, one allowed address, no mTLS. */
    private List<AuditEvent> trail(String organisation) {
        return cli.audit().find(organisation, Instant.EPOCH, AdminCli.NOW.plus(Duration.ofDays(1)), 100);
    }

    private void createPartner() {
        assertThat(cli.run("org", "create", "--id", "group00001", "--name", "Bank Group", "--type", "BG").exitCode())
                .isZero();
        assertThat(cli.run("org", "create", "--id", "partner001", "--name", "First Bank", "--type", "BN",
                "--parent", "group00001", "--scope", "bankadmin,openbanking_pisp", "--product", "open_banking_pis",
                "--allow-ip", "203.0.113.7").exitCode()).isZero();
    }
}
