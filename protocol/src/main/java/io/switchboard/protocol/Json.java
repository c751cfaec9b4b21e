package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON configuration every Switchboard component shares. */
public final class Json {
    /** Deepest nesting of arrays and objects a frame may have. */
    public static final int MAX_DEPTH = 32;

    private static final ObjectMapper MAPPER = mapper(MAX_DEPTH);

    private Json() {
    }

    /** A thread-safe mapper whose parser refuses documents nested deeper than {@link #MAX_DEPTH}. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A new mapper whose parser refuses documents nested deeper than {@code maxDepth}. */
    public static ObjectMapper mapper(int maxDepth) {
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(maxDepth)
                                .build())
                        .build())
                .build();
    }
}
