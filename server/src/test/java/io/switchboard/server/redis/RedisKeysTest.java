package io.switchboard.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.SlotHash;
import io.switchboard.server.history.StreamKey;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
    private final RedisKeys plain = new RedisKeys("sb:");
    private final RedisKeys tagged = new RedisKeys("sb:", true);

    @Test
    void withoutAClusterNamesCarryNoHashTags() {
        StreamKey lobby = StreamKey.room("lobby");
        assertThat(RedisKeys.text(plain.sequence(lobby))).isEqualTo("sb:seq:lobby");
        assertThat(RedisKeys.text(plain.history(lobby))).isEqualTo("sb:history:lobby");
        assertThat(RedisKeys.text(plain.roomChannel("lobby"))).isEqualTo("sb:room:lobby");
        assertThat(RedisKeys.text(plain.online())).isEqualTo("sb:online");
        assertThat(RedisKeys.text(plain.controlChannel())).isEqualTo("sb:control");
    }

    @Test
    void onAClusterAStreamIsTaggedWithItsNameAndEverythingElseWithThePrefix() {
        StreamKey lobby = StreamKey.room("lobby");
        assertThat(RedisKeys.text(tagged.sequence(lobby))).isEqualTo("sb:seq:{lobby}");
        assertThat(RedisKeys.text(tagged.epoch(lobby))).isEqualTo("sb:epoch:{lobby}");
        assertThat(RedisKeys.text(tagged.history(lobby))).isEqualTo("sb:history:{lobby}");
        assertThat(RedisKeys.text(tagged.roomChannel("lobby"))).isEqualTo("sb:room:{lobby}");
        assertThat(RedisKeys.text(tagged.userChannel("bob"))).isEqualTo("sb:user:{bob}");
        assertThat(RedisKeys.text(tagged.online())).isEqualTo("{sb:}online");
        assertThat(RedisKeys.text(tagged.nodeAlive("n1"))).isEqualTo("{sb:}node-alive:n1");
        assertThat(RedisKeys.text(tagged.controlChannel())).isEqualTo("{sb:}control");
    }

    @Property
    void everyKeyAndTheChannelOfAStreamShareOneSlotAndTheChannelNamesItsStream(
            @ForAll @StringLength(min = 1, max = 30) String name) {
        for (StreamKey stream : List.of(StreamKey.room(name), StreamKey.user(name))) {
            byte[] channel = tagged.channel(stream);
            int slot = SlotHash.getSlot(channel);
            assertThat(SlotHash.getSlot(tagged.sequence(stream))).isEqualTo(slot);
            assertThat(SlotHash.getSlot(tagged.epoch(stream))).isEqualTo(slot);
            assertThat(SlotHash.getSlot(tagged.history(stream))).isEqualTo(slot);
            String parsed = stream.isRoom() ? tagged.roomOfChannel(RedisKeys.text(channel))
                    : tagged.userOfChannel(RedisKeys.text(channel));
            assertThat(parsed).isEqualTo(name);
        }
    }

    @Test
    void bracesAndPercentSignsInANameAreEscapedSoThatItsTagIsTheWholeName() {
        assertThat(RedisKeys.text(tagged.userChannel("}a{%"))).isEqualTo("sb:user:{%7Da%7B%25}");
        assertThat(tagged.userOfChannel("sb:user:{%7Da%7B%25}")).isEqualTo("}a{%");
        assertThat(tagged.userOfChannel("sb:user:{%257D}")).isEqualTo("%7D");
        // Without the escaping "}x" would give an empty tag, and the key would be hashed whole.
        assertThat(SlotHash.getSlot(tagged.sequence(StreamKey.user("}x"))))
                .isEqualTo(SlotHash.getSlot(tagged.userChannel("}x")));
    }

    @Test
    void presenceAndRegistryKeysShareOneSlot() {
        int slot = SlotHash.getSlot(tagged.online());
        for (byte[] key : List.of(tagged.rooms(), tagged.nodes(), tagged.nodeAlive("n"), tagged.nodeConnections("n"),
                tagged.nodeMemberships("n"), tagged.reapLock("n"), tagged.roomConnections("lobby"),
                tagged.roomMembers("lobby"), tagged.userConnections("bob"), tagged.nodeChannel("n"),
                tagged.controlChannel())) {
            assertThat(SlotHash.getSlot(key)).as(RedisKeys.text(key)).isEqualTo(slot);
        }
    }

    @Test
    void channelsOfOtherKindsNameNoStream() {
        assertThat(tagged.roomOfChannel("{sb:}control")).isNull();
        assertThat(tagged.roomOfChannel("sb:room:lobby")).isNull();
        assertThat(tagged.userOfChannel("sb:room:{lobby}")).isNull();
        assertThat(plain.roomOfChannel("sb:user:bob")).isNull();
        assertThat(plain.roomOfChannel("sb:room:lobby")).isEqualTo("lobby");
    }

    @Test
    void aClusterPrefixMayNotHoldBraces() {
        assertThatThrownBy(() -> new RedisKeys("sb{x}:", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{ or }");
    }
}
