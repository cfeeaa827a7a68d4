package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner's commands, options and exit statuses, as a shell sees them. */
class CommandLineTest {
    private final Console console = new Console();

    private int run(String... args) {
        return console.runner().run(args);
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(console.out()).contains("serve").contains("invoke");
    }

    @Test
    void eachCommandHasItsOwnHelp() {
        assertThat(run("serve", "--help")).isZero();
        assertThat(run("invoke", "-h")).isZero();
        assertThat(run("help", "invoke")).isZero();

        assertThat(console.out()).contains("--port N").contains("-e, --event FILE").contains("--seed FILE")
                .contains("--store KIND");
    }

    @Test
    void serveHelpTellsHowToReachTheStoreTheProtectedRouteAndTheDocs() {
        assertThat(run("help", "serve")).isZero();

        assertThat(console.out()).contains("--dynamodb-port N").contains("--protect").contains("/protected/whoami")
                .contains("GET /docs").contains("GET /openapi.yaml").contains("scripts/admin --endpoint");
    }

    @Test
    void theStoresPortAndTheProtectedApiAreOptionsOfServeOnly() {
        assertThat(run("--dynamodb-port", "eight")).isEqualTo(2);
        assertThat(run("invoke", "JwksFunction", "-e", "x.json", "--dynamodb-port", "8000")).isEqualTo(2);
        assertThat(run("invoke", "JwksFunction", "-e", "x.json", "--protect")).isEqualTo(2);
        assertThat(console.err()).contains("--dynamodb-port must be a number from 0 to 65535")
                .contains("--dynamodb-port is an option of serve").contains("--protect is an option of serve");
    }

    @Test
    void throttlingIsExplainedAndItsLimitsMustBePositive() {
        assertThat(run("help", "serve")).isZero();
        assertThat(console.out()).contains("--throttle-rate R").contains("--stage-throttle-burst B")
                .contains("--no-throttle").contains("Retry-After").contains("SHA-256");

        assertThat(run("--throttle-rate", "0")).isEqualTo(2);
        assertThat(run("--throttle-burst", "1.5")).isEqualTo(2);
        assertThat(run("--no-throttle", "--stage-throttle-rate", "10")).isEqualTo(2);
        assertThat(run("invoke", "JwksFunction", "-e", "x.json", "--no-throttle")).isEqualTo(2);
        assertThat(console.err()).contains("--throttle-rate must be a number of requests a second above 0")
                .contains("--throttle-burst must be a whole number").contains("--no-throttle excludes")
                .contains("throttling is an option of serve");
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingIt() {
        assertThat(run("serve", "--prot", "3000")).isEqualTo(2);
        assertThat(console.err()).contains("unknown option --prot");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("start")).isEqualTo(2);
        assertThat(console.err()).contains("unknown command \"start\"");
    }

    @Test
    void aMissingOrMalformedValueIsAUsageError() {
        assertThat(run("--port")).isEqualTo(2);
        assertThat(run("--port", "eighty")).isEqualTo(2);
        assertThat(run("--aws-endpoint", "localhost:4566")).isEqualTo(2);
        assertThat(console.err()).contains("--port needs a value").contains("--port must be a number")
                .contains("--aws-endpoint must be a URL");
    }

    @Test
    void inMemoryAndADataDirectoryExcludeEachOther() {
        assertThat(run("--in-memory", "--data-dir", "x")).isEqualTo(2);
        assertThat(console.err()).contains("--in-memory and --data-dir exclude each other");
    }

    @Test
    void theStoreIsDynamoDbLocalUnlessMemoryIsAskedForWhichKeepsNothing() {
        CommandLine.Serve byDefault = (CommandLine.Serve) CommandLine.parse(List.of());
        CommandLine.Serve memory = (CommandLine.Serve) CommandLine.parse(List.of("--store", "memory"));
        CommandLine.Serve dynamoDb = (CommandLine.Serve) CommandLine.parse(List.of("--store=dynamodb-local"));

        assertThat(byDefault.storage().store()).isEqualTo(CommandLine.Store.DYNAMODB_LOCAL);
        assertThat(byDefault.storage().dataDirectory()).contains(CommandLine.DEFAULT_DATA_DIRECTORY);
        assertThat(memory.storage().store()).isEqualTo(CommandLine.Store.MEMORY);
        assertThat(memory.storage().dataDirectory()).isEmpty();
        assertThat(dynamoDb.storage().store()).isEqualTo(CommandLine.Store.DYNAMODB_LOCAL);
    }

    @Test
    void theMemoryStoreExcludesWhatOnlyAnotherStoreHas() {
        assertThat(run("--store", "sqlite")).isEqualTo(2);
        assertThat(run("--store", "memory", "--data-dir", "x")).isEqualTo(2);
        assertThat(run("--store", "memory", "--aws-endpoint", "http://127.0.0.1:4566")).isEqualTo(2);
        assertThat(run("--store", "memory", "--dynamodb-port", "8000")).isEqualTo(2);
        assertThat(console.err()).contains("--store must be dynamodb-local or memory, not \"sqlite\"")
                .contains("--store memory keeps nothing, so it excludes --data-dir")
                .contains("--store memory and --aws-endpoint exclude each other")
                .contains("--store memory runs none");
    }

    @Test
    void invokeNeedsAFunctionAndAnEvent() {
        assertThat(run("invoke", "-e", "events/jwks.json")).isEqualTo(2);
        assertThat(run("invoke", "JwksFunction")).isEqualTo(2);
        assertThat(run("invoke", "JwksFunction", "-e", "x.json", "--port", "1")).isEqualTo(2);
        assertThat(console.err()).contains("exactly one FUNCTION").contains("needs an event")
                .contains("--port is an option of serve");
    }

    @Test
    void invokingAFunctionTheTemplateDoesNotHaveFailsListingItsFunctions() {
        int status = run("invoke", "NoSuchFunction", "-e", Repository.event("jwks.json").toString(), "--in-memory",
                "--template", Repository.template().toString());

        assertThat(status).isEqualTo(2);
        assertThat(console.err()).contains("no function NoSuchFunction").contains("RequestTokenFunction");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void anEventThatIsNotJsonIsAUsageError() {
        int status = run("invoke", "JwksFunction", "-e", Repository.event("README.md").toString(), "--in-memory",
                "--template", Repository.template().toString());

        assertThat(status).isEqualTo(2);
        assertThat(console.err()).contains("is not valid JSON");
    }

    @Test
    void aMissingTemplateIsAnErrorThatSaysWhereToRunFrom() {
        assertThat(run("--in-memory", "--template", "no/such/template.yaml")).isEqualTo(1);
        assertThat(console.err()).contains("No template at no/such/template.yaml");
    }

    @Test
    void aBadSeedFileIsRefusedBeforeAnythingStarts() {
        int status = run("--in-memory", "--seed", Repository.event("jwks.json").toString(),
                "--template", Repository.template().toString());

        assertThat(status).isEqualTo(1);
        assertThat(console.err()).contains("cannot be loaded").doesNotContain("Created table");
    }
}
