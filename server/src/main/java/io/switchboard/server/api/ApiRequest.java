package io.switchboard.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads what a server API request carries: its JSON body and query, checked field by field. */
final class ApiRequest {
    private final FullHttpRequest request;
    private final Map<String, List<String>> query;
    private JsonNode body;

    ApiRequest(FullHttpRequest request, Map<String, List<String>> query) {
        this.request = request;
        this.query = query;
    }

    /** The JSON object in the body; needs {@code Content-Type: application/json}. */
    JsonNode body() throws ApiException {
        if (body != null) {
            return body;
        }
        CharSequence type = HttpUtil.getMimeType(request);
        if (type == null || !"application/json".equalsIgnoreCase(type.toString())) {
            throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "send the body as application/json (was " + request.headers().get(HttpHeaderNames.CONTENT_TYPE) + ")");
        }
        try {
            body = Json.mapper().readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "the body is not valid JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "the body must be a JSON object");
        }
        return body;
    }

    /** {@code content}: any JSON value, as JSON text; required. */
    String content() throws ApiException {
        JsonNode content = body().get("content");
        if (content == null) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "field 'content' is required");
        }
        return content.toString();
    }

    /** {@code from}: a user id, or {@code null} when absent. */
    String from() throws ApiException {
        JsonNode from = body().get("from");
        if (from == null || from.isNull()) {
            return null;
        }
        if (!from.isTextual() || !Names.isValidUserId(from.textValue())) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "field 'from' must be a user id: " + Names.USER_RULE);
        }
        return from.textValue();
    }

    /** {@code idempotency_key}: or {@code null} when absent. */
    String idempotencyKey() throws ApiException {
        JsonNode key = body().get("idempotency_key");
        if (key == null || key.isNull()) {
            return null;
        }
        if (!key.isTextual() || !Names.isValidIdempotencyKey(key.textValue())) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST,
                    "field 'idempotency_key' is invalid: " + Names.IDEMPOTENCY_KEY_RULE);
        }
        return key.textValue();
    }

    /** {@code rooms}: a non-empty array of at most {@code max} room names. */
    List<String> rooms(int max) throws ApiException {
        JsonNode rooms = body().get("rooms");
        if (rooms == null || !rooms.isArray() || rooms.isEmpty() || rooms.size() > max) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST,
                    "field 'rooms' must be an array of 1 to " + max + " room names");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode room : rooms) {
            if (!room.isTextual() || !Names.isValidRoom(room.textValue())) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad room name " + room + ": " + Names.ROOM_RULE);
            }
            out.add(room.textValue());
        }
        return out;
    }

    /** A non-negative integer query parameter, or {@code absent}. */
    long number(String name, long absent) throws ApiException {
        String value = text(name);
        if (value == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(HttpResponseStatus.BAD_REQUEST, "query parameter '" + name + "' must be a non-negative integer");
    }

    /** A query parameter {@code true} or {@code false}; absent: {@code false}. */
    boolean flag(String name) throws ApiException {
        String value = text(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new ApiException(HttpResponseStatus.BAD_REQUEST, "query parameter '" + name + "' must be true or false");
    }

    String text(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static String room(String segment) throws ApiException {
        if (!Names.isValidRoom(segment)) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad room name: " + Names.ROOM_RULE);
        }
        return segment;
    }

    static String user(String segment) throws ApiException {
        if (!Names.isValidUserId(segment)) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad user id: " + Names.USER_RULE);
        }
        return segment;
    }
}
