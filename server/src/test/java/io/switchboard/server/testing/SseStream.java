package io.switchboard.server.testing;


import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** An SSE stream read with the JDK HTTP client: its events, its comments, and its end. */
public final class SseStream implements AutoCloseable {
    /** One event: its {@code id:} and its {@code data:} as JSON. */
    public record Event(long id, JsonNode data) {
    }

    private final HttpResponse<Stream<String>> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseStream(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri}, sending {@code Last-Event-ID} when it is not negative. */
    public static SseStream open(HttpClient http, URI uri, long lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        if (lastEventId >= 0) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        try {
            return new SseStream(http.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        long id = -1;
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.isEmpty() && data.length() > 0) {
                    events.add(new Event(id, Json.mapper().readTree(data.toString())));
                    data.setLength(0);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // The stream was closed, by us or by the server; `ended` says so.
        } finally {
            ended = true;
        }
    }

    public HttpResponse<Stream<String>> response() {
        return response;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> comments() {
        return List.copyOf(comments);
    }

    public boolean ended() {
        return ended;
    }

    /** Waits until an event's data matches, and returns the event. */
    public Event await(Predicate<JsonNode> match) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> events.stream().filter(e -> match.test(e.data())).findFirst().orElse(null), e -> e != null);
    }

    /** Waits until {@code n} events have arrived. */
    public List<Event> awaitEvents(int n) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> events.size() >= n);
        return events();
    }

    /** Drops the stream, as a client that goes away does. */
    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
