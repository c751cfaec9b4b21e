package io.switchboard.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@code message} or {@code direct_message} frame complete but for its offset, which ends the
 * frame. The publishing node encodes the frame once, up to {@code "offset":}; the broker appends
 * the offset it assigns, in the same step that fixes the frame's place in its stream, so no
 * node ever encodes the frame again.
 */
public final class FrameTemplate {
    private static final byte[] OFFSET_FIELD = "\"offset\":".getBytes(StandardCharsets.US_ASCII);

    private final byte[] head;

    private FrameTemplate(byte[] head) {
        this.head = head;
    }

    /** A room {@code message} frame. */
    public static FrameTemplate message(String room, String from, String content, long timestampMillis) {
        return of(ServerFrames.message(room, from, content, timestampMillis, 0));
    }

    /** A {@code direct_message} frame. */
    public static FrameTemplate directMessage(String from, String to, String content, long timestampMillis) {
        return of(ServerFrames.directMessage(from, to, content, timestampMillis, 0));
    }

    private static FrameTemplate of(byte[] whole) {
        // The frame ends with "offset":0} ; cut the 0 and the closing brace.
        return new FrameTemplate(Arrays.copyOf(whole, whole.length - 2));
    }

    /** Rebuilds a template from the bytes of {@link #head()}, e.g. after crossing a broker. */
    public static FrameTemplate fromHead(byte[] head) {
        return new FrameTemplate(head);
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

    /**
     * The offset that ends a frame finished by a template, read from its last bytes without
     * parsing it; {@code -1} for a frame that does not end with an offset (join, leave, ...).
     */
    public static long offsetOf(byte[] frame) {
        int end = frame.length - 1;
        if (end < 1 || frame[end] != '}') {
            return -1;
        }
        int start = end;
        while (start > 0 && frame[start - 1] >= '0' && frame[start - 1] <= '9') {
            start--;
        }
        if (start == end || start < OFFSET_FIELD.length) {
            return -1;
        }
        for (int i = 0; i < OFFSET_FIELD.length; i++) {
            if (frame[start - OFFSET_FIELD.length + i] != OFFSET_FIELD[i]) {
                return -1;
            }
        }
        long offset = 0;
        for (int i = start; i < end; i++) {
            offset = offset * 10 + (frame[i] - '0');
        }
        return offset;
    }
}
