package io.switchboard.tools.probe;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ProbeResponseReaderTest {
    @Test
    void decodesChunksWithExtensionsAndTrailersEvenByteByByte() throws IOException {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "A\r\n, world!!!\r\n"
                + "0\r\nX-Trailer: yes\r\n\r\n";
        for (boolean slow : new boolean[] {false, true}) {
            ResponseReader reader = reader(response, slow);
            ResponseReader.Response read = reader.read();
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.bodyBytes()).isEqualTo(15);
            assertThat(reader.received()).isEqualTo(response.length());
        }
    }

    @Test
    void readsExactlyTheContentLengthAfterSkippingInterimResponses() throws IOException {
        String response = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\ncontent-length: 4\r\nContent-Type: text/plain\r\n\r\nnope";
        ResponseReader.Response read = reader(response, true).read();
        assertThat(read.status()).isEqualTo(404);
        assertThat(read.bodyBytes()).isEqualTo(4);
        assertThat(read.headers()).containsEntry("content-type", "text/plain");
    }

    @Test
    void readsUntilTheCloseWithoutALengthAndStopsAtTheEndOfA101() throws IOException {
        assertThat(reader("HTTP/1.0 200 OK\n\nall of it", false).read().bodyBytes()).isEqualTo(9);
        ResponseReader.Response upgrade =
                reader("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi", false).read();
        assertThat(upgrade.status()).isEqualTo(101);
        assertThat(upgrade.bodyBytes()).isZero();
        assertThat(reader("HTTP/1.1 204 No Content\r\n\r\n", false).read().bodyBytes()).isZero();
    }

    @Test
    void saysWhatIsWrongWithABrokenResponse() {
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false).read())
                .isInstanceOf(EOFException.class).hasMessageContaining("5 bytes short");
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false).read())
                .hasMessageContaining("bad chunk size line: 'zz'");
        assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH\r\n", false).read())
                .hasMessageContaining("not an HTTP/1.x status line");
        assertThatThrownBy(() -> reader("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx", false).read())
                .hasMessageContaining("bad Content-Length");
        assertThatThrownBy(() -> reader("", false).awaitFirstByte())
                .isInstanceOf(EOFException.class).hasMessageContaining("before the response began");
    }

    private static ResponseReader reader(String response, boolean oneByteAtATime) {
        InputStream bytes = new ByteArrayInputStream(response.getBytes(ISO_8859_1));
        if (!oneByteAtATime) {
            return new ResponseReader(bytes);
        }
        return new ResponseReader(new InputStream() {
            @Override
            public int read() throws IOException {
                return bytes.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return bytes.read(buffer, offset, Math.min(length, 1));
            }
        });
    }
}
