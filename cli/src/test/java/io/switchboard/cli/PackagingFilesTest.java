package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readers of Dockerfiles, .dockerignore files and systemd units that the packaging tests rely on. */
class PackagingFilesTest {
    @Test
    void dockerfileInstructionsJoinContinuedLinesAndSkipComments() {
        Dockerfile file = Dockerfile.parse("""
                # a comment
                FROM base:1 AS first
                RUN set -eu; \\
                # a comment inside the instruction
                    echo one; \\
                    echo two
                FROM base:2
                COPY --from=first /a /b
                ENV A="x y" B=z
                HEALTHCHECK --interval=10s --timeout=5s CMD curl -f "http://127.0.0.1:${PORT:-8080}/" || exit 1
                ENTRYPOINT ["/bin/run", "with space"]
                """);
        List<Dockerfile.Stage> stages = file.stages();
        assertThat(stages).extracting(Dockerfile.Stage::name).containsExactly("first", null);
        assertThat(stages).extracting(Dockerfile.Stage::base).containsExactly("base:1", "base:2");
        Dockerfile.Instruction run = stages.get(0).last("RUN").orElseThrow();
        assertThat(run.arguments()).isEqualTo("set -eu;     echo one;     echo two");
        assertThat(run.line()).isEqualTo(3);
        Dockerfile.Stage second = stages.get(1);
        assertThat(second.last("COPY").orElseThrow().flags()).containsExactly(Map.entry("from", "first"));
        assertThat(second.last("COPY").orElseThrow().words()).containsExactly("/a", "/b");
        assertThat(second.last("ENV").orElseThrow().words()).containsExactly("A=x y", "B=z");
        assertThat(second.last("ENTRYPOINT").orElseThrow().execForm()).contains(List.of("/bin/run", "with space"));
        Dockerfile.Instruction health = second.last("HEALTHCHECK").orElseThrow();
        assertThat(health.flags()).containsEntry("interval", "10s").containsEntry("timeout", "5s");
        assertThat(Dockerfile.healthCommand(health)).containsExactly("/bin/sh", "-c",
                "curl -f \"http://127.0.0.1:${PORT:-8080}/\" || exit 1");
        assertThat(DockerImageIT.goDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aBrokenDockerfileDoesNotParse() {
        assertThatThrownBy(() -> Dockerfile.parse("FROM a\nRUN\n")).hasMessageContaining("without arguments");
        assertThatThrownBy(() -> Dockerfile.parse("RUN x\n").stages()).hasMessageContaining("before the first FROM");
        assertThatThrownBy(() -> Dockerfile.parse("FROM a\nCMD [\"x\",\n").instructions().get(1).execForm())
                .hasMessageContaining("not a JSON array");
    }

    @Test
    void dockerignoreExcludesWhatItsLastMatchingLineSaysAndWhatIsUnderAnExcludedDirectory() {
        DockerIgnore ignore = DockerIgnore.parse(List.of("# everything but the archive", "*",
                "!cli/target/switchboard-*.tar.gz", "cli/target/switchboard-old*", "**/*.log", "!/keep/**/x.log"));
        assertThat(ignore.excludes("README.md")).isTrue();
        assertThat(ignore.excludes("cli/pom.xml")).as("under an excluded directory").isTrue();
        assertThat(ignore.excludes("cli/target/switchboard-1.0.tar.gz")).isFalse();
        assertThat(ignore.excludes("cli/target/sub/switchboard-1.0.tar.gz")).as("* stays in one segment").isTrue();
        assertThat(ignore.excludes("cli/target/switchboard-old-1.0.tar.gz")).as("a later line").isTrue();
        assertThat(ignore.excludes("keep/a/b/x.log")).isFalse();
        assertThat(DockerIgnore.matchedAncestor("cli/target", "cli/target/a/b")).contains("cli/target");
        assertThat(DockerIgnore.matchedAncestor("./cli/*/a", "cli/target/a")).contains("cli/target/a");
        assertThat(DockerIgnore.matchedAncestor("cli/x", "cli/target/a")).isEmpty();
    }

    @Test
    void systemdUnitsValuesEnvironmentCommandsAndTimeSpans() {
        SystemdUnit unit = SystemdUnit.parse("""
                [Service]
                ; a comment
                Environment=A=1 "B=two words"
                Environment=C=3
                ExecStart=/opt/x/bin/run serve \\
                    --config "/etc/x/my file.yml" $OPTS ${A}x
                CapabilityBoundingSet=CAP_A
                CapabilityBoundingSet=
                """);
        assertThat(unit.environment()).containsExactly(Map.entry("A", "1"), Map.entry("B", "two words"),
                Map.entry("C", "3"));
        assertThat(unit.command("ExecStart", Map.of("OPTS", "-a  -b", "A", "1"))).containsExactly(
                "/opt/x/bin/run", "serve", "--config", "/etc/x/my file.yml", "-a", "-b", "1x");
        assertThat(unit.value("Service", "CapabilityBoundingSet")).contains("");
        assertThat(unit.values("Service", "Nothing")).isEmpty();
        assertThat(SystemdUnit.environmentFile(List.of("# c", "", "A=x y", "B=\"q r\"", "C="))).containsExactly(
                Map.entry("A", "x y"), Map.entry("B", "q r"), Map.entry("C", ""));
        assertThat(SystemdUnit.timeSpan("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(SystemdUnit.timeSpan("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(SystemdUnit.timeSpan("1min 30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SystemdUnit.timeSpan("2h 500ms")).isEqualTo(Duration.ofHours(2).plusMillis(500));
        assertThatThrownBy(() -> SystemdUnit.timeSpan("soon")).hasMessageContaining("not a time span");
        assertThatThrownBy(() -> SystemdUnit.parse("Key=value\n")).hasMessageContaining("not a setting");
    }
}
