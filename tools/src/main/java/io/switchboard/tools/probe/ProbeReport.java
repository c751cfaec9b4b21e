package io.switchboard.tools.probe;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runs of one probe; printed as a table or as JSON.
 *
 * @param url           the URL probed
 * @param runs          the runs asked for
 * @param status        the status code of the last completed run, or null when none completed
 * @param bytesReceived the bytes the last completed run received after the handshakes
 * @param bodyBytes     the body bytes of the last completed run
 * @param tls           the TLS details of the last completed run, or null without TLS
 * @param phases        per phase and the total: the spread over the completed runs
 * @param samples       per completed run: milliseconds per phase and the total
 * @param failure       the run that failed, or null when every run completed
 */
record ProbeReport(
        @JsonProperty("url") String url,
        @JsonProperty("runs") int runs,
        @JsonProperty("status") Integer status,
        @JsonProperty("bytes_received") Long bytesReceived,
        @JsonProperty("body_bytes") Long bodyBytes,
        @JsonProperty("tls") TlsDetails tls,
        @JsonProperty("phases") Map<String, Spread> phases,
        @JsonProperty("samples") List<Map<String, Double>> samples,
        @JsonProperty("failure") Failure failure) {

    /** Milliseconds a phase took over the completed runs. */
    record Spread(
            @JsonProperty("min_ms") double min,
            @JsonProperty("median_ms") double median,
            @JsonProperty("p90_ms") double p90) {
    }

    /**
     * The run that failed.
     *
     * @param run   its number, from 1
     * @param phase the phase it failed in
     * @param error the error, with its own message
     */
    record Failure(
            @JsonProperty("run") int run,
            @JsonProperty("phase") String phase,
            @JsonProperty("error") String error) {
    }

    static ProbeReport of(String url, int runs, List<ProbeResult> results, Failure failure) {
        Map<String, List<Long>> micros = new LinkedHashMap<>();
        List<Map<String, Double>> samples = new ArrayList<>();
        for (ProbeResult result : results) {
            Map<String, Double> sample = new LinkedHashMap<>();
            result.phaseMicros().forEach((phase, value) -> {
                sample.put(phase.label(), ms(value));
                micros.computeIfAbsent(phase.label(), k -> new ArrayList<>()).add(value);
            });
            sample.put(Phase.TOTAL, ms(result.totalMicros()));
            micros.computeIfAbsent(Phase.TOTAL, k -> new ArrayList<>()).add(result.totalMicros());
            samples.add(sample);
        }
        Map<String, Spread> phases = new LinkedHashMap<>();
        micros.forEach((phase, values) -> phases.put(phase, spread(values)));
        ProbeResult last = results.isEmpty() ? null : results.get(results.size() - 1);
        return new ProbeReport(url, runs,
                last == null ? null : last.status(),
                last == null ? null : last.bytesReceived(),
                last == null ? null : last.bodyBytes(),
                last == null ? null : last.tls(),
                phases, samples, failure);
    }

    /** Minimum, median (the mean of the middle two for an even count) and nearest-rank 90th percentile. */
    private static Spread spread(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        int p90 = (int) Math.ceil(0.9 * n) - 1;
        return new Spread(ms(sorted[0]), median / 1000.0, ms(sorted[p90]));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    void printTable(PrintWriter out) {
        row(out, "url", samples.size() == 1 && runs == 1 ? url
                : String.format(Locale.ROOT, "%s (%d of %d runs completed)", url, samples.size(), runs));
        if (status != null) {
            row(out, "status", String.format(Locale.ROOT, "%d, %d bytes received, %d body bytes",
                    status, bytesReceived, bodyBytes));
        }
        if (tls != null) {
            row(out, "tls", String.format(Locale.ROOT, "%s, %s, ALPN %s",
                    tls.version(), tls.cipher(), tls.alpn() == null ? "none" : tls.alpn()));
        }
        if (samples.size() == 1) {
            samples.get(0).forEach((phase, value) ->
                    row(out, phase, String.format(Locale.ROOT, "%10.3f ms", value)));
        } else if (!samples.isEmpty()) {
            row(out, "phase", String.format(Locale.ROOT, "%10s %10s %10s", "min ms", "median ms", "p90 ms"));
            phases.forEach((phase, spread) -> row(out, phase, String.format(Locale.ROOT, "%10.3f %10.3f %10.3f",
                    spread.min(), spread.median(), spread.p90())));
        }
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "%-11s %s%n", name, value);
    }
}
