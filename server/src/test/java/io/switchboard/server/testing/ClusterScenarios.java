package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.Events;
import io.switchboard.protocol.StreamPosition;
import java.util.ArrayList;
import java.util.List;

/** Scenarios that every way of clustering nodes (one Redis, several, a Redis Cluster) must pass. */
public final class ClusterScenarios {
    private ClusterScenarios() {
    }

    /**
     * A reader on node {@code a} follows {@code rooms} rooms ({@code room-0} ...) written from node
     * {@code b}, leaves, misses one message in each, and comes back on {@code b}: each room is
     * recovered from where the reader left, with exactly what it missed.
     */
    public static void aReaderRecoversOnTheOtherNode(TestNode a, TestNode b, int rooms) {
        TestClient writer = b.connect("writer");
        TestClient reader = a.connect("reader");
        List<StreamPosition> seen = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            reader.client().join(room(i)).join();
            writer.client().join(room(i)).join();
            writer.client().publish(room(i), "before").join();
        }
        for (int i = 0; i < rooms; i++) {
            reader.recorder().awaitMessages(room(i), 1);
            seen.add(reader.client().position(room(i)));
        }
        reader.client().close();
        for (int i = 0; i < rooms; i++) {
            writer.client().publish(room(i), "while away").join();
        }

        TestClient back = b.connect("reader");
        for (int i = 0; i < rooms; i++) {
            Events.Joined joined = back.client().join(room(i), seen.get(i)).join();
            assertThat(joined.recovered()).as(room(i)).isTrue();
            assertThat(back.recorder().awaitMessages(room(i), 1)).extracting(m -> m.content().asText())
                    .containsExactly("while away");
        }
    }

    private static String room(int i) {
        return "room-" + i;
    }
}
