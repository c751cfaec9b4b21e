package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code --log-format json} (or {@code SWITCHBOARD_LOG_FORMAT=json}): one JSON object per log line. */
class LogFormatIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEXT_LINE =
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR) \\S+ - .*");

    private NodeProcess node;

    @AfterEach
    void killLeftovers() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theFlagMakesEveryLineAJsonObject() throws Exception {
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0", "--log-format", "json");
        assertEveryLineUpToThePortIsJson(node.awaitPort());
    }

    @Test
    void theFlagMayCarryItsValueAfterAnEqualsSign() throws Exception {
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0", "--log-format=json");
        assertEveryLineUpToThePortIsJson(node.awaitPort());
    }

    @Test
    void theEnvironmentVariableMakesEveryLineAJsonObject() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(NodeProcess.command("serve", "--host", "127.0.0.1", "--port", "0"));
        builder.environment().put("SWITCHBOARD_LOG_FORMAT", "json");
        node = NodeProcess.start(builder);
        assertEveryLineUpToThePortIsJson(node.awaitPort());
    }

    @Test
    void logsAreReadableTextByDefault() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(NodeProcess.command("serve", "--host", "127.0.0.1", "--port", "0"));
        builder.environment().remove("SWITCHBOARD_LOG_FORMAT");
        node = NodeProcess.start(builder);
        int port = node.awaitPort();
        List<String> lines = upToThePortLine(port);
        for (String line : lines) {
            assertThat(line).as("all output: %s", lines).matches(TEXT_LINE).doesNotStartWith("{");
        }
        assertThat(lines).anyMatch(line -> line.contains("INFO  SwitchboardServer - node ")
                && line.contains(" listening on 127.0.0.1:" + port));
    }

    @Test
    void anUnknownFormatIsRefusedBeforeAnythingRuns() throws Exception {
        node = NodeProcess.launch("serve", "--port", "0", "--log-format", "xml");
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).containsExactly(
                "switchboard: invalid value 'xml' for option '--log-format': expected one of text, json");
    }

    @Test
    void anUnknownFormatInTheEnvironmentIsRefused() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(NodeProcess.command("serve", "--port", "0"));
        builder.environment().put("SWITCHBOARD_LOG_FORMAT", "yaml");
        node = NodeProcess.start(builder);
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).containsExactly("switchboard: invalid value 'yaml' for environment "
                + "variable SWITCHBOARD_LOG_FORMAT: expected one of text, json");
    }

    private void assertEveryLineUpToThePortIsJson(int port) throws IOException {
        List<String> lines = upToThePortLine(port);
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            assertThat(event.isObject()).as("a JSON object: %s", line).isTrue();
            assertThat(event.path("level").asText()).as("level of %s", line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(event.path("loggerName").asText()).as("logger of %s", line).isNotBlank();
            assertThat(event.path("formattedMessage").asText()).as("message of %s", line).isNotBlank();
            events.add(event);
        }
        assertThat(events).anySatisfy(event -> {
            assertThat(event.get("level").asText()).isEqualTo("INFO");
            assertThat(event.get("loggerName").asText()).isEqualTo("io.switchboard.server.SwitchboardServer");
            assertThat(event.get("formattedMessage").asText()).contains("listening on 127.0.0.1:" + port);
        });
    }

    /** The output up to and including the "listening on" line of {@code port}. */
    private List<String> upToThePortLine(int port) {
        List<String> output = node.output();
        for (int i = 0; i < output.size(); i++) {
            if (output.get(i).contains("listening on 127.0.0.1:" + port)) {
                return output.subList(0, i + 1);
            }
        }
        throw new AssertionError("no 'listening on 127.0.0.1:" + port + "' line in " + output);
    }
}
