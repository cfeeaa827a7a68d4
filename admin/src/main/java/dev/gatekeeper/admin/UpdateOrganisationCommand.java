package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.organisation.ProfileChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "update",
        description = {"Changes an organisation's name, scopes, products, IP allow-list or mTLS flag. Each option "
                + "given replaces that attribute; the others stay as they are.",
                "Its type and parent cannot be changed: moving an organisation changes which partners may act for "
                        + "it and see its tokens.",
                "The change is written only if the profile is still the one read, so a concurrent change is "
                        + "never lost: the command then fails and can be run again. Functions cache profiles for "
                        + "up to 30 s, so every function sees the change within 30 s.",
                "A change leaves an audit record (ORGANISATION_UPDATED, each attribute changed before and after)."})
final class UpdateOrganisationCommand extends AdminSubcommand {
    @Parameters(paramLabel = "ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The organisation's id.")
    private OrganisationId id;

    @Option(names = "--name", paramLabel = "NAME", description = "New display name.")
    private String name;

    // Null when not given: "not given" keeps the attribute, unlike an empty list.
    @Option(names = "--scope", paramLabel = "SCOPE", split = ",", converter = ArgumentConverters.Names.class,
            description = "The scopes its tokens may carry, replacing the current ones. Repeatable, or "
                    + "comma-separated.")
    private List<String> scopes;

    @Option(names = "--product", paramLabel = "PRODUCT", split = ",", converter = ArgumentConverters.Names.class,
            description = "The products its application tokens may be issued for, replacing the current ones. "
                    + "Repeatable, or comma-separated.")
    private List<String> products;

    @Option(names = "--allow-ip", paramLabel = "IP_OR_CIDR", split = ",",
            converter = ArgumentConverters.IpAllowListEntries.class,
            description = "The source addresses or CIDR blocks its requests may come from, replacing the current "
                    + "allow-list, and turns IP filtering on. Repeatable, or comma-separated.")
    private List<String> allowedIps;

    @Option(names = "--no-ip-filtering", description = "Turn IP filtering off and clear the allow-list.")
    private boolean noIpFiltering;

    @Option(names = "--mtls", negatable = true,
            description = "Require (--mtls) or stop requiring (--no-mtls) mutual TLS for its requests.")
    private Boolean mtls;

    // Accepted only to say why not, rather than "unknown option".
    @Option(names = {"--type", "--parent"}, paramLabel = "VALUE", hidden = true)
    private String typeOrParent;

    @Option(names = "--json", description = "Print the updated profile as JSON instead of what changed.")
    private boolean json;

    @Override
    void run() {
        if (typeOrParent != null) {
            throw new ParameterException(spec.commandLine(), "An organisation's type and parent cannot be changed: "
                    + "moving it changes which partners may act for it and see its tokens");
        }
        if (name == null && scopes == null && products == null && allowedIps == null && !noIpFiltering
                && mtls == null) {
            throw new ParameterException(spec.commandLine(), "Nothing to change: give at least one of --name, "
                    + "--scope, --product, --allow-ip, --no-ip-filtering, --mtls or --no-mtls");
        }
        if (allowedIps != null && noIpFiltering) {
            throw new ParameterException(spec.commandLine(),
                    "--allow-ip and --no-ip-filtering cannot be given together");
        }
        if (name != null && name.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--name must not be blank");
        }
        Organisation before = requireOrganisation(id);
        boolean ipFiltering = allowedIps != null || !noIpFiltering && before.ipFiltering();
        List<String> ips = allowedIps != null ? allowedIps : noIpFiltering ? List.of() : before.allowedIps();
        Organisation after = new Organisation(id, name != null ? name.strip() : before.name(), before.accessType(),
                before.parentId(), scopes != null ? new LinkedHashSet<>(scopes) : before.allowedScopes(),
                products != null ? new LinkedHashSet<>(products) : before.products(), ipFiltering, ips,
                mtls != null ? mtls : before.mtlsFilter());
        if (!after.equals(before)) {
            try {
                table().organisations().update(before, after, admin().clock().instant());
            } catch (IllegalStateException e) {
                throw new AdminFailure("Organisation " + id + " was changed or removed by someone else while it "
                        + "was being updated; nothing was written. Run the command again.");
            }
        }
        out().println(json ? OutputFormat.organisationJson(after) : changes(before, after));
    }

    /** One line per attribute that changed, before and after, then when the functions will see it. */
    private static String changes(Organisation before, Organisation after) {
        String kind = ParentRule.kind(before.accessType()) + " " + before.id();
        List<ProfileChange> changes = ProfileChange.between(before, after);
        if (changes.isEmpty()) {
            return "No change to " + kind + ": it already has these settings";
        }
        List<String> lines = new ArrayList<>();
        lines.add("Updated " + kind + ":");
        changes.forEach(change -> lines.add("  " + change));
        lines.add("Functions cache organisation profiles for up to 30 s: every function sees the change within 30 s.");
        return String.join(System.lineSeparator(), lines);
    }
}
