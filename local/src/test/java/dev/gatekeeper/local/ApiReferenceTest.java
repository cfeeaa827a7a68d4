package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.local.Http.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner serves the repository's openapi.yaml and an API reference rendered from it, offline. */
class ApiReferenceTest {
    private static final Console console = new Console();
    private static LocalApi api;
    private static Http http;
    private static String openApi;

    @BeforeAll
    static void start() throws IOException {
        openApi = Files.readString(Repository.root().resolve("openapi.yaml"), StandardCharsets.UTF_8);
        api = console.runner().serve("--port", "0", "--in-memory", "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString());
        http = new Http(api.baseUri());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theOpenApiDocumentIsServedAsItIsInTheRepository() {
        Reply reply = http.send(http.request("/openapi.yaml"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/yaml");
        assertThat(reply.body()).isEqualTo(openApi);
    }

    @Test
    void theApiReferenceListsEveryOperationOfTheDocument() {
        Reply reply = http.send(http.request("/docs"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        List<String> operationIds = operationIds();
        assertThat(operationIds).hasSizeGreaterThanOrEqualTo(11);
        for (String operationId : operationIds) {
            assertThat(reply.body()).contains("id=\"" + operationId + "\"").contains("<code>" + operationId + "</code>");
        }
        assertThat(reply.body()).contains("<span class=\"path\">/organisations/{encodedOrganisationId}/tokens</span>")
                .contains("TokenRequest").contains("ErrorResponse");
        assertThat(console.err()).containsPattern("(?m)^GET /docs 200 \\d+ms ApiReference$");
    }

    @Test
    void theApiReferenceEscapesTheDocumentsTextAndLoadsNothingFromElsewhere() {
        assertThat(openApi).contains("base64(\"<apiKey>:\")");

        String page = http.send(http.request("/docs")).body();

        assertThat(page).contains("base64(&quot;&lt;apiKey&gt;:&quot;)").doesNotContain("<apiKey>");
        assertThat(page).doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");
    }

    private static List<String> operationIds() {
        Matcher matcher = Pattern.compile("(?m)^\\s+operationId:\\s*(\\S+)\\s*$").matcher(openApi);
        List<String> ids = new ArrayList<>();
        while (matcher.find()) {
            ids.add(matcher.group(1));
        }
        return ids;
    }
}
