package dev.verifyd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** README.md's java example is ReadmeExample's body, which VerifydClientTest runs. */
class ReadmeTest {
  private static Path clientDir() {
    String dir = System.getenv("VERIFYD_CLIENT_DIR");
    return Paths.get(dir != null && !dir.isEmpty() ? dir : System.getProperty("user.dir"));
  }

  private static List<String> dedent(List<String> lines) {
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    return lines.stream()
        .map(l -> l.isBlank() ? "" : l.substring(indent))
        .collect(Collectors.toList());
  }

  @Test
  void readmeExampleIsTheTestedCode() throws Exception {
    Path dir = clientDir();
    List<String> source =
        Files.readAllLines(
            dir.resolve("src/test/java/dev/verifyd/client/ReadmeExample.java"), StandardCharsets.UTF_8);
    int from = -1;
    int to = -1;
    for (int i = 0; i < source.size(); i++) {
      if (source.get(i).trim().equals("// README-BEGIN")) from = i + 1;
      if (source.get(i).trim().equals("// README-END")) to = i;
    }
    assertTrue(from > 0 && to > from, "markers in ReadmeExample.java");
    String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("```java\n");
    assertTrue(start >= 0, "README.md has a ```java block");
    int end = readme.indexOf("```", start + 8);
    List<String> block = Arrays.asList(readme.substring(start + 8, end).split("\n", -1));
    block = block.subList(0, block.size() - 1); // the text ends with a newline
    assertEquals(dedent(source.subList(from, to)), dedent(block));
  }
}
