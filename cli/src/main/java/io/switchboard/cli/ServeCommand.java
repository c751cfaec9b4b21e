package io.switchboard.cli;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.InvalidConfigException;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.HistoryOptions;
import io.switchboard.server.transport.EventLoops;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code switchboard serve}: runs one node until SIGTERM or Ctrl-C, then stops it cleanly. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run a Switchboard node (memory broker, insecure auth by default).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    /** Reads {@code --transport} values such as {@code epoll} or {@code nio}. */
    static final class TransportConverter implements picocli.CommandLine.ITypeConverter<EventLoops.Kind> {
        @Override
        public EventLoops.Kind convert(String value) {
            return EventLoops.Kind.parse(value);
        }
    }

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "0.0.0.0")
    String host;

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).",
            defaultValue = "8080")
    int port;

    @Option(names = "--node-id", description = "This node's name (default: random).")
    String nodeId;

    @Option(names = "--io-threads", description = "Event loop threads; 0 = one per core (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int ioThreads;

    @Option(names = "--transport", description = "I/O transport: auto, epoll or nio (default: ${DEFAULT-VALUE}).",
            defaultValue = "auto", converter = TransportConverter.class)
    EventLoops.Kind transport;

    @Option(names = "--redis", description = "Form a cluster through this Redis, e.g. redis://127.0.0.1:6379 "
            + "(default: run alone, in memory).")
    String redis;

    @Option(names = "--history-size", defaultValue = "300",
            description = "Messages each room keeps for recovery; 0 keeps none (default: ${DEFAULT-VALUE}).")
    int historySize;

    @Option(names = "--history-ttl", defaultValue = "120",
            description = "Seconds a room's history is kept after its last message (default: ${DEFAULT-VALUE}).")
    long historyTtlSeconds;

    @Option(names = "--tls-cert", description = "PEM certificate chain: serve TLS (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key (PKCS#8) of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", description = "Serve TLS with a certificate made at start-up (development only).")
    boolean tlsSelfSigned;

    @Option(names = "--allowed-origin", description = "An origin browsers may use the HTTP transports from "
            + "(CORS), e.g. https://app.example.com; repeatable; * allows any.")
    List<String> allowedOrigins = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig.Builder builder = ServerConfig.builder().host(host).port(port).ioThreads(ioThreads).transport(transport).redisUri(redis)
                .defaultHistory(new HistoryOptions(historySize, Duration.ofSeconds(historyTtlSeconds)))
                .tls(tlsCert, tlsKey).tlsSelfSigned(tlsSelfSigned);
        allowedOrigins.forEach(builder::allowedOrigin);
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        ServerConfig config;
        try {
            config = builder.build();
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
            server = SwitchboardServer.start(config);
        } catch (IllegalStateException e) {
            log.error("cannot start: {}", e.getMessage());
            return 1;
        }
        try (server) {
            stop.await();
            log.info("signal received, shutting down");
        }
        return 0;
    }
}
