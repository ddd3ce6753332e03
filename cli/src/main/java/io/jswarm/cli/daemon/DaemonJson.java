package io.jswarm.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code /etc/jswarm/daemon.json}, Docker's way: every daemon flag may be set there under its
 * long name without the dashes ({@code "data-root"}, {@code "listen-addr"}, {@code "host"} for
 * -H), and a flag given on the command line wins over the file. An unknown key or a value of the
 * wrong type is an error that names the file and the key, so a typo never silently means "default".
 */
final class DaemonJson {
  static final Path DEFAULT = Path.of("/etc/jswarm/daemon.json");

  private DaemonJson() {}

  /**
   * Sets, on {@code spec}'s options that the command line did not give, the values in
   * {@code file}. A missing file is no error when it is the default one.
   * @return the "host" value of the file (the -H socket), or null when the file has none
   */
  static String apply(Path file, boolean explicit, CommandSpec spec, ParseResult parsed) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      if (explicit) throw new IllegalArgumentException("--config-file: " + file + " does not exist");
      return null;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
    }
    if (root == null || !root.isObject()) throw new IllegalArgumentException(file + ": must hold one JSON object");
    String host = null;
    // Everything is checked before anything is set: a bad file changes nothing.
    Map<OptionSpec, Object> values = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (key.equals("host")) {
        host = text(file, key, e.getValue());
        continue;
      }
      OptionSpec opt = spec.findOption("--" + key);
      if (opt == null || key.equals("config-file") || key.equals("help") || key.equals("version")) {
        throw new IllegalArgumentException(file + ": unknown key \"" + key + "\"; known keys: " + knownKeys(spec));
      }
      Object v = convert(file, key, opt.type(), e.getValue());
      if (!parsed.hasMatchedOption(opt)) values.put(opt, v); // else the flag wins
    }
    values.forEach(OptionSpec::setValue);
    return host;
  }

  private static Object convert(Path file, String key, Class<?> type, JsonNode v) {
    if (type == int.class || type == Integer.class) {
      if (!v.canConvertToInt() || !v.isIntegralNumber()) throw wrongType(file, key, "a number");
      return v.intValue();
    }
    if (type == boolean.class || type == Boolean.class) {
      if (!v.isBoolean()) throw wrongType(file, key, "true or false");
      return v.booleanValue();
    }
    if (type == Path.class) return Path.of(text(file, key, v));
    if (List.class.isAssignableFrom(type)) {
      if (!v.isArray()) throw wrongType(file, key, "a list of strings");
      List<String> out = new ArrayList<>();
      v.forEach(x -> out.add(text(file, key, x)));
      return out;
    }
    return text(file, key, v);
  }

  private static String text(Path file, String key, JsonNode v) {
    if (!v.isTextual()) throw wrongType(file, key, "a string");
    return v.textValue();
  }

  private static IllegalArgumentException wrongType(Path file, String key, String what) {
    return new IllegalArgumentException(file + ": \"" + key + "\" must be " + what);
  }

  static String knownKeys(CommandSpec spec) {
    TreeSet<String> keys = new TreeSet<>(List.of("host"));
    for (OptionSpec o : spec.options()) {
      String n = o.longestName();
      if (n.startsWith("--") && !n.equals("--config-file") && !n.equals("--help") && !n.equals("--version")
          && !n.equals("--host")) {
        keys.add(n.substring(2));
      }
    }
    return String.join(", ", keys);
  }
}
