package dev.gatekeeper.adapter.dynamodb;

/**
 * Names in the one table that holds organisations, API keys and tokens; the SAM template declares the same key
 * schema, index and TTL attribute.
 *
 * <pre>
 * pk                   sk                              item
 * orgId                PROFILE                         organisation profile
 * orgId                REVOCATION                      current revocation generation (absent: 0)
 * orgId                GENERATION#&lt;20 digits&gt;          when that generation was ended by a revoke-all
 * orgId                ACTIVE#&lt;gen&gt;#&lt;minute&gt;#&lt;shard&gt;    tokens of a generation expiring in that minute, not revoked
 * orgId                TOKEN#&lt;tokenId&gt;                 token record, partitioned by the requested organisation
 * orgId                ISSUED#&lt;tokenId&gt;                pointer from a requesting partner to the token's partition
 * orgId                DESCENDANT#&lt;keyId&gt;#&lt;tokenId&gt;    pointer from the owner of the API key a token descends
 *                                                      from, when it neither holds nor requested the token
 * orgId                MINTED#&lt;parentId&gt;#&lt;tokenId&gt;   pointer from the partition of the bearer token a token was
 *                                                      minted with, to that token
 * orgId                APIKEY#&lt;keyId&gt;                  API key listing entry
 * orgId | UNKNOWN      AUDIT#&lt;millis, 15 digits&gt;#&lt;id&gt; audit record, in the partition of the organisation acted on
 * APIKEY#&lt;hash&gt;        APIKEY                          API key lookup by hash
 * </pre>
 *
 * <p>Audit records expire by {@value #TIME_TO_LIVE} on their own retention, longer than tokens'; their sort key
 * orders them by time, so one key range answers "this organisation, between these times".
 *
 * <p>Revoke-all answers how many tokens it ended without reading them: every insert adds one, and every revocation
 * of a single token takes one away, on an {@value #ACTIVE_PREFIX} counter of the token's generation and expiry
 * minute (in the same transaction). A counter item also counts its tokens per 10-second slot of its minute, packed
 * six digits a slot into its {@value #SLOT_COUNTS} number (same write). So the tokens still active at a time
 * {@code t} are the counters of the minutes after {@code t}'s, the slots of {@code t}'s minute after {@code t}'s
 * slot, and the tokens expiring in the rest of {@code t}'s own slot. Those few come from index
 * {@value #GENERATION_EXPIRY_INDEX} (local, keys only), which is sparse: a token carries {@value #GENERATION_EXPIRY}
 * only while it has not been revoked on its own. Counters are sharded by token id so that no single item takes every
 * insert of a busy organisation.
 *
 * <p>A token obtained with an API key, or minted with a token that was, names that key ({@value #API_KEY_ID}, of
 * organisation {@value #API_KEY_ORGANISATION}), so revoking the key can find it: in the key owner's partition as a
 * {@value #TOKEN_PREFIX} item, or through one of the owner's pointers. The {@value #ISSUED_PREFIX} pointer of a token
 * the owner requested for an organisation below it names the key too; a token minted by an organisation below the
 * owner with a token of the key's lineage gets a {@value #DESCENDANT_PREFIX} pointer, which only a revocation by key
 * reads (a partner is never shown a token it did not request). Pointers carry the token's {@value #EXPIRES_AT}, so
 * that revocation skips expired tokens without reading them. Every insert of a token with a lineage checks, in its
 * transaction, that the key's {@value #API_KEY_PREFIX} listing item still says {@value #ACTIVE}.
 *
 * <p>A token minted with a bearer token names that parent ({@value #PARENT_TOKEN_ID}, held in
 * {@value #PARENT_TOKEN_ORGANISATION}'s partition, issued in its {@value #PARENT_TOKEN_GENERATION}, itself {@value #PARENT_TOKEN_DEPTH} tokens deep), and the parent's
 * partition gets a {@value #MINTED_PREFIX} pointer to it, so revoking the parent finds its children (and theirs,
 * through their own pointers). Like {@value #DESCENDANT_PREFIX}, only that revocation reads them. The insert checks,
 * in its transaction, that the parent's token item is not revoked and that its partition is still in the parent's
 * generation; the first such insert also sets {@value #MINTED} on the parent's item (the same action as that check),
 * so revoking a token that minted nothing, almost every token, costs no query for pointers.
 */
public final class TokenTable {
    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";
    /** Epoch seconds after which DynamoDB may delete the item. */
    public static final String TIME_TO_LIVE = "ttl";

