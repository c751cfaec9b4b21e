package io.switchboard.tools.probe;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one HTTP/1.1 response off a connection: the status line, the headers, and the body as the
 * headers frame it (by {@code Content-Length}, chunked, or up to the close), counting what arrives.
 */
final class ResponseReader {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 1_000;
    private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,15}");
    private static final Pattern STATUS_CODE = Pattern.compile("[1-5]\\d\\d");
    private static final Pattern LENGTH = Pattern.compile("\\d{1,18}");

    /**
     * A response as far as it was read.
     *
     * @param status    the status code
     * @param headers   the headers, by lower-case name; repeated headers joined with {@code ", "}
     * @param bodyBytes the bytes of the body after any chunked framing is removed
     */
    record Response(int status, Map<String, String> headers, long bodyBytes) {
    }

    private final InputStream in;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private long received;

    ResponseReader(InputStream in) {
        this.in = in;
    }

    /** Blocks until the first byte of the response has arrived. */
    void awaitFirstByte() throws IOException {
        if (!fill()) {
            throw new EOFException("connection closed before the response began");
        }
    }

    /**
     * Reads the response, skipping interim {@code 1xx} responses. A {@code 101 Switching Protocols}
     * ends at its headers, as the connection then no longer speaks HTTP.
     */
    Response read() throws IOException {
        while (true) {
            int status = status(line("status line"));
            Map<String, String> headers = headers();
            if (status == 101) {
                return new Response(status, headers, 0);
            }
            if (status >= 200) {
                return new Response(status, headers, body(status, headers));
            }
        }
    }

    /** Every byte taken from the connection so far. */
    long received() {
        return received;
    }

    private long body(int status, Map<String, String> headers) throws IOException {
        if (status == 204 || status == 304) {
            return 0;
        }
        String transferEncoding = headers.get("transfer-encoding");
        if (transferEncoding != null) {
            String[] codings = transferEncoding.split(",");
            boolean chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
            return chunked ? chunked() : untilClose();
        }
        String contentLength = headers.get("content-length");
        if (contentLength != null) {
            long length = contentLength(contentLength);
            skip(length, "body of " + length + " bytes");
            return length;
        }
        return untilClose();
    }

    private long chunked() throws IOException {
        long total = 0;
        while (true) {
            String line = line("chunk size line");
            int extension = line.indexOf(';');
            String hex = (extension < 0 ? line : line.substring(0, extension)).trim();
            if (!CHUNK_SIZE.matcher(hex).matches()) {
                throw new IOException("bad chunk size line: '" + shorten(line) + "'");
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                headers();
                return total;
            }
            skip(size, "chunk of " + size + " bytes");
            total += size;
            if (!line("end of a chunk").isEmpty()) {
                throw new IOException("a chunk of " + size + " bytes is not followed by CRLF");
            }
        }
    }

    private long untilClose() throws IOException {
        long total = limit - position;
        position = limit;
        while (fill()) {
            total += limit;
            position = limit;
        }
        return total;
    }

    private void skip(long count, String what) throws IOException {
        long left = count;
        while (left > 0) {
            if (position == limit && !fill()) {
                throw new EOFException("connection closed " + left + " bytes short of the end of the " + what);
            }
            int step = (int) Math.min(left, limit - position);
            position += step;
            left -= step;
        }
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String last = null;
        for (int count = 0; count <= MAX_HEADERS; count++) {
            String line = line("header line");
            if (line.isEmpty()) {
                return headers;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && last != null) {
                headers.merge(last, line.trim(), (a, b) -> a + " " + b);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: '" + shorten(line) + "'");
            }
            last = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.merge(last, line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        throw new IOException("more than " + MAX_HEADERS + " header lines");
    }

    /** A line up to LF, without the line end (CRLF or a bare LF). */
    private String line(String what) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (position == limit && !fill()) {
                throw new EOFException("connection closed in the middle of a " + what);
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.append(new String(buffer, start, position - start, StandardCharsets.ISO_8859_1));
            if (line.length() > MAX_LINE) {
                throw new IOException(what + " longer than " + MAX_LINE + " bytes");
            }
            if (position < limit) {
                position++;
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
        }
    }

    private boolean fill() throws IOException {
        int count = in.read(buffer, 0, buffer.length);
        if (count < 0) {
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = count;
        received += count;
        return true;
    }

    private static int status(String line) throws IOException {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !STATUS_CODE.matcher(parts[1]).matches()) {
            throw new IOException("not an HTTP/1.x status line: '" + shorten(line) + "'");
        }
        return Integer.parseInt(parts[1]);
    }

    private static long contentLength(String value) throws IOException {
        // A repeated header arrives joined with ", "; its copies must agree.
        String[] copies = value.split(",");
        String first = copies[0].trim();
        for (String copy : copies) {
            if (!copy.trim().equals(first) || !LENGTH.matcher(first).matches()) {
                throw new IOException("bad Content-Length: '" + shorten(value) + "'");
            }
        }
        return Long.parseLong(first);
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
