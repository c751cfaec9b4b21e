package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.client.Events;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SlowConsumerIT {
    private static final int MESSAGE_BYTES = 16 * 1024;
    /** Far more than socket buffers and the 1 MiB queue together can hold. */
    private static final int MAX_MESSAGES = 4000;

    /** No command budget: the publisher sends bursts until the socket buffers fill, however large they are. */
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.closeTimeout(Duration.ofSeconds(60)).commandRate(0, 1));

    @Test
    void aClientThatStopsReadingIsClosedWith4008WhileTheOthersKeepReceiving() {
        TestClient publisher = node.connect("publisher");
        TestClient fast = node.connect("fast");
        TestClient slow = node.connect("slow");
        for (TestClient client : List.of(publisher, fast, slow)) {
            client.client().join("firehose").join();
        }
        slow.client().pauseReading();

        String payload = "x".repeat(MESSAGE_BYTES);
        int published = 0;
        while (!slowLeft(fast) && published < MAX_MESSAGES) {
            List<CompletableFuture<Long>> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(publisher.client().publish("firehose", payload));
            }
            CompletableFuture.allOf(batch.toArray(new CompletableFuture<?>[0])).orTimeout(30, TimeUnit.SECONDS).join();
            published += batch.size();
        }
        assertThat(slowLeft(fast)).as("slow consumer closed within %d messages", MAX_MESSAGES).isTrue();

        // The others keep receiving everything, before and after.
        publisher.client().publish("firehose", "after").join();
        int total = published + 1;
        assertThat(fast.recorder().awaitMessages("firehose", total)).hasSize(total);
        assertThat(publisher.recorder().awaitMessages("firehose", total)).hasSize(total);

        slow.client().resumeReading();
        Events.Closed closed = slow.client().closedFuture().orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(closed.code()).isEqualTo(4008);
        assertThat(slow.recorder().disconnects()).containsExactly(new Events.Disconnect(4008, "slow consumer", true));
        assertThat(slow.recorder().messages("firehose").size()).isLessThan(total);
        Recorder.until(() -> node.hubStats().sessions() == 2);
    }

    private static boolean slowLeft(TestClient watcher) {
        return watcher.recorder().memberships().contains(new Events.Membership("firehose", "slow", false));
    }
}
