package dev.verifyd.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A real verifyd server process for the tests (see docs/server-contract.md). */
final class VerifydServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

  final String address;
  final String apiKey;
  final String adminToken;
  final Path dataDir;
  private final Path stderrFile;
  private final Process process;
  private Integer exitCode;

  /** VERIFYD_BIN, or ../../target/debug/verifyd relative to clients/java. */
  static Path binary() {
    String env = System.getenv("VERIFYD_BIN");
    if (env != null && !env.isEmpty()) {
      return Paths.get(env).toAbsolutePath();
    }
    String dir = System.getenv("VERIFYD_CLIENT_DIR");
    Path clientDir = Paths.get(dir != null && !dir.isEmpty() ? dir : System.getProperty("user.dir"));
    return clientDir.resolve("../../target/debug/verifyd").normalize().toAbsolutePath();
  }

  private static String secret(String prefix) {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  VerifydServer() throws IOException, InterruptedException, TimeoutException {
    Path bin = binary();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "verifyd binary not found at " + bin + ": build it (cargo build --bin verifyd) or set VERIFYD_BIN");
    }
    dataDir = Files.createTempDirectory("verifyd-java-");
    stderrFile = Files.createTempFile("verifyd-java-", ".log");
    apiKey = secret("test-api-key-");
    adminToken = secret("test-admin-token-");
    process =
        new ProcessBuilder(
                bin.toString(), "serve",
                "--listen", "127.0.0.1:0",
                "--data-dir", dataDir.toString(),
                "--admin-token", adminToken,
                "--bootstrap-api-key", apiKey,
                "--clock", "manual")
            .redirectErrorStream(false)
            .redirectError(stderrFile.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) { // keep draining stdout
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    listening.complete(m.group(1));
                  }
                }
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
              listening.completeExceptionally(
                  new IllegalStateException("verifyd closed stdout before listening; stderr:\n" + logs()));
            },
            "verifyd-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      address = listening.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new TimeoutException("verifyd printed no 'listening on' line within 30 s; stderr:\n" + logs());
    }
  }

  /** What the server logged on stderr so far. */
  String logs() {
    try {
      return Files.readString(stderrFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /** SIGTERM, then waits for the exit (SIGKILL after 15 s); returns the exit code. */
  int stop() throws InterruptedException {
    if (exitCode == null) {
      process.destroy(); // SIGTERM
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
      exitCode = process.exitValue();
      deleteTree(dataDir);
    }
    return exitCode;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    try {
      Files.deleteIfExists(stderrFile);
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
