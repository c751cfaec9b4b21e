package io.switchboard.server.session;

import io.switchboard.protocol.FrameTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The seams of a session's recent joins. While a join is under way, the room's live frames are
 * held; when it completes, what the client missed goes out first, then the held frames the
 * join did not already cover, so nothing is sent twice or out of order. Until a frame newer than
 * the join passes, frames still on their way are checked the same way; then the gate opens for
 * good. Owned by one session, on its loop.
 */
final class RoomGates {
    /** What to do with a live frame of a gated room. */
    enum Admission {
        /** Held until the join completes. */
        HELD,
        /** Held, and more are held than a session may keep: the client is too slow. */
        OVERFLOW,
        /** Covered by the join already: not sent. */
        COVERED,
        /** To be sent. */
        SEND
    }

    private final int maxHeld;
    private Map<String, Gate> gates;

    RoomGates(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** Starts holding the room's live frames. */
    void hold(String room) {
        if (gates == null) {
            gates = new HashMap<>();
        }
        gates.put(room, new Gate());
    }

    boolean isGated(String room) {
        return gates != null && gates.containsKey(room);
    }

    /** Where a live frame of a gated room goes. */
    Admission admit(String room, byte[] frame) {
        Gate gate = gates.get(room);
        if (gate.held != null) {
            gate.held.add(frame);
            return gate.held.size() > maxHeld ? Admission.OVERFLOW : Admission.HELD;
        }
        long offset = FrameTemplate.offsetOf(frame);
        if (offset >= 0 && offset <= gate.through) {
            return Admission.COVERED;
        }
        if (offset > gate.through) {
            remove(room);
        }
        return Admission.SEND;
    }

    /** How many frames the room's gate holds. */
    int held(String room) {
        Gate gate = gates == null ? null : gates.get(room);
        return gate == null || gate.held == null ? 0 : gate.held.size();
    }

    /**
     * Ends holding the room. When {@code deliver}, returns what to send, in order: {@code replay}
     * (the missed frames, oldest first), then the held frames with an offset past {@code through};
     * otherwise (the session is closing) nothing, and the gate is gone.
     */
    List<byte[]> release(String room, List<byte[]> replay, long through, boolean deliver) {
        Gate gate = gates == null ? null : gates.get(room);
        if (gate == null) {
            return List.of();
        }
        List<byte[]> live = gate.held;
        gate.held = null;
        gate.through = through;
        if (!deliver) {
            remove(room);
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(replay);
        boolean newerPassed = false;
        for (byte[] frame : live) {
            long offset = FrameTemplate.offsetOf(frame);
            if (offset >= 0 && offset <= through) {
                continue;
            }
            newerPassed |= offset > through;
            out.add(frame);
        }
        if (newerPassed) {
            remove(room);
        }
        return out;
    }

    /** Stops gating the room (the join failed, or the session left it). */
    void remove(String room) {
        if (gates != null && gates.remove(room) != null && gates.isEmpty()) {
            gates = null;
        }
    }

    /** The seam of one join: frames held until the join completes, then those it covered dropped. */
    private static final class Gate {
        List<byte[]> held = new ArrayList<>();
        long through = -1;
    }
}
