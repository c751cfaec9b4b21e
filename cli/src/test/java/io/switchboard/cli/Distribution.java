package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The distribution archive the package phase built, and what the packaging tests do with it. */
final class Distribution {
    /** The repository's root, seen from the module's directory where the tests run. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private Distribution() {
    }

    static String version() {
        String version = System.getProperty("switchboard.version");
        assertThat(version).as("system property switchboard.version, set by the build").isNotBlank();
        return version;
    }

    /** {@code target/switchboard-VERSION.tar.gz}. */
    static Path archive() {
        Path archive = Path.of("target", "switchboard-" + version() + ".tar.gz").toAbsolutePath();
        assertThat(archive).as("built by the package phase").isRegularFile();
        return archive;
    }

    /** Unpacks the archive's content (without its top directory) into {@code home}, as an operator would. */
    static Path unpackInto(Path home) throws IOException, InterruptedException {
        Files.createDirectories(home);
        Result tar = run(new ProcessBuilder("tar", "-xzf", archive().toString(), "-C", home.toString(),
                "--strip-components=1"), 60);
        assertThat(tar.status()).as("tar: %s", tar.output()).isZero();
        return home;
    }

    /** The bin directory of the Java runtime the tests run on. */
    static String jreBin() {
        return Path.of(System.getProperty("java.home"), "bin").toString();
    }

    /** A loopback port that was free a moment ago. */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A command run to its end. */
    record Result(int status, String output) {
    }

    /** Runs {@code builder}'s command to its end (stderr with stdout), failing when it takes longer than {@code seconds}. */
    static Result run(ProcessBuilder builder, int seconds) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        process.getOutputStream().close();
        try {
            // Read on another thread: a command that hangs must not hang the test past its time.
            java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as("%s ends within %d s", builder.command(), seconds)
                    .isTrue();
            return new Result(process.exitValue(), output.orTimeout(10, TimeUnit.SECONDS).join());
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** The words of {@code command} with image or installation paths under {@code prefixes} moved below {@code root}. */
    static List<String> relocate(List<String> command, Path root, List<String> prefixes) {
        return command.stream().map(word -> relocate(word, root, prefixes)).toList();
    }

    static String relocate(String word, Path root, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (word.equals(prefix) || word.startsWith(prefix + "/")) {
                return root.resolve(word.substring(1)).toString();
            }
        }
        return word;
    }
}
