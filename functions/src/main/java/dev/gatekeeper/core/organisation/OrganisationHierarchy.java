package dev.gatekeeper.core.organisation;

import dev.gatekeeper.core.error.GatekeeperException;
import java.util.Optional;

/** Answers "may this partner act for that organisation?" by walking parent links up from the target. */
public final class OrganisationHierarchy {
    /** Group above partners above merchants: three levels; the bound also stops a cycle in bad data. */
    private static final int MAX_DEPTH = 4;

    private final OrganisationDirectory directory;

    public OrganisationHierarchy(OrganisationDirectory directory) {
        this.directory = directory;
    }

    /**
     * The target organisation if it is the caller itself or lies below it. Anything else, existing or not, is the
     * same 404, so a partner cannot probe for other partners' merchants.
     */
    public Organisation resolveWithin(Organisation caller, String encodedTargetId) {
        OrganisationId targetId = OrganisationId.parse(encodedTargetId).orElseThrow(OrganisationHierarchy::notFound);
        if (targetId.equals(caller.id())) {
            return caller;
        }
        Organisation target = directory.find(targetId).orElseThrow(OrganisationHierarchy::notFound);
        if (isAncestor(caller.id(), target)) {
            return target;
        }
        throw notFound();
    }

    /** Whether {@code target} is the caller itself or lies below it; false for an unknown organisation. */
    public boolean isWithin(Organisation caller, OrganisationId target) {
        return target.equals(caller.id()) || directory.find(target).filter(found -> isAncestor(caller.id(), found)).isPresent();
    }

    private boolean isAncestor(OrganisationId candidate, Organisation target) {
        Optional<OrganisationId> ancestor = target.parent();
        for (int depth = 0; depth < MAX_DEPTH && ancestor.isPresent(); depth++) {
            if (ancestor.get().equals(candidate)) {
                return true;
            }
            ancestor = directory.find(ancestor.get()).flatMap(Organisation::parent);
        }
        return false;
    }

    private static GatekeeperException notFound() {
        return GatekeeperException.notFound("Organisation not found");
    }
}
