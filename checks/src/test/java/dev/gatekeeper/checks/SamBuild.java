package dev.gatekeeper.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code sam build} left in .aws-sam/build: the built template and, for each function, the folder of its
 * artifact. scripts/check-template builds it before Maven runs; these checks never build it themselves, so they
 * judge exactly what a {@code sam deploy} would upload.
 */
final class SamBuild {
    private static final String HOW_TO_BUILD =
            "run scripts/test (it runs scripts/check-template, whose `sam build` writes it, before Maven)";

    private SamBuild() {
    }

    /** The built template; fails when there is none, or when the sources changed after it was built. */
    static Template template() {
        Path built = Repository.file(".aws-sam/build/template.yaml");
        if (!Files.isRegularFile(built)) {
            throw new AssertionError(built + " is missing: " + HOW_TO_BUILD);
        }
        Path newest = newestSource();
        if (modified(newest).compareTo(modified(built)) > 0) {
            throw new AssertionError(Repository.root().relativize(newest) + " changed after the last sam build ("
                    + built + "): " + HOW_TO_BUILD);
        }
        return Template.read(built);
    }

    static List<LambdaFunction> functions() {
        return template().functions();
    }

    /** The folder a function's built code is in (its CodeUri, relative to the built template). */
    static Path artifactOf(LambdaFunction function) {
        String code = function.code().orElseThrow(() ->
                new AssertionError(function.name() + " has no local code in the built template"));
        Path folder = Repository.file(".aws-sam/build").resolve(code).normalize();
        if (!Files.isDirectory(folder)) {
            throw new AssertionError(function.name() + ": its built code " + folder + " is not a folder");
        }
        return folder;
    }

    /** The most recently changed of the files the artifact and the built template are made of (not the tests). */
    private static Path newestSource() {
        List<Path> sources = new ArrayList<>(List.of(
                Repository.file("template.yaml"), Repository.file("functions/pom.xml")));
        try (Stream<Path> files = Files.walk(Repository.file("functions/src/main"))) {
            files.filter(Files::isRegularFile).forEach(sources::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources.stream().max(Comparator.comparing(SamBuild::modified)).orElseThrow();
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
