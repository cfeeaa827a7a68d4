package dev.gatekeeper.admin;

import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.Organisation;
import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "create",
        description = {"Creates an organisation: a merchant (CR), a partner (BN) or a partner group (BG).",
                "A merchant may sit below a partner or partner group, a partner below a partner group; a partner "
                        + "group has no parent. Giving --allow-ip turns IP filtering on.",
                "The creation leaves an audit record (ORGANISATION_CREATED, with the new profile)."})
final class CreateOrganisationCommand extends AdminSubcommand {
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 10;

    @Option(names = "--id", paramLabel = "ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "Ten lower-case letters or digits. Default: a new random id, printed.")
    private OrganisationId id;

    @Option(names = "--name", paramLabel = "NAME", required = true, description = "Display name.")
    private String name;

    @Option(names = "--type", paramLabel = "TYPE", required = true,
            description = "CR (merchant), BN (partner) or BG (partner group).")
    private AccessType type;

    @Option(names = "--parent", paramLabel = "ID", converter = ArgumentConverters.OrganisationIds.class,
            description = "The partner or partner group it belongs to; it must exist.")
    private OrganisationId parent;

    @Option(names = "--scope", paramLabel = "SCOPE", split = ",", converter = ArgumentConverters.Names.class,
            description = "A scope its tokens may carry. Repeatable, or comma-separated.")
    private List<String> scopes = new ArrayList<>();

    @Option(names = "--product", paramLabel = "PRODUCT", split = ",", converter = ArgumentConverters.Names.class,
            description = "A product its application tokens may be issued for. Repeatable, or comma-separated.")
    private List<String> products = new ArrayList<>();

    @Option(names = "--allow-ip", paramLabel = "IP_OR_CIDR", split = ",",
            converter = ArgumentConverters.IpAllowListEntries.class,
            description = "A source address or CIDR block its requests may come from. Repeatable, or "
                    + "comma-separated.")
    private List<String> allowedIps = new ArrayList<>();

    @Option(names = "--mtls", description = "Require mutual TLS for its requests.")
    private boolean mtls;

    @Override
    void run() {
        if (name.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--name must not be blank");
        }
        OrganisationId newId = id != null ? id : randomId();
        Optional<Organisation> parentOrganisation = Optional.ofNullable(parent).map(parentId -> table()
                .organisations().find(parentId)
                .orElseThrow(() -> new AdminFailure("Parent organisation " + parentId + " not found")));
        ParentRule.check(type, parentOrganisation);
        Organisation organisation = new Organisation(newId, name.strip(), type, parent,
                new LinkedHashSet<>(scopes), new LinkedHashSet<>(products), !allowedIps.isEmpty(), allowedIps, mtls);
        try {
            table().organisations().create(organisation, admin().clock().instant());
        } catch (IllegalStateException e) {
            throw new AdminFailure("Organisation " + newId + " already exists");
        }
        out().println("Created " + ParentRule.kind(type) + " " + newId + parentOrganisation
                .map(above -> " below " + ParentRule.kind(above.accessType()) + " " + above.id())
                .orElse(""));
    }

    private OrganisationId randomId() {
        StringBuilder value = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            value.append(ID_ALPHABET.charAt(admin().random().nextInt(ID_ALPHABET.length())));
        }
        return new OrganisationId(value.toString());
    }
}
