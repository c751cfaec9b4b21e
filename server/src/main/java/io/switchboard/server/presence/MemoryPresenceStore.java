package io.switchboard.server.presence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Presence for a single node, in memory. Empty rooms and offline users leave no entry behind. */
public final class MemoryPresenceStore implements PresenceStore {
    /** user -> connection ids. */
    private final ConcurrentMap<String, Set<String>> users = new ConcurrentHashMap<>();
    /** room -> user -> connection ids. */
    private final ConcurrentMap<String, Map<String, Set<String>>> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Integer> connect(String user, String connectionId, int limit) {
        int[] count = new int[1];
        users.compute(user, (u, conns) -> {
            Set<String> set = conns == null ? new HashSet<>() : conns;
            if (limit > 0 && !set.contains(connectionId) && set.size() >= limit) {
                count[0] = REFUSED;
            } else {
                count[0] = set.add(connectionId) ? set.size() : 0;
            }
            return set.isEmpty() ? null : set;
        });
        return CompletableFuture.completedFuture(count[0]);
    }

    @Override
    public CompletionStage<Boolean> disconnect(String user, String connectionId) {
        boolean[] last = new boolean[1];
        users.computeIfPresent(user, (u, conns) -> {
            last[0] = conns.remove(connectionId) && conns.isEmpty();
            return conns.isEmpty() ? null : conns;
        });
        return done(last[0]);
    }

    @Override
    public CompletionStage<Boolean> join(String room, String user, String connectionId) {
        boolean[] first = new boolean[1];
        rooms.compute(room, (r, members) -> {
            Map<String, Set<String>> map = members == null ? new HashMap<>() : members;
            Set<String> conns = map.computeIfAbsent(user, u -> new HashSet<>());
            first[0] = conns.isEmpty();
            conns.add(connectionId);
            return map;
        });
        return done(first[0]);
    }

    @Override
    public CompletionStage<Boolean> leave(String room, String user, String connectionId) {
        boolean[] last = new boolean[1];
        rooms.computeIfPresent(room, (r, members) -> {
            Set<String> conns = members.get(user);
            if (conns != null && conns.remove(connectionId) && conns.isEmpty()) {
                members.remove(user);
                last[0] = true;
            }
            return members.isEmpty() ? null : members;
        });
        return done(last[0]);
    }

    @Override
    public CompletionStage<List<Member>> members(String room) {
        List<Member> out = new ArrayList<>();
        rooms.computeIfPresent(room, (r, members) -> {
            members.forEach((user, conns) -> out.add(new Member(user, conns.size())));
            return members;
        });
        out.sort(Comparator.comparing(Member::userId));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<List<Member>> online() {
        List<Member> out = new ArrayList<>();
        for (String user : users.keySet()) {
            users.computeIfPresent(user, (u, conns) -> {
                out.add(new Member(u, conns.size()));
                return conns;
            });
        }
        out.sort(Comparator.comparing(Member::userId));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<List<RoomSummary>> rooms() {
        List<RoomSummary> out = new ArrayList<>();
        for (String room : rooms.keySet()) {
            rooms.computeIfPresent(room, (r, members) -> {
                int connections = 0;
                for (Set<String> conns : members.values()) {
                    connections += conns.size();
                }
                out.add(new RoomSummary(r, members.size(), connections));
                return members;
            });
        }
        out.sort(Comparator.comparing(RoomSummary::room));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Integer> connections(String user) {
        int[] count = new int[1];
        users.computeIfPresent(user, (u, conns) -> {
            count[0] = conns.size();
            return conns;
        });
        return CompletableFuture.completedFuture(count[0]);
    }

    @Override
    public void close() {
        users.clear();
        rooms.clear();
    }

    private static CompletionStage<Boolean> done(boolean value) {
        return CompletableFuture.completedFuture(value);
    }
}