    public static final String GENERATION_EXPIRY_INDEX = "ByGenerationExpiry";
    /** {@code <generation, 20 digits>#<expiresAt epoch millis, 15 digits>}, present while a token is not revoked. */
    public static final String GENERATION_EXPIRY = "genExp";

    // Sort keys and key prefixes.
    public static final String PROFILE = "PROFILE";
    public static final String REVOCATION = "REVOCATION";
    public static final String GENERATION_PREFIX = "GENERATION#";
    public static final String ACTIVE_PREFIX = "ACTIVE#";
    public static final String TOKEN_PREFIX = "TOKEN#";
    public static final String ISSUED_PREFIX = "ISSUED#";
    public static final String DESCENDANT_PREFIX = "DESCENDANT#";
    public static final String MINTED_PREFIX = "MINTED#";
    public static final String API_KEY = "APIKEY";
    public static final String API_KEY_PREFIX = "APIKEY#";
    public static final String AUDIT_PREFIX = "AUDIT#";

    // Organisation profile.
    public static final String NAME = "name";
    public static final String ACCESS_TYPE = "accessType";
    public static final String PARENT_ID = "parentId";
    public static final String ALLOWED_SCOPES = "allowedScopes";
    public static final String PRODUCTS = "products";
    public static final String IP_FILTERING = "ipFiltering";
    public static final String ALLOWED_IPS = "allowedIps";
    public static final String MTLS_FILTER = "mtlsFilter";

    // Revocation state and generation ends.
    public static final String GENERATION = "generation";
    public static final String REVOKED_AT = "revokedAt";

    // Token record (also PARENT_ID, IP_FILTERING, MTLS_FILTER, GENERATION, REVOKED_AT) and its pointers.
    public static final String TOKEN_ID = "tokenId";
    public static final String REQUESTED_ORGANISATION = "requestedOrganisation";
    public static final String REQUESTING_ORGANISATION = "requestingOrganisation";
    public static final String REQUESTING_ACCESS_TYPE = "requestingAccessType";
    public static final String SCOPES = "scopes";
    public static final String CREATED_AT = "createdAt";
    public static final String EXPIRES_AT = "expiresAt";
    public static final String APPLICATION_TOKEN = "applicationToken";
    public static final String RESOURCE_ID = "resourceId";
    /** Of a token record: the signing key's id. Of an API key lookup item: the API key's id. */
    public static final String KEY_ID = "keyId";
    /** The id of the API key a token descends from ({@code ApiKeyHash.keyId}). */
    public static final String API_KEY_ID = "apiKeyId";
    /** The organisation that owns that API key. */
    public static final String API_KEY_ORGANISATION = "apiKeyOrganisation";
    /** The id of the bearer token a token was minted with. */
    public static final String PARENT_TOKEN_ID = "parentTokenId";
    /** The organisation whose partition holds that bearer token's record. */
    public static final String PARENT_TOKEN_ORGANISATION = "parentTokenOrganisation";
    /** That bearer token's revocation generation. */
    public static final String PARENT_TOKEN_GENERATION = "parentTokenGeneration";
    /**
     * That bearer token's own mint depth ({@code TokenRecord.mintDepth}); absent on records stored before depths were
     * kept, which read as 0.
     */
    public static final String PARENT_TOKEN_DEPTH = "parentTokenDepth";
    /**
     * Of a token record: true once a token was minted with it, false before; absent on records stored before the mark
     * existed, which read as true (their children's pointers were written all along).
     */
    public static final String MINTED = "minted";

    // API keys (also CREATED_AT, KEY_ID).
    public static final String ORGANISATION_ID = "organisationId";
    public static final String ACTIVE = "active";
    public static final String LABEL = "label";
    public static final String HASH = "hash";

    // Audit record (also TOKEN_ID).
    public static final String EVENT_ID = "eventId";
    public static final String ACTION = "action";
    public static final String ORGANISATION = "organisation";
    public static final String ACTING_ORGANISATION = "actingOrganisation";
    public static final String COUNT = "count";
    /** A counter item's per-slot counts, six decimal digits a slot, slot 0 in the lowest six. */
    public static final String SLOT_COUNTS = "slots";
    public static final String AT = "at";
    public static final String SOURCE_IP = "sourceIp";
    public static final String REQUEST_ID = "requestId";
    public static final String OUTCOME = "outcome";
    public static final String REASON = "reason";

    private TokenTable() {
    }
}
