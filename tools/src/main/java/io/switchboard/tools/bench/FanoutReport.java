package io.switchboard.tools.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.PrintWriter;
import java.util.Locale;

/** The results of one fan-out run; printed as a table or as JSON. */
record FanoutReport(
        @JsonProperty("scenario") String scenario,
        @JsonProperty("url") String url,
        @JsonProperty("subscribers") int subscribers,
        @JsonProperty("rooms") int rooms,
        @JsonProperty("publishers") int publishers,
        @JsonProperty("target_rate") double targetRate,
        @JsonProperty("message_bytes") int messageBytes,
        @JsonProperty("duration_seconds") double durationSeconds,
        @JsonProperty("published") long published,
        @JsonProperty("publish_rate") double publishRate,
        @JsonProperty("expected_deliveries") long expectedDeliveries,
        @JsonProperty("deliveries") long deliveries,
        @JsonProperty("missing") long missing,
        @JsonProperty("errors") long errors,
        @JsonProperty("deliveries_per_second") double deliveriesPerSecond,
        @JsonProperty("latency_ms") Latency latency,
        @JsonProperty("server_cpu_seconds") Double serverCpuSeconds,
        @JsonProperty("server_cpu_us_per_delivery") Double serverCpuMicrosPerDelivery,
        @JsonProperty("bench_cpu_seconds") double benchCpuSeconds) {

    /** Publish-to-receive latency percentiles in milliseconds. */
    record Latency(
            @JsonProperty("p50") double p50,
            @JsonProperty("p90") double p90,
            @JsonProperty("p99") double p99,
            @JsonProperty("p999") double p999,
            @JsonProperty("max") double max) {
    }

    void printTable(PrintWriter out) {
        row(out, "scenario", scenario + " against " + url);
        row(out, "load", String.format(Locale.ROOT, "%d subscribers in %d room(s), %d publisher(s), %.0f msg/s of %d B",
                subscribers, rooms, publishers, targetRate, messageBytes));
        row(out, "measured for", String.format(Locale.ROOT, "%.1f s", durationSeconds));
        row(out, "published", String.format(Locale.ROOT, "%d (%.1f msg/s)", published, publishRate));
        row(out, "deliveries", String.format(Locale.ROOT, "%d of %d expected (%d missing), %.0f/s",
                deliveries, expectedDeliveries, missing, deliveriesPerSecond));
        row(out, "errors", Long.toString(errors));
        row(out, "latency p50", ms(latency.p50()));
        row(out, "latency p90", ms(latency.p90()));
        row(out, "latency p99", ms(latency.p99()));
        row(out, "latency p99.9", ms(latency.p999()));
        row(out, "latency max", ms(latency.max()));
        if (serverCpuSeconds != null) {
            row(out, "server CPU", String.format(Locale.ROOT, "%.2f s, %.2f us per delivery",
                    serverCpuSeconds, serverCpuMicrosPerDelivery));
        }
        row(out, "bench CPU", String.format(Locale.ROOT, "%.2f s", benchCpuSeconds));
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.2f ms", value);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf(Locale.ROOT, "%-14s %s%n", name, value);
    }
}
