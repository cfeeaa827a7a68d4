package dev.gatekeeper.core.token;

import dev.gatekeeper.core.organisation.OrganisationId;
import java.util.Objects;

/**
 * The bearer token a token was minted with. Revoking it by id revokes every live token minted with it, and theirs;
 * and a token is stored only while it is still live, checked in the insert itself.
 *
 * @param holder     the organisation whose partition holds the parent's record: the one it acts for
 * @param id         the parent's token id
 * @param generation the holder's revocation generation the parent was issued in; the child is stored only while
 *                   it is still current, so a revoke-all that ended the parent stops its children too
 * @param depth      the parent's own {@link TokenRecord#mintDepth() mint depth}: 0 for a token obtained with an API
 *                   key (or stored before depths were kept)
 */
public record ParentToken(OrganisationId holder, TokenId id, long generation, int depth) {
    public ParentToken {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(id, "id");
        if (depth < 0) {
            throw new IllegalArgumentException("depth must not be negative: " + depth);
        }
    }

    /** A parent obtained with an API key. */
    public ParentToken(OrganisationId holder, TokenId id, long generation) {
        this(holder, id, generation, 0);
    }

    /** The parent a token minted with the token of {@code record} names. */
    public static ParentToken of(TokenRecord record) {
        return new ParentToken(record.requestedOrganisation(), record.id(), record.generation(), record.mintDepth());
    }
}
