package io.switchboard.tools.bench;

import picocli.CommandLine.Command;

/** {@code switchboard bench}: load scenarios against any server that speaks the protocol. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Generate load against a Switchboard-protocol server and measure it.",
        subcommands = {FanoutCommand.class, ClusterCommand.class, ConnectionsCommand.class, GrpcPublishCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
