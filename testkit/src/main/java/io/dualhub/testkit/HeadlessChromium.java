package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through its ChromeDriver ({@code CHROMIUM} and {@code CHROMEDRIVER} name
 * others): the dashboard's tests and bench look at the pages a person would. {@link #missing()} says what is not
 * installed ({@code .ci/run} installs both), for a test to skip with. Every start gets an empty profile, and
 * Chromium's own calls home are off (they are refused on a closed network, many at a time).
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Why no browser can start here, if none can. */
    public static Optional<String> missing() {
        if (new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute()) {
            return Optional.empty();
        }
        return Optional.of("no browser here: the dashboard's browser tests and bench need " + CHROMIUM + " and "
                + CHROMEDRIVER + " (Debian packages chromium and chromium-driver; CHROMIUM and CHROMEDRIVER name"
                + " others)");
    }

    public static HeadlessChromium start(Path profile) {
        missing().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // Chromium refuses to run as root with its sandbox
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Navigates within the page (a new hash), as a click on a link would. */
    public void go(String hash) {
        driver.executeScript("location.hash = arguments[0]", hash);
    }

    /** Sets the window's size, as a phone's or a laptop's screen would. */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    public String url() {
        return driver.getCurrentUrl();
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The element, once it is on the page. */
    public WebElement awaitOne(String css) {
        return await("'" + css + "' on the page")
                .atMost(PATIENCE)
                .ignoreExceptions()
                .until(() -> driver.findElement(By.cssSelector(css)), e -> e != null);
    }

    public String text(String css) {
        return awaitOne(css).getText();
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs a script that calls its last argument when it is done; returns what it passed. */
    public Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /**
     * How many of the page's charts hold a drawn series: a canvas with coloured pixels (axes and grid are grey or
     * black, so an empty chart has none; series are drawn in saturated colours, and where several coincide, as a few
     * lines at zero do, the topmost still counts).
     */
    public long chartsWithLines() {
        Object n = script("""
                const coloured = (d, i) => Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80
                    && d[i + 3] > 100;
                return [...document.querySelectorAll('.chart canvas')].filter((c) => {
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 0; i < d.length; i += 4) if (coloured(d, i)) return true;
                  return false;
                }).length;""");
        return ((Number) n).longValue();
    }

    /** Writes what the browser shows to {@code target/dashboard-screenshots/<name>.png}, for a person to look at. */
    public void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
