package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.gatekeeper.core.keys.SigningAlgorithm;
import dev.gatekeeper.core.keys.SigningKeySet;
import dev.gatekeeper.core.keys.SigningKeySetJson;
import dev.gatekeeper.local.Http.Reply;
import dev.gatekeeper.local.seed.Seed;
import dev.gatekeeper.local.seed.SeedFile;
import dev.gatekeeper.local.storage.FilePublicKeySource;
import dev.gatekeeper.local.storage.FileSigningKeySource;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner keeps in its data directory, across stops and starts, and for whom. */
class DataDirectoryTest {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @TempDir
    Path data;

    @Test
    void tokensKeysAndTheSigningKeySurviveARestartWithTheSameDataDirectory() {
        Console console = new Console();
        Reply issued;
        try (LocalApi first = serve(console, "--seed", Repository.seed().toString())) {
            issued = new Http(first.baseUri()).postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
            assertThat(issued.status()).isEqualTo(201);
        }
        assertThat(console.err()).contains("Stopped; the data stays in " + data);

        try (LocalApi second = serve(console)) {
            Http http = new Http(second.baseUri());
            Reply withToken = http.send(http.request("/tokens").header("Authorization", "Bearer " + issued.accessToken())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"scopes\": [\"admin\"]}")));
            Reply revoked = http.post("/tokens/" + issued.tokenId() + "/revoke", LocalApiTest.MERCHANT_KEY);
            Reply withKey = http.postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

