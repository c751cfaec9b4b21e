package io.switchboard.server.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardException;
import io.switchboard.client.SwitchboardListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Records every frame and event a test client receives, for assertions and waits; extend it to
 * watch more callbacks.
 */
public class Recorder implements SwitchboardListener {
    public static final Duration WAIT = Duration.ofSeconds(15);
    /** What {@link #recoveryFailures()} holds when the direct messages could not be recovered. */
    public static final String DIRECT = "(direct)";

    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final List<Events.RoomMessage> messages = new CopyOnWriteArrayList<>();
    private final List<Events.DirectMessage> directMessages = new CopyOnWriteArrayList<>();
    private final List<Events.Presence> presence = new CopyOnWriteArrayList<>();
    private final List<Events.Membership> memberships = new CopyOnWriteArrayList<>();
    private final List<SwitchboardException> errors = new CopyOnWriteArrayList<>();
    private final List<Events.Disconnect> disconnects = new CopyOnWriteArrayList<>();
    private final List<String> recoveryFailures = new CopyOnWriteArrayList<>();

    @Override
    public void onFrame(JsonNode frame) {
        frames.add(frame);
    }

    @Override
    public void onMessage(Events.RoomMessage message) {
        messages.add(message);
    }

    @Override
    public void onDirectMessage(Events.DirectMessage message) {
        directMessages.add(message);
    }

    @Override
    public void onPresence(Events.Presence event) {
        presence.add(event);
    }

    @Override
    public void onMembership(Events.Membership membership) {
        memberships.add(membership);
    }

    @Override
    public void onError(SwitchboardException error) {
        errors.add(error);
    }

    @Override
    public void onDisconnect(Events.Disconnect disconnect) {
        disconnects.add(disconnect);
    }

    @Override
    public void onRecoveryFailed(String room) {
        recoveryFailures.add(room);
    }

    @Override
    public void onDirectRecoveryFailed() {
        recoveryFailures.add(DIRECT);
    }

    public List<JsonNode> frames() {
        return List.copyOf(frames);
    }

    /** Frames of one {@code type}, in arrival order. */
    public List<JsonNode> frames(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode frame : frames) {
            if (type.equals(frame.path("type").asText())) {
                out.add(frame);
            }
        }
        return out;
    }

    public List<Events.RoomMessage> messages() {
        return List.copyOf(messages);
    }

    /** Messages of one room, in arrival order. */
    public List<Events.RoomMessage> messages(String room) {
        List<Events.RoomMessage> out = new ArrayList<>();
        for (Events.RoomMessage message : messages) {
            if (room.equals(message.room())) {
                out.add(message);
            }
        }
        return out;
    }

    public List<Events.DirectMessage> directMessages() {
        return List.copyOf(directMessages);
    }

    public List<Events.Presence> presence() {
        return List.copyOf(presence);
    }

    public List<Events.Membership> memberships() {
        return List.copyOf(memberships);
    }

    public List<SwitchboardException> errors() {
        return List.copyOf(errors);
    }

    /** Rooms whose recovery after a reconnect failed, in order; {@link #DIRECT} for direct messages. */
    public List<String> recoveryFailures() {
        return List.copyOf(recoveryFailures);
    }

    public List<Events.Disconnect> disconnects() {
        return List.copyOf(disconnects);
    }

    /** Waits until some recorded frame matches, and returns it. */
    public JsonNode awaitFrame(Predicate<JsonNode> match) {
        return await().atMost(WAIT).until(() -> find(match), f -> f != null);
    }

    /** Waits until {@code n} frames of {@code type} have arrived. */
    public List<JsonNode> awaitFrames(String type, int n) {
        await().atMost(WAIT).until(() -> frames(type).size() >= n);
        return frames(type);
    }

    /** Waits until {@code n} messages of {@code room} have arrived. */
    public List<Events.RoomMessage> awaitMessages(String room, int n) {
        await().atMost(WAIT).until(() -> messages(room).size() >= n);
        return messages(room);
    }

    /** Waits (bounded) until {@code condition} holds. */
    public static void until(Callable<Boolean> condition) {
        await().atMost(WAIT).until(condition);
    }

    private JsonNode find(Predicate<JsonNode> match) {
        for (JsonNode frame : frames) {
            if (match.test(frame)) {
                return frame;
            }
        }
        return null;
    }
}
