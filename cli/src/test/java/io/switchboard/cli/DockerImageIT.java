package io.switchboard.cli;

import static io.switchboard.cli.Distribution.REPO;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cli.Dockerfile.Instruction;
import io.switchboard.cli.Dockerfile.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image of {@code packaging/docker/Dockerfile}, as far as it can be checked without a
 * container engine: its build context after the package phase, its build done on the file
 * system ({@link ImageBuild}), and its command run as the container would run it, with the
 * image's environment, its health check asked, and its stop signal sent. This machine's Java
 * and curl stand in for the base image's.
 */
class DockerImageIT {
    private static final Path DOCKERFILE = REPO.resolve("packaging/docker/Dockerfile");
    /** Paths of the image that its command, environment and health check use. */
    private static final List<String> IMAGE_PATHS = List.of("/opt/switchboard", "/etc/switchboard");
    /** What {@code docker stop} waits by default before it kills the container. */
    private static final int DOCKER_STOP_TIMEOUT_SECONDS = 10;

    @TempDir
    static Path work;

    private static Dockerfile dockerfile;
    private static Stage stage;
    private static ImageBuild.Image image;

    private NodeProcess node;

    @BeforeAll
    static void build() throws Exception {
        dockerfile = Dockerfile.read(DOCKERFILE);
        List<Stage> stages = dockerfile.stages();
        stage = stages.get(stages.size() - 1);
        image = ImageBuild.build(dockerfile, REPO, DockerIgnore.read(REPO.resolve(".dockerignore")), work);
    }

