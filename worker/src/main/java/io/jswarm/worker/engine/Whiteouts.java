package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * OCI whiteouts translated into the form overlayfs applies itself, so that layers stay separate
 * directories stacked by the kernel.
 *
 * <ul>
 *   <li>{@code .wh.NAME} (NAME deleted) becomes a character device 0/0 named NAME, overlayfs's
 *       whiteout; it needs CAP_MKNOD, which the daemon (root) has.
 *   <li>{@code .wh..wh..opq} (directory opaque: nothing below shows through) would need the
 *       {@code trusted.overlay.opaque} xattr, which Java cannot set. Instead the layer gets a
 *       device whiteout for every name the layers below it have in that directory, recursively
 *       for directories it re-creates. That depends on the layers below, so such a layer is
 *       stored per chain (its lower layers) rather than per diff id; see {@link ImageStore}.
 * </ul>
 */
final class Whiteouts {
  static final String PREFIX = ".wh.";
  static final String OPAQUE = ".wh..wh..opq";
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private Whiteouts() {}

  static void createDeviceWhiteout(Path target) {
    Command.check(List.of("mknod", "-m", "0000", target.toString(), "c", "0", "0"), 10_000);
  }

  /** True when {@code p} is an overlayfs whiteout (a 0/0 character device). */
  static boolean isDeviceWhiteout(Path p) {
    try {
      if (!Files.exists(p, NOFOLLOW) || Files.isRegularFile(p, NOFOLLOW) || Files.isDirectory(p, NOFOLLOW)
          || Files.isSymbolicLink(p)) {
        return false;
      }
      Object rdev = Files.getAttribute(p, "unix:rdev", NOFOLLOW);
      return rdev instanceof Long l && l == 0L;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Makes each of {@code opaqueDirs} (relative to {@code layer}) hide everything the lower layers
   * have in it, by whiting out each of their names there.
   *
   * @param lowerTopFirst the layers below, nearest first
   */
  static void applyOpaque(Path layer, List<String> opaqueDirs, List<Path> lowerTopFirst) throws IOException {
    for (String dir : opaqueDirs) {
      hideLower(layer, dir, lowerTopFirst);
    }
  }

  private static void hideLower(Path layer, String dir, List<Path> lowers) throws IOException {
    Path here = dir.isEmpty() ? layer : layer.resolve(dir);
    Set<String> lowerNames = new TreeSet<>();
    for (Path l : lowers) {
      Path d = dir.isEmpty() ? l : l.resolve(dir);
      if (Files.isDirectory(d, NOFOLLOW) && !Files.isSymbolicLink(d)) {
        try (Stream<Path> s = Files.list(d)) {
          s.forEach(p -> lowerNames.add(p.getFileName().toString()));
        }
      }
    }
    for (String name : lowerNames) {
      Path mine = here.resolve(name);
      String rel = dir.isEmpty() ? name : dir + "/" + name;
      if (!Files.exists(mine, NOFOLLOW)) {
        createDeviceWhiteout(mine);
      } else if (Files.isDirectory(mine, NOFOLLOW) && !Files.isSymbolicLink(mine)) {
        hideLower(layer, rel, lowers); // overlayfs would merge the two dirs: keep hiding below
      }
    }
  }
}
