package io.switchboard.server.broker;

/** Where a broker hands the publications that reach this node; may be called from any thread. */
public interface BrokerSink {
    /** A finished frame for every local member of {@code room}. */
    void deliverToRoom(String room, byte[] frame);

    /** A finished frame for every local connection of {@code user}. */
    void deliverToUser(String user, byte[] frame);

    /** Every local connection of {@code user} is to be closed (the server API asked, on some node). */
    void disconnectUser(String user);

    /**
     * The room's publications stopped following each other (offsets skipped or started again:
     * Redis lost messages or its data): its local members cannot be sent a gapless sequence and
     * are to be told to reconnect and recover.
     */
    void interruptRoom(String room);

    /** Like {@link #interruptRoom}, for the direct messages of {@code user}. */
    void interruptUser(String user);
}