    @AfterEach
    void killLeftovers() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theBuildContextIsTheDistributionArchiveAndTheImageConfigurationOnly() throws Exception {
        List<String> context = DockerIgnore.read(REPO.resolve(".dockerignore")).context(REPO);
        assertThat(context).containsExactlyInAnyOrder(
                "cli/target/switchboard-" + Distribution.version() + ".tar.gz", "packaging/docker/switchboard.yml");
        for (Stage each : dockerfile.stages()) {
            for (Instruction copy : each.all("COPY")) {
                if (!copy.flags().containsKey("from")) {
                    List<String> words = copy.words();
                    for (String source : words.subList(0, words.size() - 1)) {
                        assertThat(context).as("%s: %s in the build context", copy, source)
                                .anyMatch(file -> DockerIgnore.matchedAncestor(source, file).isPresent());
                    }
                }
            }
        }

        // The build command the Dockerfile and the operations page give is the one this context is for.
        String build = "docker build -f packaging/docker/Dockerfile -t switchboard .";
        assertThat(Files.readString(DOCKERFILE)).contains(build);
        assertThat(Files.readString(REPO.resolve("docs/operations.md"))).contains(build);

        // The image holds the unpacked distribution, not the archive.
        assertThat(image.file("/opt/switchboard/lib/switchboard.jar"))
                .hasSameBinaryContentAs(Path.of("target", "switchboard.jar"));
        assertThat(image.file("/opt/switchboard/config/example.yml"))
                .hasSameBinaryContentAs(REPO.resolve("config/example.yml"));
        try (Stream<Path> files = Files.walk(image.root())) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(".tar.gz"));
        }
    }

    @Test
    void theImageRunsJava17AsAUserOfItsOwnWithItsPortsStopSignalAndHealthCheck() throws Exception {
        for (Stage each : dockerfile.stages()) {
            assertThat(each.base()).as("base image").startsWith("eclipse-temurin:17-jre");
        }
        String user = stage.last("USER").orElseThrow().arguments().strip();
        Matcher ids = Pattern.compile("(\\d+):(\\d+)").matcher(user);
        assertThat(ids.matches()).as("USER UID:GID, numeric so that platforms can tell it is not root: %s", user)
                .isTrue();
        assertThat(ids.group(1)).isNotEqualTo("0");
        String runs = String.join("\n", stage.all("RUN").stream().map(Instruction::arguments).toList());
        assertThat(runs).as("the image's RUN commands create that user and group")
                .contains("groupadd", "useradd", "--uid " + ids.group(1), "--gid " + ids.group(2));
        assertThat(stage.all("EXPOSE").stream().flatMap(expose -> expose.words().stream()))
                .contains("8080", "9090");
        assertThat(stage.last("STOPSIGNAL").orElseThrow().arguments().strip()).isEqualTo("SIGTERM");
        assertThat(image.env()).containsKey("JAVA_OPTS");

        assertThat(image.entrypoint()).containsExactly("/opt/switchboard/bin/switchboard");
        assertThat(image.file(image.entrypoint().get(0))).isRegularFile().isExecutable();
        assertThat(image.cmd()).startsWith("serve").contains("--config");
        String config = image.cmd().get(image.cmd().indexOf("--config") + 1);
        assertThat(image.file(config)).hasSameBinaryContentAs(REPO.resolve("packaging/docker/switchboard.yml"));
        assertThat(image.file(image.workdir())).isDirectory();

        Instruction health = stage.last("HEALTHCHECK").orElseThrow();
        Duration interval = goDuration(health.flags().get("interval"));
        Duration timeout = goDuration(health.flags().get("timeout"));
        assertThat(timeout).isPositive().isLessThan(interval);
        assertThat(String.join(" ", Dockerfile.healthCommand(health))).contains("/healthz");
    }

    @Test
    void theImagesCommandServesPassesTheHealthCheckAndStopsCleanlyOnTheStopSignal() throws Exception {
        int port = Distribution.freeLoopbackPort();
        Map<String, String> env = containerEnvironment(Map.of("SWITCHBOARD_HOST", "127.0.0.1",
                "SWITCHBOARD_PORT", Integer.toString(port), "SWITCHBOARD_GRPC_PORT", "0"));
        node = start(env);
        assertThat(node.awaitPort()).isEqualTo(port);
        assertThat(node.output()).anyMatch(line -> line.contains("listening on 127.0.0.1:" + port));
        assertThat(ServeProcessIT.get(port, "/healthz")).isEqualTo(200);
        assertThat(ServeProcessIT.get(port, "/readyz")).isEqualTo(200);

        Distribution.Result healthy = healthCheck(env);
        assertThat(healthy.status()).as("health check while the node runs: %s", healthy.output()).isZero();

        assertThat(stage.last("STOPSIGNAL").orElseThrow().arguments().strip()).isEqualTo("SIGTERM");
        node.terminate(); // SIGTERM, the image's STOPSIGNAL
        node.assertExitsWithin(DOCKER_STOP_TIMEOUT_SECONDS);
        // 0 only once the node has drained and stopped (ServeCommand); a kill would be 143.
        assertThat(node.process().exitValue()).as("exit status; output: %s", node.output()).isZero();

        Distribution.Result unhealthy = healthCheck(env);
        assertThat(unhealthy.status()).as("health check once the node is gone: %s", unhealthy.output()).isEqualTo(1);
    }

    @Test
    void theHealthCheckPassesWhenTheNodeEndsTlsItself() throws Exception {
        int port = Distribution.freeLoopbackPort();
        Map<String, String> env = containerEnvironment(Map.of("SWITCHBOARD_HOST", "127.0.0.1",
                "SWITCHBOARD_PORT", Integer.toString(port), "SWITCHBOARD_GRPC_PORT", "0",
                "SWITCHBOARD_TLS_SELF_SIGNED", "true"));
        node = start(env);
        assertThat(node.awaitPort()).isEqualTo(port);
        assertThat(node.output()).anyMatch(line -> line.contains("listening on 127.0.0.1:" + port) && line.contains("(TLS"));

        Distribution.Result healthy = healthCheck(env);
        assertThat(healthy.status()).as("health check of a node serving TLS: %s", healthy.output()).isZero();

        node.terminate();
        node.assertExitsWithin(DOCKER_STOP_TIMEOUT_SECONDS);
        assertThat(node.process().exitValue()).as("exit status; output: %s", node.output()).isZero();
    }

    /**
     * The environment of the image's processes: what the base image sets (its Java, here this
     * machine's), the home of the image's user, the image's ENV, then {@code docker run -e}'s.
     */
    private static Map<String, String> containerEnvironment(Map<String, String> run) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", Distribution.jreBin() + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOME", image.file("/opt/switchboard").toString());
        env.putAll(image.env());
        env.putAll(run);
        return env;
    }

    /** Runs ENTRYPOINT + CMD in the image's WORKDIR with exactly {@code env}. */
    private static NodeProcess start(Map<String, String> env) throws Exception {
        List<String> command = relocated(image.command());
        ProcessBuilder builder = new ProcessBuilder(command).directory(image.file(image.workdir()).toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return NodeProcess.start(builder);
    }

    /** Runs the HEALTHCHECK's command as Docker does (in the container, with its environment), within its timeout. */
    private static Distribution.Result healthCheck(Map<String, String> env) throws Exception {
        Instruction health = stage.last("HEALTHCHECK").orElseThrow();
        List<String> command = relocated(Dockerfile.healthCommand(health));
        ProcessBuilder builder = new ProcessBuilder(command).directory(image.file(image.workdir()).toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return Distribution.run(builder, (int) goDuration(health.flags().get("timeout")).toSeconds());
    }

    /** The command with the image's paths moved to where the build put them; {@code /bin/sh} stays this machine's. */
    private static List<String> relocated(List<String> command) {
        List<String> words = Distribution.relocate(command, image.root(), IMAGE_PATHS);
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).startsWith(image.root().toString())) {
                assertThat(Path.of(words.get(i))).as("%s in the image", command.get(i)).exists();
            }
        }
        return words;
    }

    /** A duration as HEALTHCHECK's options write it: {@code 30s}, {@code 1m30s}, {@code 500ms}. */
    static Duration goDuration(String text) {
        assertThat(text).as("a duration").isNotNull().matches("(\\d+(ms|s|m|h))+");
        Duration total = Duration.ZERO;
        Matcher part = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text);
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        return total;
    }
}
