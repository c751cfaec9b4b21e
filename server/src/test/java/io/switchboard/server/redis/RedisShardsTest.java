package io.switchboard.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.history.StreamKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisShardsTest {
    private static final int ROOMS = 20_000;
    private static final List<String> THREE = List.of("10.0.0.1:6379/0", "10.0.0.2:6379/0", "10.0.0.3:6379/0");

    @Test
    void streamsSpreadEvenlyOverTheInstances() {
        long[] seeds = RedisShards.seeds(THREE);
        int[] counts = new int[3];
        for (int i = 0; i < ROOMS; i++) {
            counts[RedisShards.choose(seeds, StreamKey.room("room-" + i))]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(ROOMS * 30 / 100, ROOMS * 37 / 100);
        }
    }

    @Test
    void anAddedInstanceTakesAboutItsShareAndNothingElseMoves() {
        long[] before = RedisShards.seeds(THREE);
        long[] after = RedisShards.seeds(List.of("10.0.0.1:6379/0", "10.0.0.2:6379/0", "10.0.0.3:6379/0", "10.0.0.4:6379/0"));
        int moved = 0;
        for (int i = 0; i < ROOMS; i++) {
            StreamKey room = StreamKey.room("room-" + i);
            int was = RedisShards.choose(before, room);
            int is = RedisShards.choose(after, room);
            if (was != is) {
                assertThat(is).as("a stream that moves, moves to the new instance").isEqualTo(3);
                moved++;
            }
        }
        assertThat(moved).isBetween(ROOMS * 20 / 100, ROOMS * 30 / 100);
    }

    @Test
    void theOrderOfTheListDoesNotMatter() {
        long[] seeds = RedisShards.seeds(THREE);
        long[] reversed = RedisShards.seeds(List.of(THREE.get(2), THREE.get(1), THREE.get(0)));
        for (int i = 0; i < 1000; i++) {
            StreamKey user = StreamKey.user("user-" + i);
            assertThat(THREE.get(RedisShards.choose(seeds, user)))
                    .isEqualTo(List.of(THREE.get(2), THREE.get(1), THREE.get(0)).get(RedisShards.choose(reversed, user)));
        }
    }
}
