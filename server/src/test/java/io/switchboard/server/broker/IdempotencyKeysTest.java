package io.switchboard.server.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.StreamKey;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong offsets = new AtomicLong();
    private final IdempotencyKeys keys = new IdempotencyKeys(Duration.ofSeconds(10), now::get);

    private StreamPosition publish() {
        return new StreamPosition(offsets.incrementAndGet(), "e");
    }

    @Test
    void aKeyPublishesOnceWithinTheWindowAndAgainAfterIt() {
        StreamKey lobby = StreamKey.room("lobby");
        assertThat(keys.once(lobby, "k", this::publish).offset()).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(keys.once(lobby, "k", this::publish).offset()).isEqualTo(1);
        assertThat(offsets.get()).isEqualTo(1);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(keys.once(lobby, "k", this::publish).offset()).as("the window has passed").isEqualTo(2);
    }

    @Test
    void keysAreThoseOfTheirStreamAndExpiredOnesAreForgotten() {
        assertThat(keys.once(StreamKey.room("a"), "k", this::publish).offset()).isEqualTo(1);
        assertThat(keys.once(StreamKey.room("b"), "k", this::publish).offset()).isEqualTo(2);
        assertThat(keys.once(StreamKey.user("a"), "k", this::publish).offset()).isEqualTo(3);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        keys.once(StreamKey.room("a"), "later", this::publish);
        assertThat(keys.size()).isEqualTo(4);
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(keys.size()).as("the first three expired").isEqualTo(1);
    }
}
