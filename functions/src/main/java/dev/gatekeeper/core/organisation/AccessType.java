package dev.gatekeeper.core.organisation;

/** The kind of organisation, as Gatekeeper names it. */
public enum AccessType {
    /** A merchant (creditor). */
    CR,
    /** A partner (bank). */
    BN,
    /** A partner group (bank group). */
    BG;

    public boolean isPartner() {
        return this == BN || this == BG;
    }
}
