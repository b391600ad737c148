package io.edgeloop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: headless Chromium (Debian packages {@code chromium} and {@code chromium-driver},
 * installed by {@code deploy/scripts/install-browser.sh} when the build runs as root) driven by Selenium against a
 * running stack. Logs in through the form with a viewer token, opens the pages (overview, data sets, models and a
 * model card, fleet, training, monitoring with alerts, drift and live performance per segment), asserts what the
 * stack really holds and keeps a screenshot of each page under {@code deploy/target/screenshots}.
 */
final class ConsoleBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final WebDriver driver;
    private final String console;
    private final Path screenshots;

    private ConsoleBrowser(WebDriver driver, String console, Path screenshots) {
        this.driver = driver;
        this.console = console;
        this.screenshots = screenshots;
    }

    /**
     * Starts headless Chromium for {@code console}.
     *
     * @throws AssertionError when Chromium or its driver is not installed (see {@code install-browser.sh})
     */
    static ConsoleBrowser open(String console, Path screenshots) throws IOException {
        assertTrue(
                console != null, "the stack started no console: build the console module (./mvnw install -DskipTests)");
        assertTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the console's browser test needs " + CHROMIUM + " and " + DRIVER
                        + ": run deploy/scripts/install-browser.sh as root (apt-get install chromium chromium-driver)");
        Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1400,1000",
                "--no-first-run",
                "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        return new ConsoleBrowser(driver, console, screenshots);
    }

    /** Opens a page; a browser without a session lands on the login form, which {@link #logIn} fills. */
    void logIn(String token) {
        driver.get(console + "/models");
        assertTrue(driver.getCurrentUrl().contains("/login"), "not sent to the login form: " + driver.getCurrentUrl());
        WebElement field = driver.findElement(By.id("token"));
        ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("arguments[0].value = arguments[1];", field, token); // faster than typing 800 chars
        driver.findElement(By.id("login-submit")).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains("/models"));
        assertEquals(1, driver.findElements(By.id("models")).size(), "the models page after logging in");
    }

    /**
     * The models page lists {@code models}; a model's page shows its versions, variants and drawn charts, and links
     * to the model card of the version shown, which has its sections and live figures.
     */
    void models(List<String> models, String withVariants) throws IOException {
        driver.get(console + "/models");
        String table = driver.findElement(By.id("models")).getText();
        for (String m : models) {
            assertTrue(table.contains(m), "models page lists " + m + ": " + table);
        }
        shoot("models");
        driver.get(console + "/models/" + withVariants);
        assertEquals(withVariants, driver.findElement(By.id("model-name")).getText());
        assertTrue(driver.findElements(By.cssSelector("#versions tr.version")).size() >= 1, "versions");
        assertTrue(driver.findElements(By.cssSelector("#variants tr.variant")).size() >= 1, "variants");
        new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".chart[data-rendered] svg")));
        shoot("model-" + withVariants);
        driver.findElement(By.id("card-link")).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.id("card-title")));
        assertTrue(driver.findElement(By.id("card-title")).getText().startsWith("Model card: " + withVariants));
        assertTrue(
                driver.findElements(By.cssSelector("#card-variants tr.variant")).size() >= 1, "card variants");
        assertTrue(driver.findElement(By.id("card-provenance")).getText().contains("registered"), "card provenance");
        assertEquals(
                1, driver.findElements(By.cssSelector("table.live-versions")).size(), "card live figures");
        shoot("model-card-" + withVariants);
    }

    /**
     * The fleet page shows every device and what it serves (and, for the small device of {@link MemoryBudgetCheck},
     * the version it was never sent), and the rollouts.
     */
    void fleet(List<String> devices, String servedEverywhere) throws IOException {
        driver.get(console + "/fleet");
        String table = driver.findElement(By.id("devices")).getText();
        for (String d : devices) {
            assertTrue(table.contains(d), "fleet page lists " + d + ": " + table);
        }
        assertTrue(table.contains(servedEverywhere + " v1 ACTIVE"), "fleet page shows what devices serve: " + table);
        assertTrue(
                table.contains("v2 not sent: ") && table.contains("memory budget"),
                "the small device's row names the version no variant of which fits its memory budget: " + table);
        assertTrue(driver.findElements(By.cssSelector("section.rollout")).size() >= 1, "rollouts");
        assertEquals(0, driver.findElements(By.cssSelector(".controls")).size(), "no rollout controls for a viewer");
        String csrf = driver.findElement(By.cssSelector("form.session input[name=csrf]"))
                .getAttribute("value");
        assertTrue(csrf != null && csrf.length() > 20, "the logout form carries the session's CSRF token");
        shoot("fleet");
    }

    /**
     * The overview (every service up), the data sets and one data set's counts, the training runs and one run, the
     * monitoring alerts and {@code motion}'s drift per named feature and live performance per zone.
     */
    void otherPages(List<String> services) throws IOException {
        driver.get(console + "/");
        String table = driver.findElement(By.id("services")).getText();
        for (String s : services) {
            assertTrue(table.contains(s + " UP"), "overview: " + s + " is up: " + table);
        }
        shoot("overview");
        driver.get(console + "/training");
        List<WebElement> runs = driver.findElements(By.cssSelector("#runs tr.run a"));
        assertTrue(!runs.isEmpty(), "training runs listed");
        shoot("training-runs");
        runs.get(0).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.id("run")));
        shoot("training-run");
        driver.get(console + "/monitoring");
        assertTrue(driver.findElements(By.cssSelector("#alerts tr.alert")).size() >= 1, "monitoring lists alerts");
        shoot("monitoring");
        driver.get(console + "/monitoring/motion");
        assertTrue(driver.findElement(By.id("verdict")).getText().contains("threshold"), "drift verdict");
        for (WebElement first : driver.findElements(By.cssSelector("#features tbody tr td:first-child"))) {
            assertTrue(first.getText().startsWith("x"), "features named from the data set: " + first.getText());
        }
        String zones = driver.findElement(By.cssSelector("table.segments[data-label=zone]"))
                .getText();
        assertTrue(zones.contains("a 1"), "live performance of zone a (one labelled inference): " + zones);
        shoot("monitoring-motion");
        dataSets();
    }

    /** The data sets; {@code motion}'s samples per class and split, its snapshots and recent ingests. */
    private void dataSets() throws IOException {
        driver.get(console + "/datasets");
        assertTrue(driver.findElement(By.id("datasets")).getText().contains("motion"), "data sets list motion");
        driver.findElement(By.linkText("motion")).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.id("counts")));
        String counts = driver.findElement(By.id("counts")).getText();
        assertTrue(counts.contains("up") && counts.contains("total"), "counts per class and split: " + counts);
        assertTrue(driver.findElements(By.cssSelector("#snapshots tr.snapshot")).size() >= 1, "snapshots");
        assertTrue(driver.findElements(By.cssSelector("#ingests tr.ingest")).size() >= 1, "recent ingests");
        new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".chart[data-rendered] svg")));
        shoot("dataset-motion");
    }

    /**
     * The overview's live events: the console reads the topics, lists the loop's events of {@code model} with links to
     * its data set and versions, and the page's script holds the event stream open.
     */
    void loopEvents(String model) throws IOException {
        driver.get(console + "/");
        String state = driver.findElement(By.id("events-state")).getText();
        assertTrue(state.startsWith("Live:"), "the console reads the topics: " + state);
        String events = driver.findElement(By.id("events")).getText();
        for (String type : List.of("DataReady", "ModelTrained", "ModelOptimized", "Deployed")) {
            assertTrue(events.contains(type), "overview lists " + type + ": " + events);
        }
        assertTrue(
                !driver.findElements(By.cssSelector("#events a[href='/datasets/" + model + "']"))
                        .isEmpty(),
                "a link to the data set " + model);
        assertTrue(
                !driver.findElements(By.cssSelector("#events a[href^='/models/" + model + "?version=']"))
                        .isEmpty(),
                "a link to a version of " + model);
        new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.attributeToBe(By.id("events"), "data-streaming", "true"));
        shoot("overview-events");
    }

    /** Ends the session (the browser forgets its cookie), so that {@link #logIn} can log in as someone else. */
    void logOut() {
        driver.manage().deleteAllCookies();
    }

    /**
     * A release user rolls back {@code model}'s completed rollout with the fleet page's button: the console posts the
     * form with the session's CSRF token and the user's token, deployment-service rolls it back, and the page it
     * returns to shows the rollout rolled back, with no control left.
     *
     * @return the rollout's id
     */
    String rollBack(String model) throws IOException {
        driver.get(console + "/fleet");
        WebElement section = driver.findElements(By.cssSelector("section.rollout")).stream()
                .filter(r -> r.findElement(By.cssSelector("h3 a")).getText().startsWith(model + " v"))
                .filter(r -> "COMPLETED".equals(status(r)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no completed rollout of " + model + " on the fleet page"));
        String id = section.getAttribute("id");
        assertEquals(
                List.of("rollback"),
                section.findElements(By.cssSelector(".controls button.control")).stream()
                        .map(b -> b.getAttribute("value")) // the action (the label is styled)
                        .toList(),
                "the controls of a completed rollout");
        section.findElement(By.cssSelector("button.control.rollback")).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlContains("#" + id));
        WebElement after = driver.findElement(By.id(id));
        assertEquals("ROLLED_BACK", status(after), "the rollout after the click");
        assertEquals(0, after.findElements(By.cssSelector(".controls")).size(), "no control on a rolled-back rollout");
        shoot("fleet-rolled-back");
        return id.substring("rollout-".length());
    }

    private static String status(WebElement rollout) {
        return rollout.findElement(By.cssSelector("h3 .status")).getText().trim();
    }

    /** Drift over time on a model's monitoring page: the section, and rows with a drawn chart when recorded. */
    void driftHistory(String model, boolean recorded) throws IOException {
        driver.get(console + "/monitoring/" + model);
        assertEquals(1, driver.findElements(By.id("drift-history-note")).size(), "drift over time section");
        if (recorded) {
            assertTrue(
                    !driver.findElements(By.cssSelector("#drift-history tr.evaluation"))
                            .isEmpty(),
                    "recorded evaluations");
            new WebDriverWait(driver, WAIT)
                    .until(ExpectedConditions.presenceOfElementLocated(
                            By.cssSelector("#drift-history-chart[data-rendered] svg")));
        }
        shoot("monitoring-" + model + "-history");
    }

    private void shoot(String name) throws IOException {
        Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
