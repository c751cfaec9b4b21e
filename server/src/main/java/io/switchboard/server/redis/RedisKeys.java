package io.switchboard.server.redis;

import io.switchboard.server.history.StreamKey;
import java.nio.charset.StandardCharsets;

/**
 * Names of every Redis key and channel Switchboard uses, under one prefix ({@code sb:} by
 * default). Parts of composite members are joined with U+001F, which no user id or room
 * name can contain.
 */
public final class RedisKeys {
    /** Separates the parts of a set member such as {@code user␟connection}. */
    public static final String SEPARATOR = "\u001f";

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    public String roomChannelPrefix() {
        return prefix + "room:";
    }

    public String userChannelPrefix() {
        return prefix + "user:";
    }

    /** Pub/sub channel of a room's frames. */
    public byte[] roomChannel(String room) {
        return bytes(roomChannelPrefix() + room);
    }

    /** Pub/sub channel of a user's frames. */
    public byte[] userChannel(String user) {
        return bytes(userChannelPrefix() + user);
    }

    /** Pub/sub channel of requests to one node, and of the answers to its own. */
    public byte[] nodeChannel(String node) {
        return bytes(prefix + "node:" + node);
    }

    /** Pub/sub channel of messages from node to node (e.g. "disconnect this user"). */
    public byte[] controlChannel() {
        return bytes(prefix + "control");
    }

    /** Pub/sub channel of a stream: its room's, or its user's. */
    public byte[] channel(StreamKey stream) {
        return stream.isRoom() ? roomChannel(stream.name()) : userChannel(stream.name());
    }

    /** The stream's last assigned offset. */
    public byte[] sequence(StreamKey stream) {
        return bytes(prefix + (stream.isRoom() ? "seq:" : "user-seq:") + stream.name());
    }

    /** The stream's epoch. */
    public byte[] epoch(StreamKey stream) {
        return bytes(prefix + (stream.isRoom() ? "epoch:" : "user-epoch:") + stream.name());
    }

    /** The Redis Stream holding the stream's kept publications. */
    public byte[] history(StreamKey stream) {
        return bytes(prefix + (stream.isRoom() ? "history:" : "user-history:") + stream.name());
    }

    /** Set of {@code user␟connection} in a room. */
    public byte[] roomConnections(String room) {
        return bytes(prefix + "room-conns:" + room);
    }

    /** Hash user -> connections in a room. */
    public byte[] roomMembers(String room) {
        return bytes(prefix + "room-members:" + room);
    }

    /** Set of a user's connection ids. */
    public byte[] userConnections(String user) {
        return bytes(prefix + "user-conns:" + user);
    }

    /** Hash user -> connections, of every connected user. */
    public byte[] online() {
        return bytes(prefix + "online");
    }

    /** Set of the rooms that have members. */
    public byte[] rooms() {
        return bytes(prefix + "rooms");
    }

    /** Set of the node ids that have registered. */
    public byte[] nodes() {
        return bytes(prefix + "nodes");
    }

    /** A node's heartbeat key; it expires when the node stops renewing it. */
    public byte[] nodeAlive(String node) {
        return bytes(prefix + "node-alive:" + node);
    }

    /** Set of {@code user␟connection} registered by a node. */
    public byte[] nodeConnections(String node) {
        return bytes(prefix + "node-conns:" + node);
    }

    /** Set of {@code room␟user␟connection} registered by a node. */
    public byte[] nodeMemberships(String node) {
        return bytes(prefix + "node-rooms:" + node);
    }

    /** Taken by the one node that cleans up after a dead one. */
    public byte[] reapLock(String node) {
        return bytes(prefix + "reap:" + node);
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Joins parts with {@link #SEPARATOR}. */
    public static String join(String... parts) {
        return String.join(SEPARATOR, parts);
    }
}
