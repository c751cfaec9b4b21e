package io.switchboard.server.presence;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.switchboard.server.redis.LuaScript;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.redis.RedisKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Cluster-wide presence in Redis. Each connection is recorded once in a set, and first/last is
 * decided in the same Lua script that changes the count, so every change is seen by exactly one
 * node. Every node also lists what it registered, under its heartbeat, so that survivors can
 * remove the connections of a node that died.
 */
public final class RedisPresenceStore implements PresenceStore {
    private static final LuaScript ADD = LuaScript.load("add_presence");
    private static final LuaScript REMOVE = LuaScript.load("remove_presence");
    private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat");
    private static final LuaScript ROOMS = LuaScript.load("rooms");
    private static final LuaScript FORGET_NODE = LuaScript.load("forget_node");

    private final RedisConnector redis;
    private final RedisKeys keys;
    private final String node;
    private final Duration nodeTimeout;

    public RedisPresenceStore(RedisConnector redis, String node, Duration nodeTimeout) {
        this.redis = redis;
        this.keys = redis.keys();
        this.node = node;
        this.nodeTimeout = nodeTimeout;
    }

    @Override
    public CompletionStage<Integer> connect(String user, String connectionId, int limit) {
        return count(ADD, connectionKeys(user, node), user, connectionId, RedisKeys.join(user, connectionId), "",
                Integer.toString(limit)).thenApply(Long::intValue);
    }

    @Override
    public CompletionStage<Boolean> disconnect(String user, String connectionId) {
        return script(REMOVE, connectionKeys(user, node), user, connectionId, RedisKeys.join(user, connectionId), "");
    }

    @Override
    public CompletionStage<Boolean> join(String room, String user, String connectionId) {
        return script(ADD, membershipKeys(room, node), user, RedisKeys.join(user, connectionId),
                RedisKeys.join(room, user, connectionId), room);
    }

    @Override
    public CompletionStage<Boolean> leave(String room, String user, String connectionId) {
        return script(REMOVE, membershipKeys(room, node), user, RedisKeys.join(user, connectionId),
                RedisKeys.join(room, user, connectionId), room);
    }

    @Override
    public CompletionStage<List<Member>> members(String room) {
        return counts(keys.roomMembers(room));
    }

    @Override
    public CompletionStage<List<Member>> online() {
        return counts(keys.online());
    }

    @Override
    public CompletionStage<List<RoomSummary>> rooms() {
        CompletionStage<List<Object>> reply = ROOMS.run(redis.commands(), ScriptOutputType.MULTI,
                new byte[][] {keys.rooms()}, RedisKeys.bytes(RedisKeys.text(keys.roomMembers(""))));
        return unavailableOnFailure(reply.thenApply(values -> {
            List<RoomSummary> out = new ArrayList<>();
            for (int i = 0; i + 2 < values.size(); i += 3) {
                out.add(new RoomSummary(RedisKeys.text((byte[]) values.get(i)),
                        ((Long) values.get(i + 1)).intValue(), ((Long) values.get(i + 2)).intValue()));
            }
            out.sort(Comparator.comparing(RoomSummary::room));
            return out;
        }));
    }

