package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive, {@code target/switchboard-VERSION.tar.gz}, unpacked as an operator would,
 * and its launcher run with nothing but a Java runtime on the PATH.
 */
class DistributionIT {
    private static final Path REPO = Path.of("..");

    @TempDir
    Path dir;

    private String version;
    private Path archive;
    private Path home;
    private NodeProcess node;

    @BeforeEach
    void unpack() throws Exception {
        version = System.getProperty("switchboard.version");
        assertThat(version).as("system property switchboard.version, set by the build").isNotBlank();
        archive = Path.of("target", "switchboard-" + version + ".tar.gz");
        assertThat(archive).as("built by the package phase").isRegularFile();
        assertThat(run(List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", dir.toString()), Map.of()))
                .isEqualTo(0);
        home = dir.resolve("switchboard-" + version);
    }

    @AfterEach
    void killLeftovers() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void holdsTheJarTheLauncherTheExampleConfigurationAndTheDocumentation() throws Exception {
        try (Stream<Path> top = Files.list(dir)) {
            assertThat(top).as("one top directory").containsExactly(home);
        }
        assertThat(home.resolve("lib/switchboard.jar")).isRegularFile()
                .hasSize(Files.size(Path.of("target", "switchboard.jar")));
        assertThat(home.resolve("README.md")).hasSameBinaryContentAs(REPO.resolve("README.md"));
        if (Files.exists(REPO.resolve("LICENSE"))) {
            assertThat(home.resolve("LICENSE")).hasSameBinaryContentAs(REPO.resolve("LICENSE"));
        }

        Path launcher = home.resolve("bin/switchboard");
        assertThat(launcher).isRegularFile().isExecutable();
        Process list = new ProcessBuilder("tar", "-tvzf", archive.toString()).redirectErrorStream(true).start();
        String listing = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(listing.lines().filter(line -> line.endsWith("switchboard-" + version + "/bin/switchboard")))
                .as("the launcher's mode in the archive").singleElement().asString().startsWith("-rwxr-xr-x");

        assertThat(home.resolve("config/example.yml")).hasSameBinaryContentAs(REPO.resolve("config/example.yml"));
        // The systemd unit and its environment file's example (SystemdUnitIT runs them).
        for (String file : List.of("switchboard.service", "switchboard.env")) {
            assertThat(home.resolve("systemd").resolve(file))
                    .hasSameBinaryContentAs(REPO.resolve("packaging/systemd").resolve(file));
        }
        // The documentation: its markdown pages and images, but not the raw benchmark results.
        List<Path> docs = filesUnder(REPO.resolve("docs")).stream()
                .map(file -> REPO.resolve("docs").relativize(file))
                .filter(file -> !file.startsWith("bench"))
                .filter(file -> file.toString().endsWith(".md") || file.startsWith("img"))
                .toList();
        assertThat(docs).isNotEmpty();
        for (Path doc : docs) {
            assertThat(home.resolve("docs").resolve(doc.toString()))
                    .hasSameBinaryContentAs(REPO.resolve("docs").resolve(doc.toString()));
        }
        assertThat(home.resolve("docs/bench")).doesNotExist();
    }

    @Test
    void theLauncherServesWithOnlyAJavaRuntimeOnThePathAndStopsCleanlyOnSigterm() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/switchboard").toString(),
                "serve", "--host", "127.0.0.1", "--port", "0", "--grpc-port", "0").directory(dir.toFile());
        isolate(builder.environment(), Map.of("PATH", jreBin() + ":/usr/bin:/bin"));
        node = NodeProcess.start(builder);
        int port = node.awaitPort();
        assertThat(node.output()).anyMatch(line -> line.contains("listening on 127.0.0.1:" + port));
        assertThat(ServeProcessIT.get(port, "/healthz")).isEqualTo(200);

        node.terminate(); // SIGTERM, which reaches the JVM: the launcher execs it
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).as("exit status; output: %s", node.output()).isZero();
    }

    @Test
    void theLauncherPrintsTheVersion() throws Exception {
        List<String> output = new ArrayList<>();
        int status = run(List.of(home.resolve("bin/switchboard").toString(), "--version"),
                Map.of("PATH", jreBin() + ":/usr/bin:/bin"), output);
        assertThat(status).as("exit status; output: %s", output).isZero();
        assertThat(output).contains("switchboard " + version);
    }

    @Test
    void theLauncherUsesJavaHomeAndWorksThroughASymbolicLink() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("switchboard"), home.resolve("bin/switchboard"));
        List<String> output = new ArrayList<>();
        int status = run(List.of(link.toString(), "--version"),
                Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home")), output);
        assertThat(status).as("exit status; output: %s", output).isZero();
        assertThat(output).contains("switchboard " + version);
    }

    private static String jreBin() {
        return Path.of(System.getProperty("java.home"), "bin").toString();
    }

    /** Takes away what the test's own environment could change (Java, JVM options, settings), then adds {@code set}. */
    private static void isolate(Map<String, String> environment, Map<String, String> set) {
        environment.keySet().removeIf(name -> name.equals("JAVA_HOME") || name.equals("JAVA_OPTS")
                || name.startsWith("SWITCHBOARD_"));
        environment.putAll(set);
    }

    private int run(List<String> command, Map<String, String> environment) throws Exception {
        return run(command, environment, new ArrayList<>());
    }

    /** Runs {@code command} in the temporary directory to its end; its output goes to {@code output}. */
    private int run(List<String> command, Map<String, String> environment, List<String> output) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        isolate(builder.environment(), environment);
        try (NodeProcess process = NodeProcess.start(builder)) {
            List<String> lines = process.outputAfterExit();
            output.addAll(lines);
            assertThat(process.process().isAlive()).as("%s still running; output: %s", command, lines).isFalse();
            return process.process().exitValue();
        }
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
