package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.client.SwitchboardClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The check every attack test ends with: two fresh clients still chat on the node, and once
 * they and the attacker are gone, the node holds no connection, session or room (nothing the
 * attack made is left behind).
 */
public final class Chat {
    private static final AtomicInteger ROOMS = new AtomicInteger();

    private Chat() {
    }

    /** Two clients connected with {@code options(user)} exchange a message in a fresh room. */
    public static void stillWorks(TestNode node, Function<String, Consumer<SwitchboardClient.Builder>> options) {
        String room = "health-" + ROOMS.incrementAndGet();
        TestClient a = node.connect("healthy-a", options.apply("healthy-a"));
        TestClient b = node.connect("healthy-b", options.apply("healthy-b"));
        a.client().join(room).orTimeout(10, TimeUnit.SECONDS).join();
        b.client().join(room).orTimeout(10, TimeUnit.SECONDS).join();
        a.client().publish(room, "still here").orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(b.recorder().awaitMessages(room, 1).get(0).content().asText()).isEqualTo("still here");
        a.client().close();
        b.client().close();
    }

    /** Waits until the node holds no open connection and its hub no session or room. */
    public static void nothingLeft(TestNode node) {
        await().atMost(Duration.ofSeconds(15)).until(() -> node.server().openConnections() == 0);
        node.awaitHubEmpty();
    }
}
