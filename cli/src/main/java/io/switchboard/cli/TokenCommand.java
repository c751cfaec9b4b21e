package io.switchboard.cli;

import io.switchboard.protocol.Names;
import io.switchboard.server.auth.TokenMinter;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code switchboard token}: prints an HS256 token for development. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a development token (HS256) for a user, for a node started with --jwt-secret.")
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--user", required = true, description = "The user id (the token's subject).")
    String user;

    @Option(names = "--secret", required = true, description = "The node's --jwt-secret (at least 32 bytes).")
    String secret;

    @Option(names = "--ttl", defaultValue = "1h", converter = Durations.class,
            description = "How long the token is valid, e.g. 90s, 15m, 1h, 7d (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--rooms", split = ",", description = "Private-room grants, e.g. '$vip:*' (comma-separated; "
            + "repeatable); * matches any run of characters.")
    List<String> rooms = new ArrayList<>();

    @Option(names = "--issuer", description = "The iss claim, when the node checks one.")
    String issuer;

    @Option(names = "--audience", description = "The aud claim, when the node checks one.")
    String audience;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Names.isValidUserId(user)) {
            err.println("invalid --user '" + user + "': " + Names.USER_RULE);
            return 2;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            err.println("invalid --ttl: must be positive");
            return 2;
        }
        TokenMinter minter;
        try {
            minter = new TokenMinter(secret);
        } catch (IllegalArgumentException e) {
            err.println("invalid --secret: " + e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().println(minter.mint(user, ttl, rooms, issuer, audience));
        return 0;
    }
}
