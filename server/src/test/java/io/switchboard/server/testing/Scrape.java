package io.switchboard.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of a node's {@code /metrics}: each sample by its name and labels as written. */
public final class Scrape {
    private final Map<String, Double> samples;

    private Scrape(Map<String, Double> samples) {
        this.samples = samples;
    }

    public static Scrape of(TestNode node) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(node.httpUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered " + response.statusCode());
            }
            Map<String, Double> samples = new LinkedHashMap<>();
            for (String line : response.body().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return new Scrape(samples);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of the samples named {@code name} whose labels include every one of
     * {@code labels} (written {@code key="value"}); 0 when there are none.
     */
    public double value(String name, String... labels) {
        double sum = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            String sampleName = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            if (!sampleName.equals(name)) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= key.contains(label);
            }
            if (all) {
                sum += sample.getValue();
            }
        }
        return sum;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        samples.forEach((k, v) -> {
            if (k.startsWith("switchboard_")) {
                out.append(k).append(' ').append(v).append('\n');
            }
        });
        return out.toString();
    }

    /** Whether any sample has this name. */
    public boolean has(String name) {
        return samples.keySet().stream().anyMatch(k -> k.equals(name) || k.startsWith(name + "{"));
    }
}
