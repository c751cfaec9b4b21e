package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON configuration every Switchboard component shares. */
public final class Json {
    /** Deepest nesting of arrays and objects a frame may have. */
    public static final int MAX_DEPTH = 32;
    /** Longest number (in characters) a frame may hold: longer ones cost too much to convert. */
    public static final int MAX_NUMBER_LENGTH = 1000;

    private static final ObjectMapper MAPPER = mapper(MAX_DEPTH);

    private Json() {
    }

    /** A thread-safe mapper whose parser refuses documents nested deeper than {@link #MAX_DEPTH}. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A new mapper whose parser refuses documents nested deeper than {@code maxDepth}. Numbers
     * are kept exactly as values: integers of any size, and decimals as {@code BigDecimal} (never
     * rounded to a double, so never {@code Infinity}), trailing zeros included.
     */
    public static ObjectMapper mapper(int maxDepth) {
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(maxDepth)
                                .maxNumberLength(MAX_NUMBER_LENGTH)
                                .build())
                        .build())
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }
}
