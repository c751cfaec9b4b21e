package io.switchboard.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.redis.RedisConnector;
import io.switchboard.testing.RedisServer;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node registering its connections again in Redis (after an outage, or a Redis that lost its
 * data) while those connections come and go: the store ends up holding exactly what the node
 * holds, whatever happened during the resync.
 */
class RedisPresenceResyncIT {
    private RedisServer redis;
    private RedisConnector connector;
    private RedisPresenceStore store;
    /** The node's connections by id, as the node keeps them (a live view the resync reads). */
    private final Map<String, LocalConnection> live = new ConcurrentHashMap<>();
    /** The changes announced, by the resync and by sessions ending meanwhile, in announcement order. */
    private final List<PresenceChange> announced = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        connector = RedisConnector.connect(redis.uri(), "sb:", Duration.ofSeconds(5));
        store = new RedisPresenceStore(connector, "node-a", Duration.ofSeconds(5));
        // Both scripts loaded (FLUSHALL keeps them), as on a Redis that served the node a while:
        // commands then run in the order they are sent.
        await(store.connect("nobody", "n0", 0));
        await(store.disconnect("nobody", "n0"));
    }

    @AfterEach
    void stop() {
        connector.close();
        redis.close();
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** A connection the node holds and the store records, as a session that opened and joined would be. */
    private void opened(String user, String id, String... rooms) {
        live.put(id, new LocalConnection(user, id, ConcurrentHashMap.newKeySet()));
        await(store.connect(user, id, 0));
        for (String room : rooms) {
            live.get(id).rooms().add(room);
            await(store.join(room, user, id));
        }
    }

    private void resync(Map<String, LocalConnection> view) {
        await(store.resync(view, announced::add));
    }

    /** A session ending as the node ends one: forgotten first, then removed, announcing what was its last. */
    private void ended(Map<String, LocalConnection> view, String user, String id) {
        LocalConnection connection = view.remove(id);
        for (String room : List.copyOf(connection.rooms())) {
            connection.rooms().remove(room);
            store.leave(room, user, id).thenAccept(last -> {
                if (last) {
                    announced.add(PresenceChange.membership(room, user, false));
                }
            });
        }
        store.disconnect(user, id).thenAccept(last -> {
            if (last) {
                announced.add(PresenceChange.online(user, false));
            }
        });
    }

    private List<String> online() {
        return await(store.online()).stream().map(Member::userId).toList();
    }

    private List<String> members(String room) {
        return await(store.members(room)).stream().map(Member::userId).toList();
    }

    @Test
    void aStoreThatLostItsDataGetsTheNodesConnectionsBackWithTheirEvents() {
        opened("alice", "a1", "lobby");
        opened("bob", "b1");
        redis.command("FLUSHALL");

        resync(live);

        assertThat(online()).containsExactly("alice", "bob");
        assertThat(members("lobby")).containsExactly("alice");
        assertThat(announced).containsExactlyInAnyOrder(PresenceChange.online("alice", true),
                PresenceChange.online("bob", true), PresenceChange.membership("lobby", "alice", true));
    }

    @Test
    void whatTheNodeNoLongerHoldsIsRemovedWithItsEvents() {
        opened("alice", "a1", "lobby");
        opened("bob", "b1", "lobby");
        // Bob's connection ended while the store was unreachable: the node forgot it, the store did not.
        live.remove("b1");

        resync(live);

        assertThat(online()).containsExactly("alice");
        assertThat(members("lobby")).containsExactly("alice");
        assertThat(announced).containsExactlyInAnyOrder(PresenceChange.online("bob", false),
                PresenceChange.membership("lobby", "bob", false));
    }

    @Test
    void aConnectionCountedWhileTheResyncRunsIsKept() {
        opened("alice", "a1");
        CompletionStage<Void> resync = store.resync(live, announced::add);
        // Counted now, as a session opening during the resync is: listed first, then recorded.
        // Redis runs the recording before the resync reads what this node registered.
        opened("carol", "c1", "lobby");

        await(resync);
        // Carol may be announced by the resync (had it read her before her own recording) but
        // never as gone.
        assertThat(announced).allMatch(PresenceChange::present);
        assertThat(online()).containsExactly("alice", "carol");
        assertThat(members("lobby")).containsExactly("carol");
    }

    @Test
    void aConnectionThatEndsJustAsTheResyncRegistersItIsRemovedAgain() {
        opened("alice", "a1");
        opened("dave", "d1", "lobby");
        redis.command("FLUSHALL");
        // Dave's session ends right after the resync read what to register: its removal reaches
        // the store before the resync's registration.
        Map<String, LocalConnection> racing = new ConcurrentHashMap<>(live) {
            @Override
            public Collection<LocalConnection> values() {
                List<LocalConnection> now = super.values().stream()
                        .map(c -> new LocalConnection(c.user(), c.connectionId(), Set.copyOf(c.rooms()))).toList();
                if (containsKey("d1")) {
                    ended(this, "dave", "d1");
                }
                return now;
            }
        };

        resync(racing);

        assertThat(online()).containsExactly("alice");
        assertThat(members("lobby")).isEmpty();
        // Announced back and forth as the store went, ending where the store is.
        assertThat(announced).filteredOn(c -> c.user().equals("dave") && c.room() == null)
                .extracting(PresenceChange::present).containsExactly(true, false);
        assertThat(announced).filteredOn(c -> c.user().equals("dave") && c.room() != null)
                .extracting(PresenceChange::present).containsExactly(true, false);
    }

    @Test
    void aRoomLeftJustAsTheResyncRegistersItIsRemovedAgain() {
        opened("erin", "e1", "lobby", "kitchen");
        redis.command("FLUSHALL");
        Map<String, LocalConnection> racing = new ConcurrentHashMap<>(live) {
            private boolean left;

            @Override
            public Collection<LocalConnection> values() {
                Collection<LocalConnection> now = List.of(new LocalConnection("erin", "e1", Set.copyOf(get("e1").rooms())));
                if (!left) {
                    left = true;
                    get("e1").rooms().remove("kitchen");
                    store.leave("kitchen", "erin", "e1");
                }
                return now;
            }
        };

        resync(racing);

        assertThat(online()).containsExactly("erin");
        assertThat(members("lobby")).containsExactly("erin");
        assertThat(members("kitchen")).isEmpty();
    }

    @Test
    void aNodeFoundDeadThatBeatsAgainBeforeItIsReapedKeepsItsConnections() {
        opened("alice", "a1", "lobby");
        RedisPresenceStore peer = new RedisPresenceStore(connector, "node-b", Duration.ofSeconds(5));
        // node-a's heartbeat is there: as when it beat again between the peer's beat, which found
        // it expired, and the peer's reap.
        await(store.heartbeat("{}"));

        await(peer.reap("node-a", announced::add));

        assertThat(online()).containsExactly("alice");
        assertThat(members("lobby")).containsExactly("alice");
        assertThat(announced).isEmpty();
        assertThat(redis.command("SMEMBERS", "sb:nodes")).asList().contains("node-a");
        // The lock is let go, so that the node is cleaned up at once should it die for real.
        assertThat(redis.command("EXISTS", "sb:reap:node-a")).isEqualTo(0L);
    }

    @Test
    void aNodeThatStaysDeadIsReapedWithItsEvents() {
        opened("alice", "a1", "lobby");
        await(store.heartbeat("{}"));
        redis.command("DEL", "sb:node-alive:node-a");
        RedisPresenceStore peer = new RedisPresenceStore(connector, "node-b", Duration.ofSeconds(5));

        await(peer.reap("node-a", announced::add));

        assertThat(online()).isEmpty();
        assertThat(members("lobby")).isEmpty();
        assertThat(announced).containsExactlyInAnyOrder(PresenceChange.online("alice", false),
                PresenceChange.membership("lobby", "alice", false));
        assertThat(redis.command("SMEMBERS", "sb:nodes")).asList().doesNotContain("node-a");
    }

    @Test
    void aNodeWhoseOwnHeartbeatExpiredNamesNoOtherNodeDead() {
        RedisPresenceStore peer = new RedisPresenceStore(connector, "node-b", Duration.ofSeconds(5));
        await(store.heartbeat("{}"));
        await(peer.heartbeat("{}"));
        // Both heartbeats gone at once, as after Redis stalled for longer than the node timeout.
        redis.command("DEL", "sb:node-alive:node-a", "sb:node-alive:node-b");

        Heartbeat first = await(peer.heartbeat("{}"));
        assertThat(first.stillRegistered()).isFalse();
        assertThat(first.deadNodes()).isEmpty();
        // One interval later node-a has not beaten: now it counts as dead.
        assertThat(await(peer.heartbeat("{}")).deadNodes()).containsExactly("node-a");
    }
}
