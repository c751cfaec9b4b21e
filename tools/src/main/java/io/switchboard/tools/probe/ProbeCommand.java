package io.switchboard.tools.probe;

import io.switchboard.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard probe URL}: where the time of one request goes. Each run opens a new connection
 * and times resolving, connecting, the TLS handshake, writing the request, waiting for the first byte
 * and reading the rest of the response. Runs stop at the first that fails.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Time one request phase by phase: dns, connect, tls, send, first_byte, transfer.",
                "Each run uses a new connection and a full TLS handshake; runs stop at the first failure.",
                "Exit status: 0 when every run completed, 1 when a run failed, 2 for a bad URL or usage."})
public final class ProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "URL",
            description = "http://, https://, ws:// or wss:// URL; ws and wss send a WebSocket upgrade.")
    String url;

    @Option(names = "-n", paramLabel = "N", defaultValue = "1",
            description = "Runs (default: ${DEFAULT-VALUE}); more than one gives min, median and p90 per phase.")
    int runs;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Option(names = "--insecure",
            description = "Trust any server certificate, for testing servers with self-signed certificates only.")
    boolean insecure;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Seconds allowed for connecting and for each read (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "-n and --timeout must be at least 1");
        }
        ProbeTarget target;
        try {
            target = ProbeTarget.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, TimeUnit.SECONDS.toMillis(timeoutSeconds));
        TrustManager[] trust = target.tls() ? trustManagers() : null;
        Probe probe = new Probe(target, timeoutMillis, trust, !insecure);

        try {
            Warmup.run(target, trust);
        } catch (IOException | GeneralSecurityException e) {
            // Only the first run's times suffer without it, so the probe goes on.
            spec.commandLine().getErr().println("probe: no warm-up, the first run includes the JVM's start-up costs: "
                    + ProbeFailure.describe(e));
        }
        List<ProbeResult> results = new ArrayList<>();
        ProbeReport.Failure failure = null;
        for (int run = 1; run <= runs && failure == null; run++) {
            try {
                results.add(probe.run());
            } catch (ProbeFailure e) {
                failure = new ProbeReport.Failure(run, e.phase().label(), ProbeFailure.describe(e.getCause()));
            }
        }

        ProbeReport report = ProbeReport.of(target.url(), runs, results, failure);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            report.printTable(out);
        }
        out.flush();
        if (failure != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("probe: run %d of %d failed in the %s phase: %s%n",
                    failure.run(), runs, failure.phase(), failure.error());
            err.flush();
            return 1;
        }
        return 0;
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException {
        if (insecure) {
            return new TrustManager[] {new TrustAllCertificates()};
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return factory.getTrustManagers();
    }
}
