package dev.gatekeeper.checks;

import static dev.gatekeeper.checks.CloudFormationYaml.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** template.yaml and openapi.yaml describe the same API: each route of one is an operation of the other. */
class OpenApiRoutesTest {
    private static final Comparator<ApiRoute> BY_PATH_THEN_METHOD =
            Comparator.comparing(ApiRoute::path).thenComparing(ApiRoute::method);
    private static final Set<String> HTTP_METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    @Test
    void everyRouteOfTheTemplateIsAnOperationOfTheOpenApiDocument() throws IOException {
        Set<ApiRoute> templateRoutes = templateRoutes();

        assertThat(templateRoutes).as("Api event routes of template.yaml").isNotEmpty();
        assertThat(openApiOperations())
                .as("operations of openapi.yaml (each route of template.yaml should be one)")
                .containsAll(templateRoutes);
    }

    @Test
    void everyOperationOfTheOpenApiDocumentIsARouteOfTheTemplate() throws IOException {
        Set<ApiRoute> operations = openApiOperations();

        assertThat(operations).as("operations of openapi.yaml").isNotEmpty();
        assertThat(templateRoutes())
                .as("Api event routes of template.yaml (each operation of openapi.yaml should be one)")
                .containsAll(operations);
    }

    private static Set<ApiRoute> templateRoutes() {
        Set<ApiRoute> routes = new TreeSet<>(BY_PATH_THEN_METHOD);
        for (LambdaFunction function : Template.read(Repository.file("template.yaml")).functions()) {
            routes.addAll(function.apiRoutes());
        }
        return routes;
    }

    private static Set<ApiRoute> openApiOperations() throws IOException {
        Path document = Repository.file("openapi.yaml");
        Set<ApiRoute> operations = new TreeSet<>(BY_PATH_THEN_METHOD);
        map(CloudFormationYaml.read(Files.readString(document), document.toString()).get("paths"))
                .forEach((path, item) -> map(item).keySet().stream()
                        .filter(HTTP_METHODS::contains)
                        .forEach(method -> operations.add(new ApiRoute(method, path))));
        return operations;
    }
}
