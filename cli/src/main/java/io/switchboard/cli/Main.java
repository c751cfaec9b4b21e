package io.switchboard.cli;

import io.switchboard.tools.bench.BenchCommand;
import io.switchboard.tools.probe.ProbeCommand;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code switchboard} command. */
@Command(name = "switchboard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Real-time messaging server: rooms, direct messages and presence over WebSocket.",
        subcommands = {ServeCommand.class, ConfigCommand.class, TokenCommand.class, BenchCommand.class, ProbeCommand.class})
public final class Main implements Callable<Integer> {
    /** Exit status of a command line that is not valid (as for a usage error in most tools). */
    static final int USAGE = 2;

    /** The system property logback.xml reads to pick its appender: {@code text} or {@code json}. */
    static final String LOG_FORMAT_PROPERTY = "switchboard.log.format";
    static final String LOG_FORMAT_ENV = "SWITCHBOARD_LOG_FORMAT";
    static final String LOG_FORMAT_OPTION = "--log-format";
    static final Set<String> LOG_FORMATS = Set.of("text", "json");
    private static final String LOG_FORMATS_TEXT = "text, json";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Logback configures itself when the first logger is made, so the format is settled before
        // anything else runs. The arguments go to picocli unchanged.
        String error = chooseLogFormat(args, System.getenv(LOG_FORMAT_ENV));
        if (error != null) {
            System.err.println("switchboard: " + error);
            System.exit(2);
        }
        bridgeJavaUtilLogging();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line: a mistyped option or command prints one line saying what is wrong, the
     * nearest options or commands when there are any, and where the help is, then exits with
     * {@link #USAGE}, rather than the whole usage.
     */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        ServeCommand.addSettingFlags(commandLine.getSubcommands().get("serve").getCommandSpec());
        return commandLine.setParameterExceptionHandler((error, args) -> {
            CommandLine command = error.getCommandLine();
            PrintWriter err = command.getErr();
            err.println("switchboard: " + error.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(error, err)) {
                String near = nearestOption(command.getCommandSpec(), error);
                if (near != null) {
                    err.println("Did you mean: " + near + "?");
                }
            }
            err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return USAGE;
        });
    }

    /**
     * Sends what libraries log through {@code java.util.logging} (gRPC does) to SLF4J, so that it
     * comes out in the chosen format with everything else instead of as JUL's own plain text.
     */
    static void bridgeJavaUtilLogging() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    /**
     * Sets {@link #LOG_FORMAT_PROPERTY} from {@code --log-format F} or {@code --log-format=F} in
     * {@code args}, else from {@code env} (the value of {@code SWITCHBOARD_LOG_FORMAT}), else keeps the
     * property's own value, else {@code text}.
     *
     * @return null, or why the format is not valid
     */
    static String chooseLogFormat(String[] args, String env) {
        String format = null;
        String source = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals(LOG_FORMAT_OPTION)) {
                if (i + 1 >= args.length) {
                    return "option '" + LOG_FORMAT_OPTION + "' needs a value: one of " + LOG_FORMATS_TEXT;
                }
                format = args[++i];
                source = "option '" + LOG_FORMAT_OPTION + "'";
            } else if (arg.startsWith(LOG_FORMAT_OPTION + "=")) {
                format = arg.substring(LOG_FORMAT_OPTION.length() + 1);
                source = "option '" + LOG_FORMAT_OPTION + "'";
            }
        }
        if (format == null && env != null && !env.isBlank()) {
            format = env.trim();
            source = "environment variable " + LOG_FORMAT_ENV;
        }
        if (format == null && System.getProperty(LOG_FORMAT_PROPERTY) != null) {
            format = System.getProperty(LOG_FORMAT_PROPERTY);
            source = "system property " + LOG_FORMAT_PROPERTY;
        }
        if (format == null) {
            format = "text";
        }
        if (!LOG_FORMATS.contains(format)) {
            return "invalid value '" + format + "' for " + source + ": expected one of " + LOG_FORMATS_TEXT;
        }
        System.setProperty(LOG_FORMAT_PROPERTY, format);
        return null;
    }

    /** The option of {@code spec} nearest to the first unknown option of {@code error}, if one is near. */
    private static String nearestOption(CommandLine.Model.CommandSpec spec, CommandLine.ParameterException error) {
        if (!(error instanceof CommandLine.UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return null;
        }
        String typed = unmatched.getUnmatched().get(0).split("=", 2)[0];
        String best = null;
        int bestDistance = 3;
        for (String name : spec.optionsMap().keySet()) {
            int distance = distance(typed, name);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = name;
            }
        }
        return best;
    }

    /** Edit distance (insertions, deletions, substitutions) between {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** No command given: the usage on stderr, and a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }
}
