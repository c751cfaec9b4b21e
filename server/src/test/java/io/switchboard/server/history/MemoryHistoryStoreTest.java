package io.switchboard.server.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryHistoryStoreTest {
    private long now;
    private final MemoryHistoryStore sut = new MemoryHistoryStore(() -> now);
    private final HistoryOptions keepThree = new HistoryOptions(3, Duration.ofSeconds(10));
    private final StreamKey room = StreamKey.room("r");

    @Test
    void assignsOffsetsFromOneAndKeepsTheNewestPublicationsUpToTheSize() {
        List<byte[]> delivered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StreamPosition position = sut.append(room, template(i), keepThree, delivered::add);
            assertThat(position.offset()).isEqualTo(i + 1);
        }
        assertThat(delivered).extracting(FrameTemplate::offsetOf).containsExactly(1L, 2L, 3L, 4L, 5L);
        HistoryPage page = read(0, 0);
        assertThat(page.publications()).extracting(Publication::offset).containsExactly(3L, 4L, 5L);
        assertThat(page.position().offset()).isEqualTo(5);
        assertThat(read(3, 0).publications()).extracting(Publication::offset).containsExactly(4L, 5L);
        assertThat(read(0, 2).publications()).extracting(Publication::offset).containsExactly(3L, 4L);
    }

    @Test
    void recoveryContinuesOnlyWithoutAGapAndInTheSameEpoch() {
        for (int i = 0; i < 5; i++) {
            sut.append(room, template(i), keepThree, f -> { });
        }
        String epoch = sut.position(room).epoch();
        assertThat(read(2, 0).continues(new StreamPosition(2, epoch))).isTrue();
        assertThat(read(5, 0).continues(new StreamPosition(5, epoch))).isTrue();
        assertThat(read(1, 0).continues(new StreamPosition(1, epoch))).as("offset 2 is no longer kept").isFalse();
        assertThat(read(2, 0).continues(new StreamPosition(2, "other"))).isFalse();
        assertThat(read(9, 0).continues(new StreamPosition(9, epoch))).as("ahead of the stream").isFalse();
    }

    @Test
    void keptPublicationsExpireATtlAfterTheLastOneButOffsetsGoOn() {
        sut.append(room, template(1), keepThree, f -> { });
        now += TimeUnit.SECONDS.toNanos(9);
        assertThat(read(0, 0).publications()).hasSize(1);
        now += TimeUnit.SECONDS.toNanos(2);
        assertThat(read(0, 0).publications()).isEmpty();
        assertThat(sut.append(room, template(2), keepThree, f -> { }).offset()).isEqualTo(2);
        assertThat(read(0, 0).publications()).extracting(Publication::offset).containsExactly(2L);
    }

    @Test
    void historyOffKeepsNothingButStillNumbers() {
        sut.append(room, template(1), HistoryOptions.OFF, f -> { });
        assertThat(sut.append(room, template(2), HistoryOptions.OFF, f -> { }).offset()).isEqualTo(2);
        assertThat(read(0, 0).publications()).isEmpty();
    }

    @Test
    void roomsAndUsersOfTheSameNameAreSeparateStreams() {
        sut.append(StreamKey.room("x"), template(1), keepThree, f -> { });
        assertThat(sut.position(StreamKey.user("x")).offset()).isZero();
        assertThat(sut.position(StreamKey.room("x")).epoch()).isNotEqualTo(sut.position(StreamKey.user("x")).epoch());
    }

    private HistoryPage read(long after, int limit) {
        return sut.read(room, after, limit).toCompletableFuture().join();
    }

    private static FrameTemplate template(int n) {
        return FrameTemplate.message("r", "a", Integer.toString(n), 0);
    }
}