    @Override
    public CompletionStage<Map<String, String>> reports() {
        return unavailableOnFailure(redis.commands().smembers(keys.nodes()).thenCompose(members -> {
            List<byte[]> ids = new ArrayList<>(members);
            if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(Map.<String, String>of());
            }
            byte[][] aliveKeys = ids.stream().map(id -> keys.nodeAlive(RedisKeys.text(id))).toArray(byte[][]::new);
            return redis.commands().mget(aliveKeys).thenApply(values -> {
                Map<String, String> reports = new java.util.TreeMap<>();
                for (int i = 0; i < ids.size(); i++) {
                    var value = values.get(i);
                    reports.put(RedisKeys.text(ids.get(i)), value.hasValue() ? RedisKeys.text(value.getValue()) : null);
                }
                return reports;
            });
        }));
    }

    @Override
    public CompletionStage<Integer> connections(String user) {
        return unavailableOnFailure(redis.commands().hget(keys.online(), RedisKeys.bytes(user))
                .thenApply(n -> n == null ? 0 : Integer.parseInt(RedisKeys.text(n))));
    }

    @Override
    public CompletionStage<Heartbeat> heartbeat(String report) {
        CompletionStage<List<Object>> reply = HEARTBEAT.run(redis.commands(), ScriptOutputType.MULTI,
                new byte[][] {keys.nodes(), keys.nodeAlive(node)},
                RedisKeys.bytes(node), RedisKeys.bytes(Long.toString(nodeTimeout.toMillis())),
                RedisKeys.bytes(RedisKeys.text(keys.nodeAlive(""))), RedisKeys.bytes(report));
        return unavailableOnFailure(reply.thenApply(values -> {
            List<String> dead = new ArrayList<>();
            for (Object id : values.subList(1, values.size())) {
                dead.add(RedisKeys.text((byte[]) id));
            }
            return new Heartbeat((Long) values.get(0) == 1L, dead);
        }));
    }

    @Override
    public CompletionStage<Void> reap(String deadNode, Consumer<PresenceChange> changed) {
        SetArgs once = SetArgs.Builder.nx().px(nodeTimeout.toMillis() * 3);
        // Only the node that takes the lock cleans up; it forgets the dead node once it is done,
        // so a reaper that dies halfway leaves the work to the next one after the lock expires.
        return unavailableOnFailure(redis.commands().set(keys.reapLock(deadNode), RedisKeys.bytes(node), once)
                .thenCompose(taken -> !"OK".equals(taken)
                        ? CompletableFuture.<Void>completedFuture(null)
                        : removeAll(deadNode, true, entry -> false, entry -> false, changed)
                                .thenCompose(v -> FORGET_NODE.<Long>run(redis.commands(), ScriptOutputType.INTEGER,
                                        new byte[][] {keys.nodes(), keys.nodeAlive(deadNode), keys.reapLock(deadNode)},
                                        RedisKeys.bytes(deadNode)))
                                .thenApply(n -> (Void) null)));
    }

    @Override
    public CompletionStage<Void> resync(Map<String, LocalConnection> live, Consumer<PresenceChange> changed) {
        // What the store holds is kept when it is live as it is looked at, not as of a snapshot
        // taken before: a connection counted meanwhile stays.
        CompletionStage<Void> removed = removeAll(node, false,
                entry -> holds(live, entry.split(RedisKeys.SEPARATOR, 2)[1], null),
                entry -> {
                    String[] parts = entry.split(RedisKeys.SEPARATOR, 3);
                    return holds(live, parts[2], parts[0]);
                }, changed);
        return unavailableOnFailure(removed.thenCompose(v -> {
            List<LocalConnection> registered = new ArrayList<>();
            for (LocalConnection connection : live.values()) {
                registered.add(new LocalConnection(connection.user(), connection.connectionId(),
                        Set.copyOf(connection.rooms())));
            }
            List<CompletableFuture<Void>> adds = new ArrayList<>();
            for (LocalConnection connection : registered) {
                String user = connection.user();
                // A live connection is recorded whatever the limit: it was admitted under it.
                adds.add(connect(user, connection.connectionId(), 0)
                        .thenAccept(count -> report(changed, count == 1, PresenceChange.online(user, true)))
                        .toCompletableFuture());
                for (String room : connection.rooms()) {
                    adds.add(join(room, user, connection.connectionId())
                            .thenAccept(first -> report(changed, first, PresenceChange.membership(room, user, true)))
                            .toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(adds.toArray(new CompletableFuture<?>[0]))
                    .thenCompose(done -> removeEnded(registered, live, changed));
        }));
    }

    /**
     * Removes again what the resync registered for connections and rooms that ended while it
     * ran (the session's own removal may have come first and found nothing to remove).
     */
    private CompletionStage<Void> removeEnded(List<LocalConnection> registered, Map<String, LocalConnection> live,
                                              Consumer<PresenceChange> changed) {
        List<CompletableFuture<Void>> removals = new ArrayList<>();
        for (LocalConnection connection : registered) {
            String user = connection.user();
            String id = connection.connectionId();
            boolean ended = !holds(live, id, null);
            List<CompletableFuture<Void>> rooms = new ArrayList<>();
            for (String room : connection.rooms()) {
                if (ended || !holds(live, id, room)) {
                    rooms.add(leave(room, user, id)
                            .thenAccept(last -> report(changed, last, PresenceChange.membership(room, user, false)))
                            .toCompletableFuture());
                }
            }
            CompletableFuture<Void> left = CompletableFuture.allOf(rooms.toArray(new CompletableFuture<?>[0]));
            removals.add(!ended ? left : left.thenCompose(v -> disconnect(user, id))
                    .thenAccept(last -> report(changed, last, PresenceChange.online(user, false))));
        }
        return CompletableFuture.allOf(removals.toArray(new CompletableFuture<?>[0]));
    }

    /** Whether {@code live} holds connection {@code id} (in {@code room}, unless that is null) now. */
    private static boolean holds(Map<String, LocalConnection> live, String id, String room) {
        LocalConnection connection = live.get(id);
        return connection != null && (room == null || connection.rooms().contains(room));
    }

    @Override
    public void close() {
        // The connections belong to the RedisConnector, which the server closes.
    }

    /**
     * Removes what {@code owner} registered except the entries to keep (asked as each is looked
     * at); reports each last-connection change as Redis makes it. When {@code ownerDead}, each
     * removal is made only while the owner's heartbeat is still missing: a node found dead that
     * beats again (after Redis stalled, say) keeps what it registered from then on, and registers
     * again what was removed before, since its beat tells it that its heartbeat had expired.
     */
    private CompletionStage<Void> removeAll(String owner, boolean ownerDead, Predicate<String> keepConnection,
                                            Predicate<String> keepMembership, Consumer<PresenceChange> changed) {
        CompletionStage<Void> rooms = redis.commands().smembers(keys.nodeMemberships(owner)).thenCompose(members -> {
            List<CompletableFuture<Void>> removals = new ArrayList<>();
            for (byte[] member : members) {
                String entry = RedisKeys.text(member);
                if (keepMembership.test(entry)) {
                    continue;
                }
                String[] parts = entry.split(RedisKeys.SEPARATOR, 3);
                removals.add(script(REMOVE, fenced(membershipKeys(parts[0], owner), owner, ownerDead), parts[1],
                        RedisKeys.join(parts[1], parts[2]), entry, parts[0])
                        .thenAccept(last -> report(changed, last, PresenceChange.membership(parts[0], parts[1], false)))
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(removals.toArray(new CompletableFuture<?>[0]));
        });
        return rooms.thenCompose(v -> redis.commands().smembers(keys.nodeConnections(owner))).thenCompose(members -> {
            List<CompletableFuture<Void>> removals = new ArrayList<>();
            for (byte[] member : members) {
                String entry = RedisKeys.text(member);
                if (keepConnection.test(entry)) {
                    continue;
                }
                String[] parts = entry.split(RedisKeys.SEPARATOR, 2);
                removals.add(script(REMOVE, fenced(connectionKeys(parts[0], owner), owner, ownerDead), parts[0],
                        parts[1], entry, "")
                        .thenAccept(last -> report(changed, last, PresenceChange.online(parts[0], false)))
                        .toCompletableFuture());
            }
            return CompletableFuture.allOf(removals.toArray(new CompletableFuture<?>[0]));
        });
    }

    private static void report(Consumer<PresenceChange> changed, boolean happened, PresenceChange change) {
        if (happened) {
            changed.accept(change);
        }
    }

    /** {@code scriptKeys} with the owner's heartbeat key, when the removal is for a dead owner. */
    private byte[][] fenced(byte[][] scriptKeys, String owner, boolean ownerDead) {
        if (!ownerDead) {
            return scriptKeys;
        }
        byte[][] out = Arrays.copyOf(scriptKeys, scriptKeys.length + 1);
        out[scriptKeys.length] = keys.nodeAlive(owner);
        return out;
    }

    private byte[][] connectionKeys(String user, String owner) {
        return new byte[][] {keys.userConnections(user), keys.online(), keys.nodeConnections(owner), keys.rooms()};
    }

    private byte[][] membershipKeys(String room, String owner) {
        return new byte[][] {keys.roomConnections(room), keys.roomMembers(room), keys.nodeMemberships(owner), keys.rooms()};
    }

    /** Runs add or remove presence; whether it was the user's first (add) or last (remove) there. */
    private CompletionStage<Boolean> script(LuaScript script, byte[][] scriptKeys, String user, String member,
                                            String registryMember, String room) {
        return count(script, scriptKeys, user, member, registryMember, room, "0").thenApply(n -> n == 1L);
    }

    private CompletionStage<Long> count(LuaScript script, byte[][] scriptKeys, String user, String member,
                                        String registryMember, String room, String limit) {
        return unavailableOnFailure(script.run(redis.commands(), ScriptOutputType.INTEGER, scriptKeys,
                RedisKeys.bytes(user), RedisKeys.bytes(member), RedisKeys.bytes(registryMember), RedisKeys.bytes(room),
                RedisKeys.bytes(limit)));
    }

    private CompletionStage<List<Member>> counts(byte[] hash) {
        return unavailableOnFailure(redis.commands().hgetall(hash).thenApply(RedisPresenceStore::members));
    }

    private static List<Member> members(Map<byte[], byte[]> counts) {
        List<Member> out = new ArrayList<>(counts.size());
        counts.forEach((user, n) -> out.add(new Member(RedisKeys.text(user), Integer.parseInt(RedisKeys.text(n)))));
        out.sort(Comparator.comparing(Member::userId));
        return out;
    }

    private static <T> CompletionStage<T> unavailableOnFailure(CompletionStage<T> stage) {
        return stage.handle((value, failure) -> {
            if (failure != null) {
                throw new CompletionException(RedisConnector.unavailable(failure));
            }
            return value;
        });
    }
}
