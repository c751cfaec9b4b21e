package io.switchboard.cli;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.ConfigTree;
import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.config.Setting;
import io.switchboard.server.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code switchboard serve}: runs one node until SIGTERM or Ctrl-C, then drains and stops it.
 * Settings come from {@code --config FILE}, then {@code SWITCHBOARD_*} variables, then flags:
 * one for every setting of {@link Settings}, added by {@link #addSettingFlags}. A flag left out
 * leaves the setting to the sources before it (defaults in docs/configuration.md).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a Switchboard node (memory broker, insecure auth by default).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML file of settings (see config/example.yml).")
    Path config;

    @Option(names = "--api-key", paramLabel = "NAME=KEY", description = "A key of the server API (at least 16 "
            + "characters); repeatable. Every /api/v1 call then needs one.")
    List<String> apiKeys;

    @Option(names = "--namespace", paramLabel = "NAME:OPTIONS", description = "Rules for the rooms NAME:*, e.g. "
            + "news:publish=server,presence=false,join-leave=false; publish is members, anyone or server; "
            + "repeatable.")
    List<String> namespaces;

    @Option(names = "--log-format", paramLabel = "text|json", description = "text (default) or json; read before anything is logged.")
    String logFormat;

    /**
     * Adds a flag for every setting of the table to {@code serve}: {@code --history-size N} for
     * {@code history.size}, repeatable for lists, alone (or {@code =true}/{@code =false}) for switches.
     */
    static void addSettingFlags(CommandSpec spec) {
        for (Setting<?> setting : Settings.ALL) {
            OptionSpec.Builder option = OptionSpec.builder(setting.flag())
                    .description(withoutStop(setting.help()) + " (default " + setting.defaultText() + ").",
                            "In a file " + setting.key() + ", in the environment " + setting.environmentVariable()
                                    + ".");
            if (setting.isList()) {
                option.type(List.class).auxiliaryTypes(String.class).paramLabel(setting.label());
            } else if (setting.isSwitch()) {
                option.type(String.class).arity("0..1").fallbackValue("true").paramLabel("true|false");
            } else {
                option.type(String.class).paramLabel(setting.label());
            }
            spec.addOption(option.build());
        }
    }

    private static String withoutStop(String sentence) {
        return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
    }

    /** The settings these flags give, over a file's and the environment's. */
    ConfigTree settings() {
        ConfigTree tree = config == null ? ConfigTree.empty() : ConfigTree.read(config);
        tree.applyEnvironment(System.getenv());
        for (Setting<?> setting : Settings.ALL) {
            OptionSpec option = spec.findOption(setting.flag());
            Object value = option == null ? null : option.getValue();
            if (value instanceof List<?> values) {
                tree.setList(setting.key(), values.stream().map(String::valueOf).toList());
            } else if (value != null) {
                tree.set(setting.key(), String.valueOf(value));
            }
        }
        for (String apiKey : apiKeys == null ? List.<String>of() : apiKeys) {
            int eq = apiKey.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException("api-keys", "--api-key is NAME=KEY");
            }
            tree.apiKey(apiKey.substring(0, eq), apiKey.substring(eq + 1));
        }
        for (String namespace : namespaces == null ? List.<String>of() : namespaces) {
            namespace(tree, namespace);
        }
        return tree;
    }

    /** {@code NAME:publish=server,presence=false}: options of a namespace. */
    private static void namespace(ConfigTree tree, String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new InvalidConfigException("namespaces", "--namespace is NAME:OPTIONS, was '" + spec + "'");
        }
        String name = spec.substring(0, colon);
        for (String option : spec.substring(colon + 1).split(",")) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException("namespaces." + name, "options are NAME=VALUE, was '" + option + "'");
            }
            tree.namespace(name, option.substring(0, eq).trim(), option.substring(eq + 1).trim());
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig settings;
        try {
            settings = settings().builder().build();
        } catch (InvalidConfigException e) {
            log.error(e.getMessage());
            return 2;
        }
        // Handling the signals ourselves (not in a shutdown hook) lets a clean stop exit with 0.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        SwitchboardServer server;
        try {
            server = SwitchboardServer.start(settings);
        } catch (InvalidConfigException e) {
            log.error(e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            log.error("cannot start: {}", e.getMessage());
            return 1;
        }
        try (server) {
            stop.await();
            log.info("signal received, draining (at most {})", settings.network().drainTimeout());
            server.drain(settings.network().drainTimeout());
        }
        return 0;
    }
}
