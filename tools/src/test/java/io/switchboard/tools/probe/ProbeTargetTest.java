package io.switchboard.tools.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProbeTargetTest {
    @Test
    void takesTheDefaultPortAndPathOfEachScheme() {
        ProbeTarget https = ProbeTarget.parse("https://example.com");
        assertThat(https.tls()).isTrue();
        assertThat(https.websocket()).isFalse();
        assertThat(https.port()).isEqualTo(443);
        assertThat(https.requestTarget()).isEqualTo("/");
        assertThat(https.hostHeader()).isEqualTo("example.com");
        assertThat(https.hostIsAddress()).isFalse();

        ProbeTarget ws = ProbeTarget.parse("WS://10.0.0.1:8080/ws/a%20b?x=1#ignored");
        assertThat(ws.tls()).isFalse();
        assertThat(ws.websocket()).isTrue();
        assertThat(ws.port()).isEqualTo(8080);
        assertThat(ws.requestTarget()).isEqualTo("/ws/a%20b?x=1");
        assertThat(ws.hostHeader()).isEqualTo("10.0.0.1:8080");
        assertThat(ws.hostIsAddress()).isTrue();

        ProbeTarget wss = ProbeTarget.parse("wss://[::1]:9443/");
        assertThat(wss.host()).isEqualTo("::1");
        assertThat(wss.hostHeader()).isEqualTo("[::1]:9443");
        assertThat(wss.hostIsAddress()).isTrue();
    }

    @Test
    void refusesWhatItCannotProbe() {
        assertThatThrownBy(() -> ProbeTarget.parse("ftp://x")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> ProbeTarget.parse("example.com")).hasMessageContaining("scheme");
        assertThatThrownBy(() -> ProbeTarget.parse("http://")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProbeTarget.parse("http://bad host/")).hasMessageContaining("not a URL");
        assertThatThrownBy(() -> ProbeTarget.parse("http://x:70000/")).hasMessageContaining("port out of range");
    }
}
