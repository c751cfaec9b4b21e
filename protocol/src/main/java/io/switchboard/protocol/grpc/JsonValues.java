package io.switchboard.protocol.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON values (Jackson trees) as {@code google.protobuf.Value} and back: a message's
 * {@code content} on gRPC. Numbers become doubles there (the only numbers a {@code Value}
 * has): integers beyond 2^53 and long decimals lose precision, as they do in every JavaScript
 * client, and a number beyond a double's range (which would be infinite) becomes its exact
 * decimal text as a string instead.
 */
public final class JsonValues {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private JsonValues() {
    }

    public static Value toValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (node.isTextual()) {
            return Value.newBuilder().setStringValue(node.textValue()).build();
        }
        if (node.isNumber()) {
            double number = node.doubleValue();
            return Double.isFinite(number)
                    ? Value.newBuilder().setNumberValue(number).build()
                    : Value.newBuilder().setStringValue(node.asText()).build();
        }
        if (node.isBoolean()) {
            return Value.newBuilder().setBoolValue(node.booleanValue()).build();
        }
        if (node.isArray()) {
            ListValue.Builder list = ListValue.newBuilder();
            for (JsonNode item : node) {
                list.addValues(toValue(item));
            }
            return Value.newBuilder().setListValue(list).build();
        }
        return Value.newBuilder().setStructValue(toStruct(node)).build();
    }

    public static Struct toStruct(JsonNode object) {
        Struct.Builder struct = Struct.newBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            struct.putFields(field.getKey(), toValue(field.getValue()));
        }
        return struct.build();
    }

    /** The JSON of {@code value}; an unset value is JSON {@code null}. */
    public static JsonNode toJson(Value value) {
        switch (value.getKindCase()) {
            case STRING_VALUE:
                return JSON.textNode(value.getStringValue());
            case NUMBER_VALUE:
                return number(value.getNumberValue());
            case BOOL_VALUE:
                return JSON.booleanNode(value.getBoolValue());
            case LIST_VALUE:
                ArrayNode array = JSON.arrayNode();
                for (Value item : value.getListValue().getValuesList()) {
                    array.add(toJson(item));
                }
                return array;
            case STRUCT_VALUE:
                return toJson(value.getStructValue());
            default:
                return JSON.nullNode();
        }
    }

    public static ObjectNode toJson(Struct struct) {
        ObjectNode object = JSON.objectNode();
        struct.getFieldsMap().forEach((name, item) -> object.set(name, toJson(item)));
        return object;
    }

    /** Whole numbers that a double holds exactly are written as integers, as JSON clients expect. */
    private static JsonNode number(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= 9_007_199_254_740_992d) {
            return JSON.numberNode((long) d);
        }
        return JSON.numberNode(d);
    }
}
