package io.switchboard.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@code message} frame complete but for its offset, which ends the frame. The publishing node
 * encodes a room message once, up to {@code "offset":}; the broker appends the offset it
 * assigns, in the same step that fixes the message's place in the room's order, so no node
 * ever encodes the frame again.
 */
public final class MessageFrameTemplate {
    private final byte[] head;

    private MessageFrameTemplate(byte[] head) {
        this.head = head;
    }

    /** Everything of the frame up to and including {@code "offset":}. */
    public static MessageFrameTemplate of(String room, String from, String content, long timestampMillis) {
        byte[] whole = ServerFrames.message(room, from, content, timestampMillis, 0);
        // The frame ends with "offset":0} ; cut the 0 and the closing brace.
        return new MessageFrameTemplate(Arrays.copyOf(whole, whole.length - 2));
    }

    /** Rebuilds a template from the bytes of {@link #head()}, e.g. after crossing a broker. */
    public static MessageFrameTemplate fromHead(byte[] head) {
        return new MessageFrameTemplate(head);
    }

    /** The frame bytes up to and including {@code "offset":}. */
    public byte[] head() {
        return head;
    }

    /** The finished frame for the given offset. */
    public byte[] withOffset(long offset) {
        byte[] digits = Long.toString(offset).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = Arrays.copyOf(head, head.length + digits.length + 1);
        System.arraycopy(digits, 0, frame, head.length, digits.length);
        frame[frame.length - 1] = '}';
        return frame;
    }
}
