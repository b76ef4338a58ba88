package io.smoothcast.samples.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.alert.AlertListener;
import io.smoothcast.transport.OpsSnapshot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scrapes the ops endpoint of a live demo over real HTTP on 127.0.0.1. */
class OpsHttpServerIT {

    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");

    /** Waits (bounded) until the monitor has sampled media flowing to every viewer. */
    static void awaitLiveData(LiveDemo demo) {
        long deadlineNs = System.nanoTime() + 15_000_000_000L;
        while (true) {
            OpsSnapshot s = demo.monitor().latest();
            if (!s.receive().isEmpty() && s.receive().stream().allMatch(r -> r.bitrateInBps() > 0)) {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("no live data within 15 s: " + s);
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }

    @Test
    @Timeout(60)
    void metricsEventsAndDiagnostics_overRealHttp() throws Exception {
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (LiveDemo demo = LiveDemo.start(2, 1, 0.05, 600_000, AlertListener.NONE, null);
                OpsHttpServer server = OpsHttpServer.start(demo.monitor(),
                        () -> "{\"diag\":true}".getBytes(StandardCharsets.UTF_8), bind)) {
            awaitLiveData(demo);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = server.url();

            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(base + "metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    scrape.headers().firstValue("content-type").orElse(""));
            Map<String, Double> samples = new HashMap<>();
            for (String line : scrape.body().split("\n")) {
                if (line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                assertTrue(m.matches(), "not an exposition line: " + line);
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
            assertEquals(3.0, samples.get("smoothcast_node_viewers{node=\"node-1\",region=\"local\",stream=\"demo\"}"),
                    scrape.body());
            assertEquals(3.0, samples.get("smoothcast_stream_viewers{stream=\"demo\",node=\"node-1\",region=\"local\"}"));
            assertTrue(samples.get("smoothcast_stream_received_bytes_total{stream=\"demo\",node=\"node-1\",region=\"local\"}") > 0);
            assertTrue(samples.get("smoothcast_stream_sent_packets_total{stream=\"demo\",node=\"node-1\",region=\"local\"}") > 0);

            // one server-sent event, read off the raw stream
            HttpResponse<java.io.InputStream> events = http.send(
                    HttpRequest.newBuilder(URI.create(base + "events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, events.statusCode());
            assertTrue(events.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                String line = reader.readLine();
                assertTrue(line.startsWith("data: "), line);
                JsonNode event = new ObjectMapper().readTree(line.substring("data: ".length()));
                assertEquals("demo", event.get("streams").get(0).get("stream").asText());
                assertEquals(3, event.get("nodes").get(0).get("viewers").asInt());
            }

            HttpResponse<String> diag = http.send(HttpRequest.newBuilder(URI.create(base + "diag")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"diag\":true}", diag.body());
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "nope")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(base + "metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(page.body().contains("<meta charset=\"utf-8\">"));
            HttpResponse<String> uplot = http.send(HttpRequest.newBuilder(URI.create(base + "uplot.min.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(uplot.body().contains("uPlot"), "the WebJar's uPlot is served");
        }
    }
}
