package io.smoothcast.samples.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertListener;
import io.smoothcast.transport.OpsMonitor;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens the live dashboard of a running demo in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), waits until every chart holds several live points, checks them and
 * saves a screenshot to {@code target/dashboard.png}. Skipped when Chromium is not installed.
 */
@Tag("browser")
class DashboardBrowserIT {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final List<String> CHARTS = List.of("bitrate", "latency", "freezes", "loss", "drops", "viewers",
            "health");
    /**
     * Charts whose values the demo makes non-zero: media flows, latency is measured, the lossy
     * viewer's link drops 5 % before recovery, node-1 serves three viewers and grades them. The
     * freezes chart is left out: retransmissions repair the lossy link's video, so on a quiet
     * machine the demo never freezes and that chart rightly holds zeros (requiring a freeze made
     * this test time out unless a loaded machine happened to cause one). The drops chart likewise:
 * the demo has no failover or refusal, and drops frames only as it starts or when the machine is
 * loaded.
     */
    private static final List<String> NON_ZERO_CHARTS = List.of("bitrate", "latency", "loss", "viewers", "health");

    @Test
    @Timeout(150)
    void chartsFillWithLiveData() throws Exception {
        Assumptions.assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "headless Chromium not installed: apt-get install -y chromium chromium-driver");
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (LiveDemo demo = LiveDemo.start(2, 1, 0.05, 600_000, AlertListener.NONE, null);
                OpsHttpServer server = OpsHttpServer.start(demo.monitor(),
                        () -> "{}".getBytes(StandardCharsets.UTF_8), bind)) {
            ChromeDriver driver = chromium();
            try {
                driver.get(server.url());
                JavascriptExecutor js = driver;
                // At least 4 events; every chart has at least 4 points and a series with a number
                // in it, and the charts the demo makes non-zero have a series with a value > 0.
                try {
                    new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> Boolean.TRUE.equals(js.executeScript(
                            "const c = window.smoothcastCharts || {};"
                                    + "return window.smoothcastEvents >= 4 && " + jsArray(CHARTS) + ".every(id => c[id]"
                                    + " && c[id].data[0].length >= 4"
                                    + " && c[id].data.slice(1).some(s => s.some(v => v != null && Number.isFinite(v))))"
                                    + " && " + jsArray(NON_ZERO_CHARTS) + ".every(id =>"
                                    + " c[id].data.slice(1).some(s => s.some(v => v != null && v > 0)));")));
                } catch (org.openqa.selenium.TimeoutException e) {
                    throw new AssertionError("charts did not fill; per chart (points, series with a value > 0): "
                            + js.executeScript("const c = window.smoothcastCharts || {}; const out = {events:"
                                    + " window.smoothcastEvents}; for (const id of " + jsArray(CHARTS) + ") {"
                                    + " const u = c[id]; out[id] = u ? [u.data[0].length, u.series.slice(1)"
                                    + ".filter((s, i) => u.data[i + 1].some(v => v != null && v > 0))"
                                    + ".map(s => s.label)] : 'missing'; } return JSON.stringify(out);"), e);
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> points = (Map<String, Object>) js.executeScript(
                        "const out = {}; for (const [id, u] of Object.entries(window.smoothcastCharts))"
                                + " { out[id] = u.data[0].length; } return out;");
                for (String chart : CHARTS) {
                    assertTrue(((Number) points.get(chart)).intValue() >= 4, chart + ": " + points);
                }
                Object viewers = js.executeScript(
                        "const u = window.smoothcastCharts.viewers; const s = u.data[1]; return s[s.length - 1];");
                assertEquals(3, ((Number) viewers).intValue(), "node-1 serves three viewers");
                File png = driver.getScreenshotAs(OutputType.FILE);
                Path target = Path.of("target", "dashboard.png");
                Files.createDirectories(target.getParent());
                Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
                assertTrue(Files.size(target) > 10_000, "screenshot written");
            } finally {
                driver.quit();
            }
        }
    }

    /**
     * A relay restarts: its session takeovers fall from 3 to 0. The series, made when the count
     * was first not 0, shows 0 from then on, not a gap; a node count never above 0 has no series.
     * The events are handed to the page's own handler in one script, so the server's (empty) events
     * cannot come between them.
     */
    @Test
    @Timeout(90)
    void restartAndTakeoverSeries_showZeroAfterARelayRestart_notGaps() throws Exception {
        Assumptions.assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
                "headless Chromium not installed: apt-get install -y chromium chromium-driver");
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (OpsMonitor monitor = OpsMonitor.builder().build();
                OpsHttpServer server = OpsHttpServer.start(monitor, () -> "{}".getBytes(StandardCharsets.UTF_8), bind)) {
            ChromeDriver driver = chromium();
            try {
                driver.get(server.url());
                JavascriptExecutor js = driver;
                new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(js.executeScript(
                        "return document.readyState === 'complete' && typeof onEvent === 'function';")));
                @SuppressWarnings("unchecked")
                Map<String, Object> out = (Map<String, Object>) js.executeScript(
                        "const ev = (t, takeovers) => ({timeMs: t, streams: [], nodes: [{node: 'n1', region: 'eu',"
                                + " viewers: 0, viewersByStream: {}, bitrateInBps: null, bitrateOutBps: null,"
                                + " packetsDropped: 0, sourceRestarts: 0, sessionTakeovers: takeovers,"
                                + " sessionTakeoversHeld: 0, health: 0}], activeAlerts: [], recentEvents: [],"
                                + " recentNodeSwitches: []});"
                                + "onEvent(ev(4e12, 3)); onEvent(ev(4e12 + 1000, 0)); onEvent(ev(4e12 + 2000, 0));"
                                + "const u = window.smoothcastCharts.drops;"
                                + "const i = u.series.findIndex(s => s.label === 'n1 session takeovers');"
                                + "return {takeovers: i < 0 ? null : u.data[i].slice(-3).map(v => v == null ? -1 : v),"
                                + " restarts: u.series.some(s => s.label === 'n1 source restarts')};");
                assertEquals(List.of(3L, 0L, 0L), out.get("takeovers"), "-1 is a gap");
                assertEquals(false, out.get("restarts"));
            } finally {
                driver.quit();
            }
        }
    }

    private static ChromeDriver chromium() throws java.io.IOException {
        Path profile = Files.createTempDirectory("smoothcast-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1300,1400",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static String jsArray(List<String> ids) {
        return "[" + String.join(",", ids.stream().map(s -> "'" + s + "'").toList()) + "]";
    }
}
