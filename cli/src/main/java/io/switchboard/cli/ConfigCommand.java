package io.switchboard.cli;

import io.switchboard.server.config.ConfigTree;
import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code switchboard config}: work with configuration files. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check configuration files.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** No subcommand given: the usage on stderr, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.USAGE;
    }

    /** {@code switchboard config check FILE}: validates, then prints the effective configuration. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate FILE with the SWITCHBOARD_* environment over it, and print the effective "
                    + "configuration (secrets hidden). Exit 2 naming the first invalid setting.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", description = "The YAML file.")
        Path file;

        @Override
        public Integer call() {
            ServerConfig config;
            try {
                config = ConfigTree.read(file).applyEnvironment(System.getenv()).builder().build();
            } catch (InvalidConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
            spec.commandLine().getOut().print(ConfigTree.describe(config));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