            assertThat(withToken.status()).as("the token verifies with the kept signing key").isEqualTo(201);
            assertThat(revoked.status()).isEqualTo(200);
            assertThat(revoked.data().get("status").asText()).isEqualTo("REVOKED");
            assertThat(withKey.status()).isEqualTo(201);
        }
        assertThat(console.out()).as("a data directory with organisations gets no demo").isEmpty();
    }

    @Test
    void anEmptyDataDirectoryGetsDemoOrganisationsWhoseNewKeysAreShownOnce() throws IOException {
        Console console = new Console();
        Seed demo;
        try (LocalApi api = serve(console)) {
            Path credentials = data.resolve("demo-credentials.json");
            demo = SeedFile.read(credentials);
            assertThat(demo.organisations()).extracting(entry -> entry.organisation().id().value())
                    .containsExactly("pgroup0001", "partner001", "merchant01", "merchant02");
            String merchantKey = demo.organisations().get(2).apiKeys().get(0);
            assertThat(merchantKey).startsWith("gk_").isNotEqualTo(LocalApiTest.MERCHANT_KEY);
            assertThat(console.out()).contains(merchantKey).contains(credentials.toString());
            if (POSIX) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
            }

            Reply issued = new Http(api.baseUri()).postJson("/organisations/merchant01/tokens",
                    demo.organisations().get(1).apiKeys().get(0), "{\"scopes\": [\"openbanking_pisp\"]}");
            assertThat(issued.status()).isEqualTo(201);
        }
        Console restart = new Console();
        serve(restart).close();

        assertThat(restart.out()).isEmpty();
        assertThat(SeedFile.read(data.resolve("demo-credentials.json"))).isEqualTo(demo);
    }

    @Test
    void theSigningKeyIsGeneratedOnceAndReadableOnlyByItsOwner() throws IOException {
        Path keys = data.resolve("signing-keys.json");
        serve(new Console()).close();
        String generated = Files.readString(keys);

        serve(new Console()).close();

        assertThat(Files.readString(keys)).isEqualTo(generated);
        if (POSIX) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        }
    }

    /** The verify-only functions' key file: the signing keys' public halves, as the public key secret holds them. */
    @Test
    void thePublicKeysArePublishedBesideTheSigningKeyWithoutAPrivateParameter() throws Exception {
        serve(new Console()).close();

        SigningKeySet signing = new FileSigningKeySource(data.resolve("signing-keys.json")).load();
        Path published = data.resolve("public-keys.json");
        assertThat(new FilePublicKeySource(published).load()).isEqualTo(signing.verificationKeys());
        for (Object key : JSONObjectUtils.getJSONArray(JSONObjectUtils.parse(Files.readString(published)), "keys")) {
            assertThat(((Map<?, ?>) key).keySet().stream().map(Object::toString).toList())
                    .doesNotContainAnyElementsOf(List.of("d", "p", "q", "dp", "dq", "qi"));
        }
    }

    /**
     * The split, through the runner: with the signing key file broken, the functions that sign answer 503 while the
     * ones that only verify keep working from the public key file, which is all they read.
     */
    @Test
    void theVerifyOnlyFunctionsServeFromThePublicKeyFileAlone() throws IOException {
        Reply issued;
        try (LocalApi first = serve(new Console(), "--seed", Repository.seed().toString())) {
            issued = new Http(first.baseUri()).postJson("/tokens", LocalApiTest.MERCHANT_KEY,
                    "{\"scopes\": [\"admin\"], \"expiresIn\": 3600}");
            assertThat(issued.status()).isEqualTo(201);
        }
        Files.writeString(data.resolve("signing-keys.json"), "{\"broken\": true}");
        Console console = new Console();

        try (LocalApi second = serve(console)) {
            Http http = new Http(second.baseUri());
            Reply jwks = http.send(http.request("/.well-known/jwks.json").GET());
            Reply introspected = http.send(http.request("/oauth2/introspect")
                    .header("Authorization", Http.basic(LocalApiTest.MERCHANT_KEY))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + issued.accessToken())));
            Reply signing = http.postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");

            assertThat(jwks.status()).isEqualTo(200);
            assertThat(introspected.json().get("active").asBoolean()).isTrue();
            assertThat(signing.status()).isEqualTo(503);
        }
        assertThat(console.err()).contains("Cannot publish the public signing keys to " + data.resolve("public-keys.json"));
    }

    /**
     * As a rotation publishes each new key set: when signing-keys.json changes under a running runner, the
     * verify-only functions learn the new key at their next key load instead of keeping the set published at start.
     */
    @Test
    void aSigningKeyFileChangedWhileTheRunnerIsUpIsPublishedToTheVerifyOnlyFunctions() throws Exception {
        try (LocalApi api = serve(new Console(), "--seed", Repository.seed().toString())) {
            Path signingFile = data.resolve("signing-keys.json");
            SigningKeySet before = new FileSigningKeySource(signingFile).load();
            SigningKeySet rotated = new SigningKeySet(
                    SigningKeySetJson.generateKey(SigningAlgorithm.ES256, Instant.now()), before.all());
            Files.writeString(signingFile, SigningKeySetJson.format(rotated));

            Http http = new Http(api.baseUri());
            Reply issued = http.postJson("/tokens", LocalApiTest.MERCHANT_KEY, "{\"scopes\": [\"admin\"]}");
            assertThat(SignedJWT.parse(issued.accessToken()).getHeader().getKeyID()).isEqualTo(rotated.current().kid());
            Reply introspected = http.send(http.request("/oauth2/introspect")
                    .header("Authorization", Http.basic(LocalApiTest.MERCHANT_KEY))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + issued.accessToken())));

            assertThat(introspected.json().get("active").asBoolean()).as("verified with the new public key").isTrue();
            assertThat(new FilePublicKeySource(data.resolve("public-keys.json")).load())
                    .isEqualTo(rotated.verificationKeys());
        }
    }

    @Test
    void aSecondRunnerCannotUseADataDirectoryInUse() {
        try (LocalApi first = serve(new Console())) {
            Console second = new Console();
            assertThat(first.port()).isPositive();

            int status = second.runner().run("invoke", "JwksFunction", "-e", Repository.event("jwks.json").toString(),
                    "--data-dir", data.toString(), "--template", Repository.template().toString());

            assertThat(status).isEqualTo(1);
            assertThat(second.err()).contains("in use by another runner");
        }
    }

    @Test
    void aSeedThatCannotBeLoadedWholeLoadsNothing() throws IOException {
        Path seed = data.resolveSibling(data.getFileName() + "-seed.json");
        Files.writeString(seed, """
                {"organisations": [
                  {"id": "merchant07", "accessType": "CR", "apiKeys": ["gk_a_perfectly_good_key_000000000"]},
                  {"id": "merchant08", "accessType": "CR", "parentId": "nosuchorg1"}
                ]}""");
        Console console = new Console();

        int status = console.runner().run("invoke", "RequestTokenFunction", "-e",
                Repository.event("request-token.json").toString(), "--data-dir", data.toString(),
                "--seed", seed.toString(), "--template", Repository.template().toString());

        assertThat(status).isEqualTo(1);
        assertThat(console.err()).contains("merchant08: parent nosuchorg1 is neither in the seed nor stored");
        try (LocalApi api = serve(new Console())) {
            Reply reply = new Http(api.baseUri()).postJson("/tokens", "gk_a_perfectly_good_key_000000000",
                    "{\"scopes\": [\"admin\"]}");
            assertThat(reply.status()).as("merchant07 was not stored").isEqualTo(401);
        }
    }

    private LocalApi serve(Console console, String... more) {
        String[] args = new String[6 + more.length];
        args[0] = "--port";
        args[1] = "0";
        args[2] = "--data-dir";
        args[3] = data.toString();
        args[4] = "--template";
        args[5] = Repository.template().toString();
        System.arraycopy(more, 0, args, 6, more.length);
        return console.runner().serve(args);
    }
}
