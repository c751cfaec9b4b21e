package io.switchboard.server.redis;

import io.switchboard.server.history.StreamKey;
import java.nio.charset.StandardCharsets;

/**
 * Names of every Redis key and channel Switchboard uses, under one prefix ({@code sb:} by
 * default). Parts of composite members are joined with U+001F, which no user id or room
 * name can contain.
 *
 * <p>For a Redis Cluster the names carry hash tags, so that what one script touches lives in
 * one slot: a stream's keys and channel are tagged with its name ({@code sb:seq:{lobby}},
 * {@code sb:room:{lobby}}), which spreads streams over the cluster, and everything else
 * (presence, the node registry, node-to-node channels) with the prefix ({@code {sb:}online}),
 * which keeps it in one slot. Without a cluster the names have no tags.
 */
public final class RedisKeys {
    /** Separates the parts of a set member such as {@code user␟connection}. */
    public static final String SEPARATOR = "\u001f";

    private final String prefix;
    private final boolean tagged;
    /** The prefix of everything that is not per stream: tagged with itself in a cluster. */
    private final String shared;

    /** Names under {@code prefix}, without hash tags. */
    public RedisKeys(String prefix) {
        this(prefix, false);
    }

    /**
     * Names under {@code prefix}, with hash tags when {@code tagged} (for a Redis Cluster); then
     * the prefix may not contain braces, which would change the tags.
     */
    public RedisKeys(String prefix, boolean tagged) {
        if (tagged && (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0)) {
            throw new IllegalArgumentException("a Redis Cluster key prefix may not contain { or }: " + prefix);
        }
        this.prefix = prefix;
        this.tagged = tagged;
        this.shared = tagged ? "{" + prefix + "}" : prefix;
    }

    /**
     * A stream's name as it ends its keys: in braces for a cluster, so that they share a slot.
     * Braces and {@code %} in the name (user ids may hold them) are written as {@code %7B},
     * {@code %7D} and {@code %25}, so that the tag is the whole name and never empty.
     */
    private String stream(String name) {
        if (!tagged) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 2).append('{');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '%' -> out.append("%25");
                case '{' -> out.append("%7B");
                case '}' -> out.append("%7D");
                default -> out.append(c);
            }
        }
        return out.append('}').toString();
    }

    /** The inverse of the escaping in {@link #stream}. */
    private static String unescape(String tag) {
        if (tag.indexOf('%') < 0) {
            return tag;
        }
        return tag.replace("%7B", "{").replace("%7D", "}").replace("%25", "%");
    }

    /** The room whose channel is {@code channel}, or {@code null} if it is no room's. */
    public String roomOfChannel(String channel) {
        return streamOfChannel(channel, prefix + "room:");
    }

    /** The user whose channel is {@code channel}, or {@code null} if it is no user's. */
    public String userOfChannel(String channel) {
        return streamOfChannel(channel, prefix + "user:");
    }

    private String streamOfChannel(String channel, String start) {
        if (!channel.startsWith(start)) {
            return null;
        }
        if (!tagged) {
            return channel.substring(start.length());
        }
        int end = channel.length() - 1;
        if (end <= start.length() || channel.charAt(start.length()) != '{' || channel.charAt(end) != '}') {
            return null;
        }
        return unescape(channel.substring(start.length() + 1, end));
    }

    /** Pub/sub channel of a room's frames. */
    public byte[] roomChannel(String room) {
        return bytes(prefix + "room:" + stream(room));
    }

    /** Pub/sub channel of a user's frames. */
    public byte[] userChannel(String user) {
        return bytes(prefix + "user:" + stream(user));
    }

    /** Pub/sub channel of requests to one node, and of the answers to its own. */
    public byte[] nodeChannel(String node) {
        return bytes(shared + "node:" + node);
    }

    /** Pub/sub channel of messages from node to node (e.g. "disconnect this user"). */
    public byte[] controlChannel() {
        return bytes(shared + "control");
    }

    /** Pub/sub channel of a stream: its room's, or its user's. */
    public byte[] channel(StreamKey stream) {
        return stream.isRoom() ? roomChannel(stream.name()) : userChannel(stream.name());
    }

    /** The stream's last assigned offset. */
    public byte[] sequence(StreamKey stream) {
        return bytes(prefix + (stream.isRoom() ? "seq:" : "user-seq:") + stream(stream.name()));
    }

    /** The stream's epoch. */
    public byte[] epoch(StreamKey stream) {
        return bytes(prefix + (stream.isRoom() ? "epoch:" : "user-epoch:") + stream(stream.name()));
    }

    /** The Redis Stream holding the stream's kept publications. */
    public byte[] history(StreamKey stream) {
        return bytes(prefix + (stream.isRoom() ? "history:" : "user-history:") + stream(stream.name()));
    }

    /** A publication's idempotency key in its stream: holds the position it was published at. */
    public byte[] idempotency(StreamKey stream, String key) {
        return bytes(prefix + (stream.isRoom() ? "idem:" : "user-idem:") + stream(stream.name()) + SEPARATOR + key);
    }

    /** Set of {@code user␟connection} in a room. */
    public byte[] roomConnections(String room) {
        return bytes(shared + "room-conns:" + room);
    }

    /** Hash user -> connections in a room. */
    public byte[] roomMembers(String room) {
        return bytes(shared + "room-members:" + room);
    }

    /** Set of a user's connection ids. */
    public byte[] userConnections(String user) {
        return bytes(shared + "user-conns:" + user);
    }

    /** Hash user -> connections, of every connected user. */
    public byte[] online() {
        return bytes(shared + "online");
    }

    /** Set of the rooms that have members. */
    public byte[] rooms() {
        return bytes(shared + "rooms");
    }

    /** Set of the node ids that have registered. */
    public byte[] nodes() {
        return bytes(shared + "nodes");
    }

    /** A node's heartbeat key; it expires when the node stops renewing it. */
    public byte[] nodeAlive(String node) {
        return bytes(shared + "node-alive:" + node);
    }

    /** Set of {@code user␟connection} registered by a node. */
    public byte[] nodeConnections(String node) {
        return bytes(shared + "node-conns:" + node);
    }

    /** Set of {@code room␟user␟connection} registered by a node. */
    public byte[] nodeMemberships(String node) {
        return bytes(shared + "node-rooms:" + node);
    }

    /** Taken by the one node that cleans up after a dead one. */
    public byte[] reapLock(String node) {
        return bytes(shared + "reap:" + node);
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
