package io.stillmotion.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a service's {@code main} class as a real child process on the test's class path, with only
 * the environment given (nothing inherited), and waits for it to exit: how a container starts it.
 */
public final class MainProcess {

  /** Its exit code and what it wrote to standard error. */
  public record Exit(int code, String stderr) {
  }

  private MainProcess() {
  }

  /** Starts {@code main} and waits at most {@link Futures#TIMEOUT} for it to exit; fails when it does not. */
  public static Exit run(Class<?> main, Map<String, String> environment) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName());
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // A file, not a pipe: a child that writes much and never exits can neither block nor hang the test.
    Path stderr = Files.createTempFile("stillmotion-main", ".stderr");
    try {
      builder.redirectError(stderr.toFile());
      Process process = builder.start();
      if (!process.waitFor(Futures.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(main.getSimpleName() + " did not exit within " + Futures.TIMEOUT);
      }
      return new Exit(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stderr);
    }
  }
}
