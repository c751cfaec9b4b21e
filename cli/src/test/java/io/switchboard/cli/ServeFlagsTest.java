package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.RoomPolicy;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.config.Setting;
import io.switchboard.server.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The flags of {@code serve}, made from the table of settings. */
class ServeFlagsTest {
    private static ServerConfig parse(String... args) {
        CommandLine commandLine = Main.commandLine();
        CommandLine.ParseResult result = commandLine.parseArgs(args);
        ServeCommand serve = result.subcommand().commandSpec().commandLine().getCommand();
        return serve.settings().builder().build();
    }

    @Test
    void everySettingHasAFlagThatSetsIt() {
        ServerConfig config = parse("serve", "--ping-interval", "5s", "--idle-timeout=20s", "--compression",
                "--redis-prefix", "app:", "--rooms-publish", "server", "--direct-history-size", "7",
                "--allowed-origin", "https://a.example", "--allowed-origin", "https://b.example",
                "--api-rate", "12.5", "--grpc-port=-1", "--tls-self-signed=false");
        assertThat(config.connections().pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.connections().idleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.connections().compression()).isTrue();
        assertThat(config.cluster().redisPrefix()).isEqualTo("app:");
        assertThat(config.rooms().defaults().publish()).isEqualTo(RoomPolicy.Publish.SERVER);
        assertThat(config.history().direct().size()).isEqualTo(7);
        assertThat(config.security().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(config.limits().apiRequestsPerSecond()).isEqualTo(12.5);
        assertThat(config.grpc().enabled()).isFalse();
        assertThat(config.tls().enabled()).isFalse();

        CommandLine.Model.CommandSpec serve = Main.commandLine().getSubcommands().get("serve").getCommandSpec();
        for (Setting<?> setting : Settings.ALL) {
            assertThat(serve.findOption(setting.flag())).as("the flag of %s", setting).isNotNull();
        }
    }

    @Test
    void aFlagWithAValueItsSettingCannotTakeNamesTheSetting() {
        assertThatThrownBy(() -> parse("serve", "--ping-interval", "soon"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid setting 'ping-interval'");
        assertThatThrownBy(() -> parse("serve", "--compression=maybe"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("invalid setting 'compression'");
    }

    @Test
    void theHelpShowsEachFlagsDefaultKeyAndVariable() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.execute("serve", "--help");
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("--history-size=N Messages each room keeps for recovery; 0 keeps none (default 300).")
                .contains("In a file history.size, in the environment SWITCHBOARD_HISTORY_SIZE.")
                .contains("--compression[=true|false]");
    }
}
