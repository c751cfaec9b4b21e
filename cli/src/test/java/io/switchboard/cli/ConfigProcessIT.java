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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar configured by file, environment and flags, and {@code config check}. */
class ConfigProcessIT {
    private static final Path JAR = Path.of("target", "switchboard.jar");

    @TempDir
    Path dir;

    /** Runs the jar to its end; returns exit status and output. */
    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exit, String output) {
    }

    @Test
    void configCheckPrintsTheEffectiveConfigurationOfTheExample() throws Exception {
        Result result = run(Map.of("SWITCHBOARD_NODE_ID", "sb-1", "SWITCHBOARD_API_KEYS", "backend=backend-key-0123456789"),
                "config", "check", Path.of("..", "config", "example.yml").toString());
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("node-id: sb-1", "redis: redis://redis.internal:6379",
                "backend: (hidden)", "drain-timeout: 10s").doesNotContain("backend-key-0123456789");
    }

    @Test
    void theCheckCommandInTheExamplesHeaderWorksAsWritten() throws Exception {
        Path example = Path.of("..", "config", "example.yml");
        String line = Files.readAllLines(example).stream().filter(l -> l.contains("bin/switchboard config check"))
                .findFirst().orElseThrow().replaceFirst("^#\\s*", "");
        Map<String, String> env = new java.util.HashMap<>();
        List<String> args = new ArrayList<>();
        boolean command = false;
        for (String word : line.split("\\s+")) {
            if (word.equals("bin/switchboard")) {
                command = true;
            } else if (command) {
                args.add(word.equals("config/example.yml") ? example.toString() : word);
            } else {
                env.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            }
        }
        assertThat(args).startsWith("config", "check");
        Result result = run(env, args.toArray(String[]::new));
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("redis: redis://redis.internal:6379");
    }

    @Test
    void aMistypedOptionOrCommandGetsOneLineAndAHintNotTheWholeUsage() throws Exception {
        Result option = run(Map.of(), "serve", "--prot", "8080");
        assertThat(option.exit()).isEqualTo(2);
        assertThat(option.output()).contains("switchboard: Unknown options: '--prot'", "Did you mean: --port?",
                "See 'switchboard serve --help'.");
        assertThat(option.output().lines().count()).as(option.output()).isLessThan(6);

        Result command = run(Map.of(), "srve");
        assertThat(command.exit()).isEqualTo(2);
        assertThat(command.output()).contains("srve", "serve");
        assertThat(command.output().lines().count()).as(command.output()).isLessThan(6);

        Result missingValue = run(Map.of(), "serve", "--port");
        assertThat(missingValue.exit()).isEqualTo(2);
        assertThat(missingValue.output()).contains("Missing required parameter for option '--port'");
    }

    @Test
    void noCommandPrintsTheUsageAndIsAUsageError() throws Exception {
        Result none = run(Map.of());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.output()).contains("Usage: switchboard", "serve");
        assertThat(run(Map.of(), "config").exit()).isEqualTo(2);
        assertThat(run(Map.of(), "--help").exit()).isZero();
    }

    @Test
    void configCheckNamesTheFirstInvalidSetting() throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, "port: 8080\nhistory:\n  ttl: forever\n");
        Result result = run(Map.of(), "config", "check", file.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.output()).contains("invalid setting 'history.ttl'");

        Result unknown = run(Map.of(), "config", "check", dir.resolve("missing.yml").toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("invalid setting 'config'");
    }

    @Test
    void flagsOverrideTheEnvironmentWhichOverridesTheFile() throws Exception {
        Path file = dir.resolve("node.yml");
        Files.writeString(file, "host: 127.0.0.1\nport: 0\nnode-id: from-file\n");
        try (NodeProcess node = NodeProcess.launch("serve", "--config", file.toString(), "--node-id", "from-flag")) {
            int port = node.awaitPort();
            assertThat(node.output()).anyMatch(l -> l.contains("node from-flag listening on 127.0.0.1:" + port));
        }
        Result invalid = run(Map.of("SWITCHBOARD_PORT", "not-a-port"), "serve", "--config", file.toString());
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.output()).contains("invalid setting 'port'");
        Result flagWins = run(Map.of("SWITCHBOARD_PORT", "not-a-port"), "serve", "--config", file.toString(),
                "--port", "70000");
        assertThat(flagWins.output()).contains("invalid setting 'port': must be 0 to 65535, was 70000");
    }
}
