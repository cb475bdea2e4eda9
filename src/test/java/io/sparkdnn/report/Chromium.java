package io.sparkdnn.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Debian's headless Chromium: loads a page in a 1280 × 900 window and returns the DOM after its scripts ran. */
public final class Chromium {
  /** The window width report.html must fit (a common laptop screen). */
  public static final int WINDOW_WIDTH = 1280;

  private Chromium() {}

  /** The page's DOM after load; {@code scratch} holds a throw-away profile. */
  public static String dom(Path page, Path scratch) throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assertTrue(Files.isExecutable(chromium), "Debian's chromium is needed (scripts/test.sh installs it)");
    Path profile = Files.createTempDirectory(scratch, "chromium");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--window-size=" + WINDOW_WIDTH + ",900",
        "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", page.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    return dom;
  }

  /** The value of attribute {@code name} of the body (as the page's load script set it), or null. */
  public static String bodyAttribute(String dom, String name) {
    Matcher m = Pattern.compile("<body[^>]*\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(dom);
    return m.find() ? m.group(1) : null;
  }
}
