package io.switchboard.tools.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code switchboard bench cluster}: the fan-out scenario across the nodes of a cluster:
 * subscribers are spread over every node URL in turn and publishers start on the last one, so
 * most deliveries cross the broker between nodes.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Fan-out across several nodes of one cluster: clients spread over the node URLs.")
final class ClusterCommand extends FanoutCommand {
    @Override
    String scenario() {
        return "cluster";
    }

    @Override
    public Integer call() throws Exception {
        if (urls.size() < 2) {
            throw new ParameterException(spec.commandLine(), "give the URLs of at least two nodes");
        }
        return super.call();
    }
}
