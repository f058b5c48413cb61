package dev.palisade.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium, headless, driven through its own chromedriver (no Selenium Manager, no
 * download). Tests are skipped, saying why, only when the browser is not installed.
 */
final class ConsoleBrowser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  final WebDriver driver;
  private final String base;

  private ConsoleBrowser(WebDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  static ConsoleBrowser open(Path profile, int port) {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests skipped: install Debian's chromium and chromium-driver (.ci/run and run-tests do)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).withTimeout(Duration.ofSeconds(60)).build();
    WebDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return new ConsoleBrowser(driver, "http://127.0.0.1:" + port);
  }

  void get(String path) {
    driver.get(base + path);
  }

  void login(String token) {
    get("/console/login");
    driver.findElement(By.id("token")).sendKeys(token);
    clickAndWait(By.id("login"));
  }

  /** Clicks and waits until the next page replaced this one (a form post answers a new page). */
  void clickAndWait(By target) {
    WebElement page = driver.findElement(By.tagName("html"));
    driver.findElement(target).click();
    awaitNextPage(page);
  }

  /** Clicks a button whose form asks for confirmation first, accepts, and waits for the next page. */
  void clickConfirmAndWait(By target) {
    WebElement page = driver.findElement(By.tagName("html"));
    driver.findElement(target).click();
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.alertIsPresent()).accept();
    awaitNextPage(page);
  }

  /**
   * Waits until {@code previous} left the document. Chromedriver sometimes reports that as an unknown
   * error ("Node with given id does not belong to the document") instead of a stale element.
   */
  private void awaitNextPage(WebElement previous) {
    new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> {
      try {
        previous.isEnabled();
        return false;
      } catch (org.openqa.selenium.StaleElementReferenceException gone) {
        return true;
      } catch (org.openqa.selenium.WebDriverException e) {
        if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
          return true;
        }
        throw e;
      }
    });
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  String source() {
    return driver.getPageSource();
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
