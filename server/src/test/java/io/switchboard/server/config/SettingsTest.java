package io.switchboard.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table of settings: names that do not collide, every entry documented, every check reachable. */
class SettingsTest {
    @Test
    void keysFlagsAndVariablesAreUnique() {
        Set<String> keys = new HashSet<>();
        Set<String> flags = new HashSet<>();
        Set<String> variables = new HashSet<>();
        for (Setting<?> setting : Settings.ALL) {
            assertThat(keys.add(setting.key())).as("key %s", setting.key()).isTrue();
            assertThat(flags.add(setting.flag())).as("flag %s", setting.flag()).isTrue();
            assertThat(variables.add(setting.environmentVariable())).as("variable of %s", setting).isTrue();
        }
        // The flags of the mappings and of logging live in the command line, not in the table.
        assertThat(flags).doesNotContain("--config", "--api-key", "--namespace", "--log-format");
    }

    @Test
    void everySettingIsInTheTableOfTheConfigurationDocsWithItsFlagAndDefault() throws IOException {
        List<String[]> rows = Files.readAllLines(Path.of("..", "docs", "configuration.md")).stream()
                .filter(line -> line.startsWith("| `"))
                .map(line -> line.split("\\|"))
                .toList();
        for (Setting<?> setting : Settings.ALL) {
            String[] row = rows.stream().filter(cells -> cells[1].contains("`" + setting.key() + "`"))
                    .findFirst().orElse(null);
            assertThat(row).as("a row of docs/configuration.md for %s", setting).isNotNull();
            assertThat(row[2]).as("the flag of %s", setting).contains("`" + setting.flag());
            assertThat(row[3]).as("the default of %s", setting).contains(setting.defaultText());
        }
    }

    @Test
    void everyRuleOfTheTableNamesItsSettingWhenBroken() {
        Map<Setting<?>, String> broken = Map.of(
                Settings.PORT, "65536",
                Settings.MAX_FRAME_BYTES, "1023",
                Settings.HISTORY_SIZE, "1000001",
                Settings.JWT_LEEWAY, "6m",
                Settings.COMMAND_BURST, "0",
                Settings.GRPC_PORT, "-2",
                Settings.NODE_ID, "x".repeat(65),
                Settings.API_RATE, "0");
        broken.forEach((setting, value) -> assertThatThrownBy(
                () -> ConfigTree.empty().set(setting.key(), value).builder().build())
                .as("%s=%s", setting, value)
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).setting()).isEqualTo(setting.key())));
    }

    @Test
    void aValueSetThroughTheTableIsWhatTheConcernRecordHolds() {
        ServerConfig config = ConfigTree.empty()
                .set(Settings.MAX_FRAME_BYTES.key(), "2048")
                .set(Settings.REDIS.key(), "redis://127.0.0.1:6390")
                .set(Settings.GRPC_PORT.key(), "-1")
                .set(Settings.ROOMS_PUBLISH.key(), "server")
                .set(Settings.DIRECT_HISTORY_TTL.key(), "30s")
                .builder().build();
        assertThat(config.connections().maxFrameBytes()).isEqualTo(2048);
        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.grpc().enabled()).isFalse();
        assertThat(config.rooms().policy("lobby").publish()).isEqualTo(RoomPolicy.Publish.SERVER);
        assertThat(config.history().direct().ttl()).hasSeconds(30);
        assertThat(config.value(Settings.MAX_FRAME_BYTES)).isEqualTo(2048);
    }
}
