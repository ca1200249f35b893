package io.asynkit.demo;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.NestedTestConfiguration;
import org.springframework.test.context.NestedTestConfiguration.EnclosingConfiguration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live view at {@code /} in a real browser: the demo application runs with some requests in flight,
 * Debian's Chromium loads the page headless, lets it poll {@code /actuator/asynkit} for a few seconds of
 * virtual time, and hands back the rendered DOM.
 *
 * <p>Skipped when {@code /usr/bin/chromium} is missing ({@code apt-get install chromium}; {@code .ci/run}
 * installs it). Run with {@code -Dlive.view.screenshot=docs/images/live-view.png} (a path relative to
 * the project root, or absolute) to also save a 1280×900 screenshot of the page for the docs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class LiveViewBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(2);
    private static final String SCREENSHOT_PROPERTY = "live.view.screenshot";

    @LocalServerPort
    int port;

    @Test
    void showsTheLoopAsItRuns() throws Exception {
        assumeChromium();
        try (Load load = Load.start(port)) {
            load.awaitBlockedRequests(); // the page's first answer already has something to show

            // ?try=... presses the demo buttons once the page has loaded: their results are checked too. The
            // budget is Chromium's virtual time, which the page's polls advance whatever the server does: on a
            // machine with two CPU-bound processes beside the test, 8 s of it passed before the stream's first
            // line (250 ms of the server's real time) had arrived.
            String dom = Chromium.dumpDom("http://localhost:" + port + "/?try=quote,reports,aggregate,stream",
                    Duration.ofSeconds(12));

            assertThat(attribute(dom, "body", "data-status")).as("the page's status").isEqualTo("live");
            assertThat(Integer.parseInt(attribute(dom, "body", "data-polls"))).as("answers the page drew")
                    .isGreaterThanOrEqualTo(3);

            assertThat(textOf(dom, "loop-name")).isEqualTo("asynkit");
            assertThat(textOf(dom, "loop-mode")).isEqualTo("scheduled");
            assertThat(textOf(dom, "loop-policy")).isEqualTo("PRIORITY");
            assertThat(textOf(dom, "loop-carriers")).matches("\\d+.*");
            assertThat(textOf(dom, "n-runnable")).matches("\\d+");
            assertThat(Integer.parseInt(textOf(dom, "n-running"))).as("running: at least the page's own request")
                    .isGreaterThanOrEqualTo(1);
            assertThat(Integer.parseInt(textOf(dom, "n-blocked"))).as("blocked: the held downstream calls")
                    .isGreaterThanOrEqualTo(1);
            assertThat(textOf(dom, "c-started").replace(",", "")).matches("\\d+");
            assertThat(textOf(dom, "boosts-total").replace(",", "")).matches("\\d+");
            assertThat(textOf(dom, "longest-wait")).matches("[\\d.]+ (µs|ms|s)");

            // the task table: requests by name, a blocked one among them, bands from effective priorities
            assertThat(dom).containsPattern("<td class=\"name\"[^>]*>http-request<");
            assertThat(dom).contains("<span class=\"state BLOCKED\">BLOCKED</span>");
            assertThat(dom).containsPattern("<span class=\"band (HIGH|NORMAL|LOW)\">(HIGH|NORMAL|LOW)</span></td>");
            // the band matrix: three rows of three numbers
            assertThat(Pattern.compile("<span class=\"n( zero)?\">\\d+</span>").matcher(dom).results().count())
                    .isEqualTo(9);

            // the buttons' results, from the browser's own requests
            assertThat(dom).containsPattern("quote</span><span class=\"text\">price \\d+ in .*priority -10 \\(HIGH\\)");
            assertThat(dom).containsPattern("10 reports</span><span class=\"text\">10 × \\d+ ms of CPU.*priority 10 \\(LOW\\)");
            assertThat(dom).containsPattern("aggregate</span><span class=\"text\">3 downstream calls started eagerly");
            assertThat(dom).containsPattern("took</span>.*\\d+ ms</span><span>slowest</span>.*100 ms</span><span>sum</span>.*200 ms");
            // the stream flushes each line as the generator produces it: some have arrived, maybe all (the page
            // shows the last few, so which ones depends on how far it got)
            assertThat(dom).containsPattern("stream</span><span class=\"text\">(12 lines in|lines arrive as)")
                    .containsPattern("line \\d+/12");
            assertThat(dom).doesNotContain("class=\"result failed\"");

            load.assertHealthy();

            String screenshot = System.getProperty(SCREENSHOT_PROPERTY, "");
            if (!screenshot.isBlank()) {
                Path file = projectRoot().resolve(screenshot).toAbsolutePath().normalize();
                Chromium.screenshot("http://localhost:" + port + "/?try=aggregate", Duration.ofSeconds(40), file);
                System.out.println("live view screenshot: " + file);
            }
        }
    }

    /** Without the endpoint exposed, the page says which property to set. */
    @Nested
    @NestedTestConfiguration(EnclosingConfiguration.OVERRIDE)
    @SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = "management.endpoints.web.exposure.include=health")
    class EndpointNotExposed {

        @LocalServerPort
        int port;

        @Test
        void explainsWhichPropertyToSet() throws Exception {
            assumeChromium();
            String dom = Chromium.dumpDom("http://localhost:" + port + "/", Duration.ofSeconds(3));

            assertThat(attribute(dom, "body", "data-status")).isEqualTo("error");
            assertThat(textOf(dom, "banner-title")).isEqualTo("The asynkit Actuator endpoint is not exposed.");
            assertThat(spanText(dom, "banner-text"))
                    .contains("answered 404")
                    .contains("Set management.endpoints.web.exposure.include=health,info,metrics,asynkit in application.properties");
            assertThat(dom).contains("<code>management.endpoints.web.exposure.include=health,info,metrics,asynkit</code>");
            assertThat(dom).as("the banner is shown").doesNotContainPattern("<div id=\"banner\"[^>]*\\shidden");
        }
    }

    // ---- the page's DOM ---------------------------------------------------------------------------------

    private static String textOf(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
        if (!m.find()) {
            fail("no element with id " + id + " in the rendered page:\n" + dom);
        }
        return m.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
    }

    /** Per test, not in a {@code @BeforeAll}: Surefire reports a skipped test with its reason, not a skipped class. */
    private static void assumeChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM),
                CHROMIUM + " is missing, so the live view's browser test is skipped"
                        + " (Debian: apt-get install chromium; .ci/run installs it)");
    }

    /** The text of a span, markup inside it removed. */
    private static String spanText(String dom, String id) {
        Matcher m = Pattern.compile("<span id=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</span>").matcher(dom);
        if (!m.find()) {
            fail("no span with id " + id + " in the rendered page:\n" + dom);
        }
        return m.group(1).replaceAll("<[^>]*>", "");
    }

    private static String attribute(String dom, String tag, String name) {
        Matcher m = Pattern.compile("<" + tag + "\\b[^>]*\\b" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
        if (!m.find()) {
            fail("no " + name + " on <" + tag + "> in the rendered page:\n" + dom);
        }
        return m.group(1);
    }

    /** The directory with the Maven wrapper: Surefire runs the tests in the module's directory. */
    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    // ---- the browser ------------------------------------------------------------------------------------

    /**
     * Debian's Chromium, headless, in a fresh profile each time; killed with its children on timeout. The
     * page's console goes to Chromium's stderr: an uncaught exception there fails the test.
     */
    private static final class Chromium {

        static String dumpDom(String url, Duration virtualTime) throws Exception {
            return run(List.of("--virtual-time-budget=" + virtualTime.toMillis(), "--dump-dom", url));
        }

        static void screenshot(String url, Duration virtualTime, Path file) throws Exception {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            run(List.of("--hide-scrollbars", "--window-size=1280,900", "--virtual-time-budget=" + virtualTime.toMillis(),
                    "--screenshot=" + file, url));
            assertThat(file).as("the screenshot").exists().isNotEmptyFile();
        }

        private static String run(List<String> arguments) throws Exception {
            Path work = Files.createTempDirectory("live-view-chromium");
            try {
                List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                        "--enable-logging=stderr", "--v=0", "--user-data-dir=" + work.resolve("profile")));
                command.addAll(arguments);
                Path out = work.resolve("stdout");
                Path err = work.resolve("stderr");
                Process process = new ProcessBuilder(command).directory(work.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(BROWSER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    fail("Chromium did not finish within " + BROWSER_TIMEOUT + ": " + command + "\n" + Files.readString(err));
                }
                String log = Files.readString(err);
                if (process.exitValue() != 0) {
                    fail("Chromium exited with " + process.exitValue() + ": " + command + "\n" + log);
                }
                assertThat(log.lines().filter(line -> line.contains(":CONSOLE") && line.contains("Uncaught")))
                        .as("uncaught errors in the page's console").isEmpty();
                return Files.readString(out);
            } finally {
                deleteRecursively(work);
            }
        }

        private static void deleteRecursively(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- background load --------------------------------------------------------------------------------

    /**
     * A few clients on a plain thread pool that keep requests in flight until closed: LOW reports that
     * compute, aggregates that wait for their downstream calls, quotes, and downstream calls held for a
     * second or two, so that some request is always blocked.
     */
    private static final class Load implements AutoCloseable {

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final ExecutorService clients = Executors.newFixedThreadPool(7);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final String base;

        private Load(int port) {
            this.base = "http://localhost:" + port;
        }

        static Load start(int port) {
            Load load = new Load(port);
            load.keepSending("/api/report?workMs=300", 0);
            load.keepSending("/api/report?workMs=300", 0);
            load.keepSending("/api/aggregate", 0);
            load.keepSending("/api/aggregate", 0);
            load.keepSending("/api/quote", 50);
            load.keepSending("/downstream/held?delayMs=1500", 0);
            load.keepSending("/downstream/held?delayMs=2000", 0);
            return load;
        }

        private void keepSending(String path, long pauseMs) {
            clients.execute(() -> {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build();
                while (!stop.get()) {
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            answered.incrementAndGet();
                        } else if (!stop.get()) {
                            failures.add(path + " answered " + response.statusCode() + ": " + response.body());
                        }
                        if (pauseMs > 0) {
                            Thread.sleep(pauseMs);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException e) {
                        if (!stop.get()) {
                            failures.add(path + ": " + e);
                        }
                    }
                }
            });
        }

        void awaitBlockedRequests() {
            HttpRequest view = HttpRequest.newBuilder(URI.create(base + "/actuator/asynkit")).build();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String body = http.send(view, HttpResponse.BodyHandlers.ofString()).body();
                Matcher blocked = Pattern.compile("\"blocked\":(\\d+)").matcher(body);
                return blocked.find() && Integer.parseInt(blocked.group(1)) >= 2;
            });
        }

        void assertHealthy() {
            assertThat(failures).as("failed background requests").isEmpty();
            assertThat(answered.get()).as("answered background requests").isPositive();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            clients.shutdownNow();
            clients.awaitTermination(10, TimeUnit.SECONDS);
            http.close();
        }
    }
}
