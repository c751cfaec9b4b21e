package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The rules of a command's fields, whatever format brought them (JSON frames, protobuf): each
 * check answers the value or refuses it with {@code bad_request} and the same words.
 */
public final class CommandFields {
    private static final long MAX_INTEGER_ID = 1L << 53;
    private static final int MAX_STRING_ID_LENGTH = 64;

    private CommandFields() {
    }

    /** A string of at most 64 characters, or an integer below 2^53 in magnitude. */
    public static boolean isValidId(JsonNode id) {
        return id.isTextual() && id.textValue().length() <= MAX_STRING_ID_LENGTH
                || id.isIntegralNumber() && id.canConvertToLong() && Math.abs(id.longValue()) < MAX_INTEGER_ID;
    }

    /** The refusal of an {@code id} that {@link #isValidId} does not accept. */
    public static FrameException badId() {
        return new FrameException(ErrorCode.BAD_REQUEST,
                "field 'id' must be a string of at most 64 characters or an integer below 2^53");
    }

    public static String room(String room) throws FrameException {
        if (!Names.isValidRoom(room)) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "bad room name: " + Names.ROOM_RULE);
        }
        return room;
    }

    /** A user id given in {@code field}. */
    public static String user(String field, String user) throws FrameException {
        if (!Names.isValidUserId(user)) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "bad user id in '" + field + "': " + Names.USER_RULE);
        }
        return user;
    }

    /** An {@code idempotency_key}; {@code null} (none) passes. */
    public static String idempotencyKey(String key) throws FrameException {
        if (key != null && !Names.isValidIdempotencyKey(key)) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "bad 'idempotency_key': " + Names.IDEMPOTENCY_KEY_RULE);
        }
        return key;
    }

    /** A history {@code limit}: 0 (all) or more. */
    public static int limit(long limit) throws FrameException {
        if (limit < 0 || limit > Integer.MAX_VALUE) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'limit' must be a non-negative integer");
        }
        return (int) limit;
    }

    /** A {@code since} position. */
    public static StreamPosition since(long offset, String epoch) throws FrameException {
        if (offset < 0) {
            throw new FrameException(ErrorCode.BAD_REQUEST, "field 'since.offset' must be a non-negative integer");
        }
        return new StreamPosition(offset, epoch);
    }

    /** The refusal of a frame nested deeper than {@code maxDepth}. */
    public static FrameException tooDeep(int maxDepth) {
        return new FrameException(ErrorCode.BAD_REQUEST, "JSON nested deeper than " + maxDepth + " levels");
    }
}
