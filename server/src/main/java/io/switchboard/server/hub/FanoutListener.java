package io.switchboard.server.hub;

/** Learns of each frame the fan-out wrote: to how many local connections, and how long after it arrived. */
@FunctionalInterface
public interface FanoutListener {
    FanoutListener NONE = (connections, sinceArrivalNanos) -> { };

    /** Called on the event loop that wrote the frame, once per frame. */
    void delivered(int connections, long sinceArrivalNanos);
}
