package jgpt.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in a real headless Chromium (Debian's chromium + chromedriver, driven by Selenium) against
 * the real {@code gpt serve} started as a separate process: type a prompt, watch tokens stream in, open a token's
 * distribution, move its temperature slider and check the bars are softmax(logit / T) of the logits the server sent.
 * Screenshots go to target/browser/. Under CI=true a missing browser fails the test; elsewhere it is skipped.
 * {@code -Djgpt.page.model=DIR} runs it on another model folder (the docs' screenshots use a trained one).
 */
class PageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "browser");
    static Process server;
    static Path work;
    static ChromeDriver browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: install Debian's chromium and chromium-driver");
        }
        assumeTrue(present, "no " + CHROMIUM + " / " + CHROMEDRIVER + ": skipping the browser test");
        work = Files.createTempDirectory("jgpt-page");
        String modelProperty = System.getProperty("jgpt.page.model");
        Path model = modelProperty != null ? Path.of(modelProperty) : tinyModel(work.resolve("model"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        server = serve(model, port, work.resolve("server.log"));
        waitForHealth(work.resolve("server.log"));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium-profile")), "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) browser.quit();
        if (server != null) {
            server.destroy();
            server.waitFor();
        }
    }

    /** A random char-level model whose vocabulary is small enough for the page to get all its logits. */
    static Path tinyModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        CharTokenizer tok = CharTokenizer.fromText("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;!?'\n");
        Gpt gpt = Gpt.create(GptConfig.of(2, 2, 32, 128, tok.vocabSize(), 0f, true), 11);
        for (int i = 0; i < gpt.parameters().count(); i++) gpt.parameters().data()[i] *= 8f; // distributions far from uniform
        ModelFolder.writeModel(dir, gpt, DType.F32, -1);
        tok.save(dir);
        return dir;
    }

    /** {@code gpt serve} in its own JVM, on this test's class path. */
    static Process serve(Path model, int port, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), "jgpt.cli.Main",
                "serve", "--model", model.toString(), "--port", Integer.toString(port), "--threads", "1"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void waitForHealth(Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) fail("gpt serve exited: " + Files.readString(log));
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("gpt serve did not answer /health within 120 s: " + Files.readString(log));
    }

    static WebDriverWait waiting(int seconds) {
        return new WebDriverWait(browser, Duration.ofSeconds(seconds));
    }

    /** Until the status line reports the finished generation (or an error, which fails the test). */
    static void waitUntilDone() {
        String status = waiting(120).until(d -> {
            String s = d.findElement(By.id("status")).getText();
            return s.contains("tokens in") || s.startsWith("error") ? s : null;
        });
        assertTrue(status.contains("tokens in"), status);
    }

    static void screenshot(String name) throws IOException {
        Path shot = SHOTS.resolve(name);
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
    }

    static List<Double> shownPercentages() {
        List<Double> out = new ArrayList<>();
        for (WebElement v : browser.findElements(By.cssSelector("#bars .bar-row .value"))) {
            String text = v.getText();
            out.add(text.equals("<0.01%") ? 0.0 : Double.parseDouble(text.replace("%", "")));
        }
        return out;
    }

    /** softmax(logit / T) over the logits the page received for token {@code index}, in percent. */
    @SuppressWarnings("unchecked")
    static double[] expectedPercentages(int index, double temperature) {
        List<Map<String, Object>> top = (List<Map<String, Object>>) ((JavascriptExecutor) browser)
                .executeScript("return state.tokens[arguments[0]].topLogits", index);
        double max = Double.NEGATIVE_INFINITY;
        for (var e : top) max = Math.max(max, ((Number) e.get("logit")).doubleValue());
        double[] p = new double[top.size()];
        double z = 0;
        for (int i = 0; i < p.length; i++) z += p[i] = Math.exp((((Number) top.get(i).get("logit")).doubleValue() - max) / temperature);
        for (int i = 0; i < p.length; i++) p[i] = 100 * p[i] / z;
        return p;
    }

    @Test
    void streamsTokensAndRedrawsADistributionAtAnotherTemperature() throws Exception {
        browser.get(base + "/");
        waiting(30).until(d -> d.findElement(By.id("model")).getText().contains("vocabulary"));
        browser.findElement(By.id("prompt")).sendKeys("User: What does a cow say?\nAssistant:");
        WebElement max = browser.findElement(By.id("max-tokens"));
        max.clear();
        max.sendKeys("60");
        browser.findElement(By.id("generate")).click();
        waiting(60).until(d -> d.findElements(By.cssSelector("#output .tok")).size() >= 5);
        waitUntilDone();
        List<WebElement> tokens = browser.findElements(By.cssSelector("#output .tok"));
        assertTrue(tokens.size() >= 5 && tokens.size() <= 60, tokens.size() + " tokens");
        String status = browser.findElement(By.id("status")).getText();
        assertTrue(status.startsWith(tokens.size() + " tokens"), status);
        screenshot("page-stream.png");

        // the least likely pick has the most interesting distribution
        int pick = ((Long) ((JavascriptExecutor) browser).executeScript(
                "let m = 0; state.tokens.forEach((t, i) => { if (t.logprob < state.tokens[m].logprob) m = i; }); return m;")).intValue();
        tokens.get(pick).click();
        WebElement panel = browser.findElement(By.id("panel-body"));
        assertTrue(panel.isDisplayed());
        assertEquals("#" + (pick + 1), browser.findElement(By.id("panel-index")).getText());
        List<Double> before = shownPercentages();
        assertClose(expectedPercentages(pick, 0.8), before);
        String note = browser.findElement(By.id("panel-note")).getText();
        long vocab = (Long) ((JavascriptExecutor) browser).executeScript("return state.vocab");
        assertTrue(note.contains(vocab <= 256 ? "Exact" : "Renormalised"), note);

        WebElement slider = browser.findElement(By.id("panel-temp"));
        for (int i = 0; i < 24; i++) slider.sendKeys(Keys.ARROW_RIGHT); // 0.8 -> 2.0 in steps of 0.05
        assertEquals("2.00", browser.findElement(By.id("panel-temp-value")).getText());
        List<Double> after = shownPercentages();
        assertClose(expectedPercentages(pick, 2.0), after);
        assertTrue(after.getFirst() < before.getFirst(), "a higher temperature flattens: top bar " + before.getFirst() + "% -> " + after.getFirst() + "%");
        screenshot("page-distribution.png");
    }

    @Test
    void chatModeStreamsAReply() throws Exception {
        browser.get(base + "/");
        waiting(30).until(d -> d.findElement(By.id("model")).getText().contains("vocabulary"));
        browser.findElement(By.id("tab-chat")).click();
        WebElement max = browser.findElement(By.id("max-tokens"));
        max.clear();
        max.sendKeys("40");
        browser.findElement(By.id("chat-text")).sendKeys("What colour is the sky?", Keys.ENTER);
        waitUntilDone();
        List<WebElement> reply = browser.findElements(By.cssSelector("#messages .msg.assistant .tok"));
        assertTrue(!reply.isEmpty(), "no reply tokens");
        assertEquals("What colour is the sky?", browser.findElement(By.cssSelector("#messages .msg.user .body")).getText());
        int pick = ((Long) ((JavascriptExecutor) browser).executeScript(
                "let m = 0; state.tokens.forEach((t, i) => { if (t.logprob < state.tokens[m].logprob) m = i; }); return m;")).intValue();
        reply.get(pick).click();
        assertEquals("#" + (pick + 1), browser.findElement(By.id("panel-index")).getText());
        assertTrue(browser.findElement(By.id("panel-body")).isDisplayed());
        screenshot("page-chat.png");
    }

    /** The page prints percentages with one decimal (two below 0.1%, and "<0.01%" below that). */
    static void assertClose(double[] expected, List<Double> shown) {
        assertTrue(shown.size() >= Math.min(12, expected.length), "bars shown: " + shown.size());
        for (int i = 0; i < Math.min(12, expected.length); i++) {
            assertEquals(expected[i], shown.get(i), Math.max(0.051, expected[i] * 0.06), "bar " + i + ": " + shown);
        }
    }
}
