package dev.gatekeeper.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves that each function's built artifact holds what runs in Lambda and nothing else: the functions' own classes
 * and their runtime libraries, none of the emulators, test libraries, tooling, runner or test code of the repository.
 */
class LambdaArtifactTest {
    private static final int EXAMPLES = 5;

    /** Something only tests, emulators or tooling use, told by a path (lower case) inside the artifact. */
    private record Unwanted(String what, Predicate<String> path) {
    }

    private static final List<Unwanted> UNWANTED = List.of(
            new Unwanted("DynamoDB Local",
                    path -> path.contains("dynamodblocal") || path.contains("dynamodbv2/local/")),
            new Unwanted("sqlite4java (DynamoDB Local's store)", path -> path.contains("sqlite4java")),
            new Unwanted("Jetty", path -> path.contains("jetty")),
            new Unwanted("JUnit", path -> path.contains("junit")),
            new Unwanted("AssertJ", path -> path.contains("assertj")),
            new Unwanted("Testcontainers", path -> path.contains("testcontainers")),
            new Unwanted("moto or other Python tooling", LambdaArtifactTest::isPythonTooling),
            new Unwanted("picocli", path -> path.contains("picocli")),
            new Unwanted("the local runner (dev.gatekeeper.local)", path -> path.contains("dev/gatekeeper/local/")),
            new Unwanted("the admin CLI (dev.gatekeeper.admin)", path -> path.contains("dev/gatekeeper/admin/")),
            new Unwanted("the test harness (dev.gatekeeper.testing)", path -> path.contains("dev/gatekeeper/testing/")),
            new Unwanted("these checks (dev.gatekeeper.checks)", path -> path.contains("dev/gatekeeper/checks/")));

    static List<LambdaArtifact> artifacts() {
        return SamBuild.functions().stream().map(SamBuild::artifactOf).distinct().map(LambdaArtifact::new).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("artifacts")
    void artifactHoldsEveryClassOfTheFunctionsSources(LambdaArtifact artifact) {
        Set<String> files = artifact.entries().stream()
                .filter(entry -> entry.jar().isEmpty())
                .map(LambdaArtifact.Entry::name)
                .collect(Collectors.toSet());
        List<String> classes = sourceClasses("functions/src/main/java");

        assertThat(classes).as("classes compiled from functions/src/main/java").isNotEmpty();
        assertThat(files).as("the files of %s", artifact.folder()).containsAll(classes);
    }

    /**
     * Issue 7's budget for the unzipped artifact (12 MB, decimal as Lambda counts its own limits): fewer bytes to
     * fetch and unpack on a cold start and fewer jars for the class loader to search. It is met by the
     * URLConnection HTTP client instead of the Apache one (BENCHMARKS.md, cold start); a new dependency that breaks
     * it needs a reason written down there.
     */
    static final long MAX_UNZIPPED_BYTES = 12_000_000;

    @ParameterizedTest(name = "{0}")
    @MethodSource("artifacts")
    void artifactFitsTheSizeBudget(LambdaArtifact artifact) throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(artifact.folder())) {
            bytes = files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }

        assertThat(bytes).as("unzipped bytes of %s", artifact.folder()).isLessThanOrEqualTo(MAX_UNZIPPED_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("artifacts")
    void artifactHoldsNoEmulatorTestLibraryToolingOrOtherModule(LambdaArtifact artifact) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (LambdaArtifact.Entry entry : artifact.entries()) {
            String path = entry.toString().toLowerCase(Locale.ROOT);
            for (Unwanted unwanted : UNWANTED) {
                if (unwanted.path().test(path)) {
                    found.computeIfAbsent(unwanted.what(), what -> new ArrayList<>()).add(entry.toString());
                }
            }
        }

        assertThat(summary(found)).as("what only tests or tooling use, found in %s", artifact.folder()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("artifacts")
    void artifactHoldsNoTestClassesOrTestResources(LambdaArtifact artifact) {
        List<String> testClasses = sourceClasses("functions/src/test/java");
        Set<String> testResources = new TreeSet<>(sourceFiles("functions/src/test/resources"));
        testResources.removeAll(sourceFiles("functions/src/main/resources"));

        Map<String, List<String>> found = new LinkedHashMap<>();
        for (LambdaArtifact.Entry entry : artifact.entries()) {
            String name = entry.name();
            String outerClass = name.replaceFirst("\\$.*\\.class$", ".class");
            if (testClasses.contains(outerClass)) {
                found.computeIfAbsent("classes of functions/src/test", what -> new ArrayList<>()).add(entry.toString());
            } else if (name.startsWith("dev/gatekeeper/") && outerClass.matches(".*(Test|Tests|IT)\\.class")) {
                found.computeIfAbsent("classes named as tests", what -> new ArrayList<>()).add(entry.toString());
            } else if (entry.jar().isEmpty() && testResources.contains(name)) {
                found.computeIfAbsent("files of functions/src/test/resources", what -> new ArrayList<>())
                        .add(entry.toString());
            }
        }

        assertThat(testClasses).as("classes compiled from functions/src/test/java").isNotEmpty();
        assertThat(summary(found)).as("test code found in %s", artifact.folder()).isEmpty();
    }

    private static boolean isPythonTooling(String path) {
        return path.endsWith(".py") || path.endsWith(".pyc")
                || Arrays.stream(path.split("[/!]")).anyMatch(part -> part.equals("moto") || part.startsWith("moto_")
                        || part.startsWith("moto-"));
    }

    /** One line per kind of finding: how many entries, and the first few. */
    private static List<String> summary(Map<String, List<String>> found) {
        return found.entrySet().stream()
                .map(kind -> kind.getKey() + ": " + kind.getValue().size() + " files, e.g. "
                        + kind.getValue().stream().limit(EXAMPLES).toList())
                .toList();
    }

    /** The class files compiled from the Java sources under a folder (named after their files). */
    private static List<String> sourceClasses(String sourceFolder) {
        return sourceFiles(sourceFolder).stream()
                .filter(file -> file.endsWith(".java"))
                .filter(file -> !file.endsWith("package-info.java") && !file.endsWith("module-info.java"))
                .map(file -> file.replaceFirst("\\.java$", ".class"))
                .toList();
    }

    /** The files under a folder of the repository, relative to it, with '/' separators; none if it is absent. */
    private static List<String> sourceFiles(String folder) {
        Path root = Repository.file(folder);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
