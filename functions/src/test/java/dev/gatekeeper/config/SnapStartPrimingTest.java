package dev.gatekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.organisation.AccessType;
import dev.gatekeeper.core.organisation.OrganisationId;
import dev.gatekeeper.core.token.JwtAccessTokenSigner;
import dev.gatekeeper.core.token.TokenRecord;
import dev.gatekeeper.testing.CapturedOutput;
import dev.gatekeeper.testing.GatekeeperFixture;
import dev.gatekeeper.testing.LocalDynamoDb;
import dev.gatekeeper.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The SnapStart priming against the emulators: it does the work of a request without leaving a trace in the table,
 * needs no DynamoDB where it is told so, and restored copies of one snapshot draw token ids of their own.
 */
class SnapStartPrimingTest {

    @Test
    void beforeCheckpointPrimesEveryStepWithoutWritingAnyRecord() {
        GatekeeperFixture gk = GatekeeperFixture.create();
        int itemsBefore = items(gk);
        SnapStartPriming priming = priming(gk, gk.gatekeeper, SnapStartPriming.Scope.FULL, new TokenIds());

        // As in Lambda: started in the background at init, awaited by the checkpoint hook.
        priming.startInBackground();
        priming.beforeCheckpoint(null);

        assertThat(priming.prime()).as("every priming step worked (keys, sign, verify, reads)").isTrue();
        assertThat(items(gk)).as("items in the table (organisations, keys, tokens, audit records)").isEqualTo(itemsBefore);
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(SnapStartPriming.NO_ORGANISATION, 10)).isEmpty();
        assertThat(gk.gatekeeper.tokenStore().listForOrganisation(new OrganisationId("merchant01"), 10)).isEmpty();
    }

    @Test
    void primingLogsNeitherTheThrowAwayTokenNorThePrimingKey() {
        GatekeeperFixture gk = GatekeeperFixture.create();
        SnapStartPriming priming = priming(gk, gk.gatekeeper, SnapStartPriming.Scope.FULL, new TokenIds());

        String logged;
        try (CapturedOutput output = CapturedOutput.start()) {
            assertThat(priming.prime()).isTrue();
            logged = output.text();
        }

        assertThat(logged).contains("Primed for the first request").doesNotContain("eyJ").doesNotContain("gk_snapstart");
    }

    @Test
    void theJwksFunctionIsPrimedWithoutDynamoDb() throws IOException {
        GatekeeperFixture gk = GatekeeperFixture.create();
        Gatekeeper noTable = gk.verifyingWith(unreachableDynamoDb());

        assertThat(priming(gk, noTable, SnapStartPriming.Scope.KEYS, new TokenIds()).prime()).isTrue();
        // The other functions' priming does need the table; without it priming fails, quietly: it never throws.
        assertThat(priming(gk, noTable, SnapStartPriming.Scope.VERIFY, new TokenIds()).prime()).isFalse();
    }

    /**
     * A function that only verifies is primed with its public key set: the verification path runs to the signature
     * check (a throw-away token that must be refused) and the reads, with no signing key to sign anything with.
     */
    @Test
    void aVerifyOnlyFunctionIsPrimedWithThePublicKeysAloneAndWritesNothing() {
        GatekeeperFixture gk = GatekeeperFixture.create();
        int itemsBefore = items(gk);

        assertThat(priming(gk, gk.verifying, SnapStartPriming.Scope.VERIFY, new TokenIds()).prime()).isTrue();
        assertThat(priming(gk, gk.verifying, SnapStartPriming.Scope.FULL, new TokenIds()).prime())
                .as("signing needs the private keys this service does not have").isFalse();
        assertThat(items(gk)).isEqualTo(itemsBefore);
    }

    @Test
    void aVerifyOnlyFunctionWithEs256KeysIsPrimedToo() {
        GatekeeperFixture gk = GatekeeperFixture.withKeys(TestKeys.only(TestKeys.EC_FIRST));

        assertThat(priming(gk, gk.verifying, SnapStartPriming.Scope.VERIFY, new TokenIds()).prime()).isTrue();
    }

    @Test
    void eachFunctionIsPrimedForWhatItsServiceCanDo() {
        GatekeeperFixture gk = GatekeeperFixture.create();
        Map<String, String> jwks = Map.of("_HANDLER", "dev.gatekeeper.handler.JwksHandler::handleRequest");
        Map<String, String> authorizer = Map.of("_HANDLER", "dev.gatekeeper.handler.TokenAuthorizerHandler::handleRequest");
        Map<String, String> issue = Map.of("_HANDLER", "dev.gatekeeper.handler.RequestTokenHandler::handleRequest");

        assertThat(SnapStartPriming.scopeOf(jwks, gk.verifying)).isEqualTo(SnapStartPriming.Scope.KEYS);
        assertThat(SnapStartPriming.scopeOf(authorizer, gk.verifying)).isEqualTo(SnapStartPriming.Scope.VERIFY);
        assertThat(SnapStartPriming.scopeOf(issue, gk.gatekeeper)).isEqualTo(SnapStartPriming.Scope.FULL);
    }

    @Test
    void restoredCopiesOfOneSnapshotDrawDifferentTokenIds() throws Exception {
        GatekeeperFixture gk = GatekeeperFixture.create();
        // The generator in the snapshot is deterministic here, standing for any random state a snapshot captures.
        TokenIds ids = new TokenIds(new DeterministicThenPlatform());
        priming(gk, gk.gatekeeper, SnapStartPriming.Scope.FULL, ids).beforeCheckpoint(null);
        byte[] snapshot = serialize(ids);

        TokenIds first = deserialize(snapshot);
        TokenIds second = deserialize(snapshot);
        assertThat(first.get()).as("without the restore hook, two restored copies repeat each other's ids")
                .isEqualTo(second.get());

        TokenIds restoredA = deserialize(snapshot);
        TokenIds restoredB = deserialize(snapshot);
        priming(gk, gk.gatekeeper, SnapStartPriming.Scope.FULL, restoredA).afterRestore(null);
        priming(gk, gk.gatekeeper, SnapStartPriming.Scope.FULL, restoredB).afterRestore(null);
        Set<UUID> drawn = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            drawn.add(restoredA.get());
            drawn.add(restoredB.get());
        }
        assertThat(drawn).as("ids drawn by two restored copies after the restore hook").hasSize(2_000);
    }

    /**
     * ECDSA under SnapStart: two copies restored from one snapshot hold the same random state. Signing the same
     * token in both without the restore hook gives the same signature, i.e. the same nonce k (and two different tokens
     * signed with one k give the private key away). After the hook each copy signs with randomness of its own.
     */
    @Test
    void restoredCopiesOfOneSnapshotSignEs256WithNoncesOfTheirOwn() {
        GatekeeperFixture gk = GatekeeperFixture.create();
        SigningKeySet ecKeys = TestKeys.only(TestKeys.EC_FIRST);
        // Each "restored copy" starts from the same captured state: a generator seeded identically.
        Gatekeeper copyA = Gatekeeper.create(config(gk), LocalDynamoDb.shared().client(), () -> ecKeys, gk.clock,
                new TokenIds(), new SnapshotSafeRandom(new DeterministicThenPlatform()));
        Gatekeeper copyB = Gatekeeper.create(config(gk), LocalDynamoDb.shared().client(), () -> ecKeys, gk.clock,
                new TokenIds(), new SnapshotSafeRandom(new DeterministicThenPlatform()));

        assertThat(signature(gk, copyA)).as("without the restore hook, both copies sign with the same nonce")
                .isEqualTo(signature(gk, copyB));

        priming(gk, copyA, SnapStartPriming.Scope.FULL, new TokenIds()).afterRestore(null);
        priming(gk, copyB, SnapStartPriming.Scope.FULL, new TokenIds()).afterRestore(null);
        Set<String> signatures = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            signatures.add(signature(gk, copyA));
            signatures.add(signature(gk, copyB));
        }
        assertThat(signatures).as("signatures of one token by two restored copies after the hook").hasSize(100);
    }

    /** The signature part of one fixed ES256 token, signed with the container's key and signature randomness. */
    private static String signature(GatekeeperFixture gk, Gatekeeper container) {
        Instant now = gk.clock.instant();
        TokenRecord record = new TokenRecord(SnapStartPriming.THROW_AWAY_TOKEN_ID, SnapStartPriming.NO_ORGANISATION,
                SnapStartPriming.NO_ORGANISATION, AccessType.CR, AccessType.CR, null, List.of("admin"), false, false,
                now, now.plusSeconds(10), 0, null, false, null, TestKeys.EC_FIRST.kid());
        String jwt = new JwtAccessTokenSigner(container.signingKeys(), config(gk).tokenSettings(),
                container.signatureRandom()).sign(record);
        return jwt.substring(jwt.lastIndexOf('.') + 1);
    }

    @Test
    void tokenIdsAreRandomVersion4Uuids() {
        TokenIds ids = new TokenIds();
        Set<UUID> drawn = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = ids.get();
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            drawn.add(id);
        }
        ids.reseed();
        drawn.add(ids.get());
        assertThat(drawn).hasSize(10_001);
    }

    private static SnapStartPriming priming(GatekeeperFixture gk, Gatekeeper gatekeeper, SnapStartPriming.Scope scope,
                                            TokenIds ids) {
        return new SnapStartPriming(gatekeeper, config(gk), ids, gk.clock, scope);
    }

    private static GatekeeperConfig config(GatekeeperFixture gk) {
        return GatekeeperConfig.fromEnvironment(Map.of(
                GatekeeperConfig.TABLE_NAME, gk.tableName,
                GatekeeperConfig.SIGNING_KEY_SECRET_ARN, gk.secretArn,
                GatekeeperConfig.TOKEN_ISSUER, GatekeeperFixture.ISSUER,
                GatekeeperConfig.TOKEN_AUDIENCE, GatekeeperFixture.AUDIENCE));
    }

    private static int items(GatekeeperFixture gk) {
        return LocalDynamoDb.shared().client().scan(request -> request.tableName(gk.tableName).consistentRead(true))
                .count();
    }

    private static DynamoDbClient unreachableDynamoDb() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // free once closed: nothing listens there
        }
        return DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(AwsClients.httpClient())
                .overrideConfiguration(AwsClients.dynamoDbCalls())
                .build();
    }

    private static byte[] serialize(TokenIds ids) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ids);
        }
        return bytes.toByteArray();
    }

    private static TokenIds deserialize(byte[] snapshot) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(snapshot))) {
            return (TokenIds) in.readObject();
        }
    }

    /** The first generator is a seeded SHA1PRNG (its state serialises, as a snapshot would capture it); later ones are the platform's. */
    private static final class DeterministicThenPlatform implements TokenIds.SerializableFactory {
        private static final long serialVersionUID = 1L;
        private boolean first = true;

        @Override
        public SecureRandom get() {
            if (!first) {
                return TokenIds.newDrbg();
            }
            first = false;
            try {
                SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
                random.setSeed("a snapshot's captured state".getBytes(StandardCharsets.UTF_8));
                return random;
            } catch (NoSuchAlgorithmException e) {
                throw new UncheckedIOException(new IOException(e));
            }
        }
    }
}
