package io.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class NamesTest {
    private static final String ROOM_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:@#$/=,";

    @Property
    void roomsOfTheAlphabetUpTo200CharactersAreValid(@ForAll("rooms") String room) {
        assertThat(Names.isValidRoom(room)).isTrue();
    }

    @Property
    void aRoomWithAnyOtherCharacterIsInvalid(@ForAll("shortRooms") String room, @ForAll("foreign") char c,
                                            @ForAll @IntRange(min = 0, max = 199) int at) {
        int index = Math.min(at, room.length());
        assertThat(Names.isValidRoom(room.substring(0, index) + c + room.substring(index))).isFalse();
    }

    @Property
    void roomLengthIsBounded(@ForAll @IntRange(min = 201, max = 400) int length) {
        assertThat(Names.isValidRoom("r".repeat(length))).isFalse();
        assertThat(Names.isValidRoom("")).isFalse();
    }

    @Property
    void userIdsWithoutControlCharactersUpTo128AreValid(
            @ForAll @StringLength(min = 1, max = 128) String user) {
        boolean hasControl = user.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL)
                || user.chars().anyMatch(ch -> Character.isSurrogate((char) ch));
        assertThat(Names.isValidUserId(user)).isEqualTo(!hasControl);
    }

    @Property
    void userIdsCountCodePointsNotChars(@ForAll @IntRange(min = 1, max = 128) int n) {
        String emoji = "\uD83D\uDE00".repeat(n);
        assertThat(Names.isValidUserId(emoji)).isTrue();
        assertThat(Names.isValidUserId(emoji + "\uD83D\uDE00".repeat(129 - n))).isFalse();
    }

    @Property
    void userIdsWithAControlCharacterAreInvalid(@ForAll @StringLength(min = 0, max = 20) String prefix,
                                               @ForAll("controls") char control) {
        assertThat(Names.isValidUserId(prefix + control)).isFalse();
    }

    @Provide
    Arbitrary<String> rooms() {
        return Arbitraries.strings().withChars(ROOM_ALPHABET.toCharArray()).ofMinLength(1).ofMaxLength(200);
    }

    @Provide
    Arbitrary<String> shortRooms() {
        return Arbitraries.strings().withChars(ROOM_ALPHABET.toCharArray()).ofMinLength(0).ofMaxLength(199);
    }

    @Provide
    Arbitrary<Character> foreign() {
        return Arbitraries.chars().filter(c -> ROOM_ALPHABET.indexOf(c) < 0);
    }

    @Provide
    Arbitrary<Character> controls() {
        return Arbitraries.chars().range('\u0000', '\u001f');
    }
}
