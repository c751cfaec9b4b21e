package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.testing.BrowserScript;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestCluster;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser SDK, the demo chat and the admin dashboard served by nodes, and driven in headless
 * Chromium by Playwright ({@code web/e2e}, see {@link BrowserScript}).
 */
class BrowserIT {
    private static final String API_KEY = "dashboard-key-0123456789";

    @Nested
    class OneNode {
        @RegisterExtension
        final TestNode node = new TestNode(b -> { });

        @Test
        void theSdkAndThePagesAreServed() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> sdk = get(http, "/js/switchboard.js");
            assertThat(sdk.statusCode()).isEqualTo(200);
            assertThat(sdk.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
            assertThat(sdk.body()).contains("export class SwitchboardClient");
            HttpResponse<String> page = get(http, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(page.body()).contains("/js/switchboard.js");
            for (String path : new String[] {"/admin", "/admin/", "/admin/admin.js"}) {
                HttpResponse<String> admin = get(http, path);
                assertThat(admin.statusCode()).as(path).isEqualTo(200);
                // The dashboard handles an API key: only its own script, only its own node.
                assertThat(admin.headers().firstValue("content-security-policy")).as(path)
                        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'", "script-src 'self'",
                                "connect-src 'self'", "frame-ancestors 'none'"));
            }
            assertThat(get(http, "/admin").body()).contains("<script type=\"module\" src=\"/admin/admin.js\">");
            // On a node in insecure mode, the demo chat lets users in without a token.
            assertThat(page.body()).contains("<meta name=\"switchboard-token\" content=\"optional\">");
        }

        @Test
        void theIconIsServedAndLinkedFromThePages() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            // Browsers ask for it on any page that links no icon: /healthz, say, or an API answer.
            HttpResponse<byte[]> ico = http.send(HttpRequest.newBuilder(node.httpUri("/favicon.ico")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(ico.statusCode()).isEqualTo(200);
            assertThat(ico.headers().firstValue("content-type")).hasValue("image/vnd.microsoft.icon");
            assertThat(ico.body()).startsWith(0, 0, 1, 0); // an ICO file's header: reserved 0, type 1 (icon)
            HttpResponse<String> svg = get(http, "/favicon.svg");
            assertThat(svg.statusCode()).isEqualTo(200);
            assertThat(svg.headers().firstValue("content-type")).hasValue("image/svg+xml");
            assertThat(svg.body()).startsWith("<svg ");
            for (String path : new String[] {"/", "/admin"}) {
                assertThat(get(http, path).body()).as(path)
                        .contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">");
            }
        }

        private HttpResponse<String> get(HttpClient http, String path) throws Exception {
            return http.send(HttpRequest.newBuilder(node.httpUri(path)).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        void theDemoChatFitsTheViewportFrom800To1920PxWideAndItsIconsLoad() {
            String output = BrowserScript.run("layout.e2e.mjs", "http://127.0.0.1:" + node.port());
            assertThat(output).contains("at 800 px nothing lies outside", "at 1280 px nothing lies outside",
                    "at 1440 px nothing lies outside", "at 1600 px nothing lies outside",
                    "at 1920 px nothing lies outside", "the icons of / load", "the icons of /admin load");
        }

        @Test
        void theSdkAnswersPromisesOverEveryTransportAndBacksOffWithJitter() {
            String output = BrowserScript.run("sdk.e2e.mjs", "http://127.0.0.1:" + node.port());
            assertThat(output).contains("websocket: acks resolve", "sse: acks resolve", "poll: acks resolve",
                    "reconnect delays grow within their bounds, with jitter");
        }

        @Test
        void twoBrowsersChatOverWebSocketAndFallBackToSseAndLongPollingWhenBlocked() {
            String output = BrowserScript.run("chat.e2e.mjs", "http://127.0.0.1:" + node.port());
            assertThat(output).contains("over websocket", "over sse (blocked in the browser: websocket)",
                    "over poll (blocked in the browser: websocket, sse)");
        }
    }

    @Nested
    class SecureNode {
        @RegisterExtension
        final TestNode node = new TestNode(b -> b.jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null,
                Duration.ofSeconds(1))).apiKey("ops", API_KEY));

        @Test
        void theSdkProvesItsUserOnEveryRequestOfAnSseOrLongPollingSession() {
            String shortToken = Tokens.hs256("secure-user", c -> c.claim("rooms", List.of("$club:*"))
                    .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(6))));
            String output = BrowserScript.run("sdk-secure.e2e.mjs", "http://127.0.0.1:" + node.port(),
                    Tokens.hs256("secure-user"), shortToken, Tokens.hs256("secure-user"));
            assertThat(output).contains("sse: session", "poll: session",
                    "refresh: the club was left, and the session outlived the first token on the new one");
            // close() ended both sessions with an authorized DELETE, long before they would expire.
            Recorder.until(() -> node.hubStats().sessions() == 0);
        }

        @Test
        void theDemoChatSaysTokenRequiredAtOnceWithoutATokenAndConnectsWithOne() {
            String output = BrowserScript.run("token.e2e.mjs", "http://127.0.0.1:" + node.port(), Tokens.hs256("alice"));
            assertThat(output).contains("opened without a token, the page says \"token required\" at once",
                    "connecting from the form without a token, the page says \"token required\" at once",
                    "with a token, the page connects");
        }
    }

    @Nested
    class TwoNodes {
        @RegisterExtension
        final TestCluster cluster = new TestCluster(2, b -> b.apiKey("ops", API_KEY).drainTimeout(Duration.ofSeconds(2)));

        @Test
        void theAdminDashboardShowsTheLiveConnectionsOfEveryNodeAndDisconnectsAUser() {
            String output = BrowserScript.run("admin.e2e.mjs", base(0), base(1), API_KEY);
            assertThat(output).contains("a wrong key is refused", "nodes show the live connections by transport",
                    "the room lists its members", "message rates rise", "the charts are drawn", "bob disconnected");
        }

        @Test
        void aPageReconnectsAfterItsServerRestartsAndShowsEveryMessageSentMeanwhile() {
            try (BrowserScript script = BrowserScript.start("restart.e2e.mjs", base(0), base(1))) {
                script.awaitStep("stop-a", Duration.ofSeconds(60));
                cluster.node(0).stop();
                script.done();
                script.awaitStep("start-a", Duration.ofSeconds(60));
                cluster.node(0).startAgain();
                script.done();
                String output = script.finish(Duration.ofMinutes(2));
                assertThat(output).contains("alice sees every message sent meanwhile, once each and in order",
                        "the chat goes on");
            }
        }

        private String base(int node) {
            return "http://127.0.0.1:" + cluster.node(node).port();
        }
    }
}
