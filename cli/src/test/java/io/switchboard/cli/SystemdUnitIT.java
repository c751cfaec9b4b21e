package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit of the distribution ({@code systemd/switchboard.service}), installed as
 * docs/operations.md says, in a temporary directory standing for the machine's root:
 * {@code systemd-analyze} checks it, and its ExecStart= runs with the environment the unit
 * gives it (Environment=, then the EnvironmentFile=), and stops on its KillSignal= within its
 * TimeoutStopSec=. Without systemd as the service manager, the user, the sandboxing and the
 * restarts themselves are not exercised: their settings are checked instead.
 */
class SystemdUnitIT {
    /** Paths of the installation that the unit names. */
    private static final List<String> INSTALLED_PATHS = List.of("/opt/switchboard", "/etc/switchboard");
    /** The PATH systemd gives a service. */
    private static final String SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin";
    private static final Pattern COMMENTED_SETTING = Pattern.compile("#([A-Z][A-Z0-9_]*=.*)");

    @TempDir
    Path root;

    private Path home;
    private Path unitFile;
    private SystemdUnit unit;
    private RedisServer redis;
    private NodeProcess node;

    @BeforeEach
    void install() throws Exception {
        home = Distribution.unpackInto(root.resolve("opt/switchboard"));
        unitFile = home.resolve("systemd/switchboard.service");
        unit = SystemdUnit.read(unitFile);
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitAndRatesItsSandbox() throws Exception {
        String analyze = onPath("systemd-analyze");
        // The unit as installed, its paths moved under the temporary root, so that systemd-analyze
        // finds the executable of ExecStart= and the rest.
        String text = Files.readString(unitFile);
        for (String prefix : INSTALLED_PATHS) {
            text = text.replace(prefix, root.resolve(prefix.substring(1)).toString());
        }
        Path moved = Files.writeString(root.resolve("switchboard.service"), text);

        Distribution.Result verify = Distribution.run(new ProcessBuilder(analyze, "verify", "--man=no",
                moved.toString()), 60);
        assertThat(verify.status()).as("systemd-analyze verify: %s", verify.output()).isZero();
        assertThat(verify.output()).as("systemd-analyze verify has nothing to say").isEmpty();

        // Its exposure scale runs from 0 (sandboxed) to 10 (none); a plain unit with a User= is
        // about 9. 3.5 leaves a little room above what the unit has now.
        Distribution.Result security = Distribution.run(new ProcessBuilder(analyze, "security", "--offline=yes",
                "--threshold=35", moved.toString()), 60);
        assertThat(security.status()).as("systemd-analyze security: %s", security.output()).isZero();
    }

    @Test
    void theUnitRunsAsItsOwnUserRestartsOnFailureAndIsSandboxed() {
        assertThat(unit.value("Service", "User")).get().isNotIn("root", "0");
        assertThat(unit.value("Service", "Type")).get().isIn("exec", "simple");
        assertThat(unit.value("Service", "Restart")).contains("on-failure");
        assertThat(unit.value("Service", "KillSignal").orElse("SIGTERM")).isEqualTo("SIGTERM");
        assertThat(unit.value("Service", "KillMode").orElse("control-group")).isIn("control-group", "mixed");
        assertThat(Long.parseLong(unit.value("Service", "LimitNOFILE").orElseThrow()))
                .as("file descriptors: one per connection").isGreaterThanOrEqualTo(65_536);
        assertThat(unit.value("Service", "NoNewPrivileges")).contains("yes");
        assertThat(unit.value("Service", "ProtectSystem")).contains("strict");
        assertThat(unit.value("Service", "ProtectHome")).contains("yes");
        assertThat(unit.value("Service", "PrivateTmp")).contains("yes");
        assertThat(unit.value("Service", "CapabilityBoundingSet")).as("no capabilities").contains("");
        assertThat(unit.value("Service", "MemoryDenyWriteExecute").orElse("no"))
                .as("the JIT compiler writes code").isEqualTo("no");
        assertThat(unit.value("Install", "WantedBy")).contains("multi-user.target");
    }

    @Test
    void theUnitsCommandServesTheExampleConfigurationAndStopsOnItsKillSignalWithinItsStopTimeout() throws Exception {
        redis = RedisServer.start();
        int port = Distribution.freeLoopbackPort();
        Map<String, String> env = serviceEnvironment(Map.of("SWITCHBOARD_REDIS", redis.uri(),
                "SWITCHBOARD_HOST", "127.0.0.1", "SWITCHBOARD_PORT", Integer.toString(port),
                "SWITCHBOARD_GRPC_PORT", "0"));

        // The configuration the node runs with, through the same launcher, files and environment.
        Distribution.Result check = Distribution.run(service(env, List.of(
                "/opt/switchboard/bin/switchboard", "config", "check", "/etc/switchboard/switchboard.yml")), 60);
        assertThat(check.status()).as("config check: %s", check.output()).isZero();
        assertThat(check.output()).as("the settings of the environment file reach the node")
                .contains("node-id: sb-1", "redis: " + redis.uri(), "backend: (hidden)");
        Matcher drain = Pattern.compile("(?m)^drain-timeout: (\\S+)$").matcher(check.output());
        assertThat(drain.find()).as("drain-timeout in %s", check.output()).isTrue();
        Duration drainTimeout = io.switchboard.server.config.Setting.parseDuration("drain-timeout", drain.group(1));
        Duration stopTimeout = SystemdUnit.timeSpan(unit.value("Service", "TimeoutStopSec").orElseThrow());
        assertThat(stopTimeout).as("TimeoutStopSec= leaves the node its whole drain and 10 s to stop after it")
                .isGreaterThanOrEqualTo(drainTimeout.plusSeconds(10));

        node = NodeProcess.start(service(env, unit.command("ExecStart", env)));
        assertThat(node.awaitPort()).isEqualTo(port);
        assertThat(node.output()).anyMatch(line -> line.contains("node sb-1 listening on 127.0.0.1:" + port));
        assertThat(ServeProcessIT.get(port, "/healthz")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ServeProcessIT.get(port, "/readyz") == 200);

        assertThat(unit.value("Service", "KillSignal").orElse("SIGTERM")).isEqualTo("SIGTERM");
        node.terminate(); // SIGTERM
        node.assertExitsWithin((int) stopTimeout.toSeconds());
        assertThat(node.process().exitValue()).as("exit status; output: %s", node.output()).isZero();
        assertThat(node.outputAfterExit()).as("it drained and said so").anyMatch(line -> line.contains("node sb-1 stopped"));
    }

    @Test
    void anInvalidSettingEndsWithAStatusNotRestartedAndAnUnreachableRedisWithOneThatIs() throws Exception {
        List<String> noRestart = unit.values("Service", "RestartPreventExitStatus").stream()
                .flatMap(value -> Words.split(value).stream()).toList();

        Map<String, String> invalid = serviceEnvironment(Map.of("SWITCHBOARD_REDIS", "redis://127.0.0.1:1",
                "SWITCHBOARD_HOST", "127.0.0.1", "SWITCHBOARD_PORT", "70000", "SWITCHBOARD_GRPC_PORT", "0"));
        Distribution.Result refused = Distribution.run(service(invalid, unit.command("ExecStart", invalid)), 60);
        assertThat(refused.output()).contains("invalid setting 'port'");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(noRestart).as("RestartPreventExitStatus=").contains("2");

        Map<String, String> unreachable = serviceEnvironment(Map.of("SWITCHBOARD_REDIS", "redis://127.0.0.1:"
                + Distribution.freeLoopbackPort(), "SWITCHBOARD_HOST", "127.0.0.1",
                "SWITCHBOARD_PORT", Integer.toString(Distribution.freeLoopbackPort()), "SWITCHBOARD_GRPC_PORT", "0"));
        Distribution.Result failed = Distribution.run(service(unreachable, unit.command("ExecStart", unreachable)), 60);
        assertThat(failed.output()).contains("cannot connect to Redis");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(noRestart).as("RestartPreventExitStatus=").doesNotContain("1");
        assertThat(unit.value("Service", "Restart")).contains("on-failure");
    }

    /**
     * Installs the configuration as docs/operations.md says (config/example.yml as
     * /etc/switchboard/switchboard.yml, systemd/switchboard.env as
     * /etc/switchboard/switchboard.env, its settings filled in and {@code settings} set in it)
     * and returns the environment systemd would give ExecStart=: its own, then Environment=,
     * then the EnvironmentFile=.
     */
    private Map<String, String> serviceEnvironment(Map<String, String> settings) throws Exception {
        Path etc = Files.createDirectories(root.resolve("etc/switchboard"));
        Files.copy(home.resolve("config/example.yml"), etc.resolve("switchboard.yml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> filledIn = new HashMap<>(settings);
        filledIn.put("JAVA_HOME", System.getProperty("java.home"));
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(home.resolve("systemd/switchboard.env"))) {
            Matcher setting = COMMENTED_SETTING.matcher(line);
            String active = setting.matches() ? setting.group(1) : line;
            String name = active.contains("=") ? active.substring(0, active.indexOf('=')) : "";
            lines.add(filledIn.containsKey(name) ? name + "=" + filledIn.remove(name) : active);
        }
        filledIn.forEach((name, value) -> lines.add(name + "=" + value));
        Files.write(etc.resolve("switchboard.env"), lines, StandardCharsets.UTF_8);

        Map<String, String> env = new HashMap<>();
        env.put("PATH", SERVICE_PATH);
        env.put("HOME", "/opt/switchboard");
        env.put("USER", unit.value("Service", "User").orElseThrow());
        env.put("LOGNAME", unit.value("Service", "User").orElseThrow());
        env.putAll(unit.environment());
        List<String> files = unit.values("Service", "EnvironmentFile");
        assertThat(files).isNotEmpty();
        for (String file : files) {
            boolean optional = file.startsWith("-");
            Path path = Path.of(Distribution.relocate(optional ? file.substring(1) : file, root, INSTALLED_PATHS));
            assertThat(path.startsWith(root)).as("%s is part of the installation", file).isTrue();
            if (optional && !Files.exists(path)) {
                continue;
            }
            env.putAll(SystemdUnit.environmentFile(Files.readAllLines(path)));
        }
        return env;
    }

    /** {@code command} as the service runs it: installed paths moved under the root, in WorkingDirectory=, with exactly {@code env}. */
    private ProcessBuilder service(Map<String, String> env, List<String> command) {
        List<String> words = Distribution.relocate(command, root, INSTALLED_PATHS);
        assertThat(Path.of(words.get(0))).as("%s", command.get(0)).isRegularFile().isExecutable();
        Path dir = Path.of(Distribution.relocate(unit.value("Service", "WorkingDirectory").orElse("/"), root,
                INSTALLED_PATHS));
        assertThat(dir).as("WorkingDirectory=").isDirectory();
        ProcessBuilder builder = new ProcessBuilder(words).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder;
    }

    private static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(tool + " is needed on the PATH (Debian package systemd; .ci/run installs it)");
    }
}
