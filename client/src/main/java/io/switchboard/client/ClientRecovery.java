package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.StreamPosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * What the client remembers to recover after a reconnect: for each joined room and for the
 * user's direct messages, the last offset delivered and its epoch. It delivers each message
 * once, in offset order, holding back a room's messages while its (re)join is answered.
 */
final class ClientRecovery {
    private final Object lock;
    private final Function<ObjectNode, CompletableFuture<JsonNode>> requests;
    private final SwitchboardListener listener;
    private final Map<String, Stream> rooms = new LinkedHashMap<>();
    private final Stream direct = new Stream();

    /**
     * {@code lock}: the client's, guarding what this remembers; {@code requests}: sends a
     * command and completes with its answer; {@code listener}: where messages are delivered.
     */
    ClientRecovery(Object lock, Function<ObjectNode, CompletableFuture<JsonNode>> requests,
                   SwitchboardListener listener) {
        this.lock = lock;
        this.requests = requests;
        this.listener = listener;
    }

    CompletableFuture<Events.Joined> join(String room, StreamPosition since, boolean rejoin) {
        Stream stream;
        synchronized (lock) {
            stream = rooms.computeIfAbsent(room, r -> new Stream());
            stream.waiting = new ArrayList<>();
        }
        ObjectNode command = SwitchboardClient.command("join_room").put("room", room);
        if (since != null) {
            command.putObject("since").put("offset", since.offset()).put("epoch", since.epoch());
        }
        return requests.apply(command).handle((ack, failure) -> {
            if (failure != null) {
                List<Object> held = release(stream, null, -1);
                if (!rejoin) {
                    synchronized (lock) {
                        rooms.remove(room, stream);
                    }
                }
                deliver(held);
                throw failure instanceof CompletionException
                        ? (CompletionException) failure
                        : new CompletionException(failure);
            }
            Events.Joined joined = new Events.Joined(ack.path("room").asText(), ack.path("offset").asLong(),
                    ack.path("epoch").asText(null), ack.has("recovered") ? ack.get("recovered").asBoolean() : null);
            boolean recovered = Boolean.TRUE.equals(joined.recovered());
            // Recovered: the replay (already held) continues from since. Otherwise the room
            // continues live from the ack's offset.
            long baseline = recovered ? since.offset() : joined.offset();
            deliver(release(stream, joined.epoch(), baseline));
            if (since != null && !recovered) {
                listener.onRecoveryFailed(room);
            }
            return joined;
        });
    }

    void forget(String room) {
        synchronized (lock) {
            rooms.remove(room);
        }
    }

    StreamPosition position(String room) {
        synchronized (lock) {
            Stream stream = rooms.get(room);
            return stream == null || stream.epoch == null ? null : new StreamPosition(stream.last, stream.epoch);
        }
    }

    void roomMessage(Events.RoomMessage message) {
        List<Object> out = null;
        synchronized (lock) {
            Stream stream = rooms.get(message.room());
            if (stream == null) {
                out = List.of(message);
            } else if (stream.waiting != null) {
                stream.waiting.add(message);
            } else if (message.offset() > stream.last) {
                stream.last = message.offset();
                out = List.of(message);
            }
        }
        deliver(out);
    }

    void directMessage(Events.DirectMessage message) {
        List<Object> out = null;
        synchronized (lock) {
            if (direct.waiting != null) {
                direct.waiting.add(message);
            } else if (message.offset() < 0 || message.offset() > direct.last) {
                direct.last = Math.max(direct.last, message.offset());
                out = List.of(message);
            }
        }
        deliver(out);
    }

    /** A connection opened: the first sets the baselines; later ones recover from them. */
    void connected(Events.Connected info, boolean again) {
        List<Map.Entry<String, StreamPosition>> rejoin = new ArrayList<>();
        StreamPosition directSince = null;
        synchronized (lock) {
            if (!again || direct.epoch == null) {
                if (info.direct() != null) {
                    direct.last = info.direct().offset();
                    direct.epoch = info.direct().epoch();
                }
            } else {
                directSince = new StreamPosition(direct.last, direct.epoch);
                direct.waiting = new ArrayList<>();
            }
            if (again) {
                rooms.forEach((room, stream) -> rejoin.add(Map.entry(room,
                        stream.epoch == null ? new StreamPosition(-1, "") : new StreamPosition(stream.last, stream.epoch))));
            }
        }
        for (var entry : rejoin) {
            StreamPosition since = entry.getValue().offset() < 0 ? null : entry.getValue();
            join(entry.getKey(), since, true).whenComplete((joined, failure) -> {
                if (failure != null) {
                    listener.onError(new SwitchboardException("recovery",
                            "rejoining " + entry.getKey() + " failed: " + failure.getMessage(), failure));
                }
            });
        }
        if (directSince != null) {
            recoverDirect(directSince, info.direct());
        }
    }

    private void recoverDirect(StreamPosition since, StreamPosition now) {
        ObjectNode command = SwitchboardClient.command("direct_history");
        command.putObject("since").put("offset", since.offset()).put("epoch", since.epoch());
        requests.apply(command).whenComplete((ack, failure) -> {
            List<Object> out = new ArrayList<>();
            boolean recovered = failure == null && ack.path("recovered").asBoolean();
            synchronized (lock) {
                if (recovered) {
                    for (JsonNode frame : ack.path("publications")) {
                        long offset = frame.path("offset").asLong();
                        if (offset > direct.last) {
                            direct.last = offset;
                            out.add(new Events.DirectMessage(textOf(frame, "from"), textOf(frame, "to"),
                                    frame.get("content"), textOf(frame, "timestamp"), offset));
                        }
                    }
                } else if (now != null) {
                    direct.last = now.offset();
                    direct.epoch = now.epoch();
                }
                List<Object> waiting = direct.waiting;
                direct.waiting = null;
                for (Object held : waiting) {
                    Events.DirectMessage message = (Events.DirectMessage) held;
                    if (message.offset() > direct.last) {
                        direct.last = message.offset();
                        out.add(message);
                    }
                }
            }
            if (!recovered) {
                listener.onDirectRecoveryFailed();
            }
            deliver(out);
        });
    }

    /** Ends holding a stream's messages; returns those to deliver (newer than the baseline). */
    private List<Object> release(Stream stream, String epoch, long baseline) {
        synchronized (lock) {
            List<Object> waiting = stream.waiting;
            stream.waiting = null;
            if (epoch != null) {
                if (!epoch.equals(stream.epoch)) {
                    stream.last = baseline;
                } else {
                    stream.last = Math.max(stream.last, baseline);
                }
                stream.epoch = epoch;
            }
            List<Object> out = new ArrayList<>();
            for (Object held : waiting == null ? List.of() : waiting) {
                Events.RoomMessage message = (Events.RoomMessage) held;
                if (message.offset() > stream.last) {
                    stream.last = message.offset();
                    out.add(message);
                }
            }
            return out;
        }
    }

    private void deliver(List<Object> events) {
        if (events == null) {
            return;
        }
        for (Object event : events) {
            if (event instanceof Events.RoomMessage) {
                listener.onMessage((Events.RoomMessage) event);
            } else {
                listener.onDirectMessage((Events.DirectMessage) event);
            }
        }
    }

    private String textOf(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Where one stream stands for this client. */
    private static final class Stream {
        long last = -1;
        String epoch;
        /** Messages held while the stream's (re)join or recovery is answered; null when none is. */
        List<Object> waiting;
    }
}
