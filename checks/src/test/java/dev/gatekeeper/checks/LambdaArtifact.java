package dev.gatekeeper.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One function's built artifact as Lambda's Java runtime reads it: classes and resources at the top of the folder,
 * libraries in lib/*.jar.
 */
record LambdaArtifact(Path folder) {

    /**
     * A file of the artifact: {@code jar} is empty for a file of the folder itself (its {@code name} relative to
     * the folder, lib/*.jar included) and names the jar for a file inside one of the libraries.
     */
    record Entry(String jar, String name) {
        @Override
        public String toString() {
            return jar.isEmpty() ? name : jar + "!/" + name;
        }
    }

    List<Path> jars() {
        Path lib = folder.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A class loader over the folder and its jars only. Its parent is the platform loader, so nothing on the
     * checks' own class path can stand in for a class the artifact lacks. The caller closes it.
     */
    URLClassLoader classLoader() {
        List<URL> urls = new ArrayList<>();
        try {
            urls.add(folder.toUri().toURL());
            for (Path jar : jars()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        return new URLClassLoader("artifact " + folder.getFileName(), urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader());
    }

    /** Every file of the folder, and every file inside each of its jars. */
    List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            files.filter(Files::isRegularFile)
                    .map(file -> new Entry("", folder.relativize(file).toString().replace('\\', '/')))
                    .sorted(Comparator.comparing(Entry::name))
                    .forEach(entries::add);
            for (Path jar : jars()) {
                String jarName = folder.relativize(jar).toString().replace('\\', '/');
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    Enumeration<? extends ZipEntry> inside = zip.entries();
                    while (inside.hasMoreElements()) {
                        ZipEntry entry = inside.nextElement();
                        if (!entry.isDirectory()) {
                            entries.add(new Entry(jarName, entry.getName()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    @Override
    public String toString() {
        return folder.getFileName().toString();
    }
}
