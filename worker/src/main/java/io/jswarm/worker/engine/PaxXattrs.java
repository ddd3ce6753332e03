package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extended attributes carried in a layer's PAX headers, set on the unpacked file as Docker does
 * ({@code security.capability} is how {@code setcap} binaries such as ping keep their rights).
 *
 * <p>Two spellings: {@code SCHILY.xattr.NAME} (Go's archive/tar, GNU tar; raw bytes) and
 * {@code LIBARCHIVE.xattr.NAME} (base64, URL-encoded name). {@code trusted.overlay.*} is never
 * taken from an archive: it would steer overlayfs (opaque dirs, redirects) from untrusted input.
 * A filesystem that refuses an attribute costs a warning, as in moby's archive package.
 *
 * <p>Limit: commons-compress decodes PAX values as UTF-8, so a SCHILY value whose bytes are not
 * valid UTF-8 (a capability set with bit 7, 15, 23 or 31) cannot be recovered; it is skipped with
 * a warning rather than set wrong. LIBARCHIVE values (base64) are always exact.
 */
final class PaxXattrs {
  private static final Logger LOG = LoggerFactory.getLogger(PaxXattrs.class);
  private static final String SCHILY = "SCHILY.xattr.";
  private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";

  private PaxXattrs() {}

  static void apply(Path target, TarArchiveEntry e, boolean root) throws IOException {
    Map<String, String> pax = e.getExtraPaxHeaders();
    if (pax.isEmpty()) {
      return;
    }
    for (Map.Entry<String, String> h : pax.entrySet()) {
      String name;
      byte[] value;
      if (h.getKey().startsWith(SCHILY)) {
        name = h.getKey().substring(SCHILY.length());
        if (h.getValue().indexOf('\uFFFD') >= 0) {
          LOG.warn("xattr {} of {} is not valid UTF-8 in the archive's PAX header; not set", name, e.getName());
          continue;
        }
        value = h.getValue().getBytes(StandardCharsets.UTF_8);
      } else if (h.getKey().startsWith(LIBARCHIVE)) {
        name = java.net.URLDecoder.decode(h.getKey().substring(LIBARCHIVE.length()), StandardCharsets.UTF_8);
        try {
          value = Base64.getDecoder().decode(h.getValue().strip());
        } catch (IllegalArgumentException bad) {
          throw new InvalidArchiveException("xattr " + name + " of " + e.getName() + " is not base64");
        }
      } else {
        continue;
      }
      if (!allowed(name, root)) {
        continue;
      }
      try {
        LibC.lsetxattr(target, name, value);
      } catch (IOException refused) {
        LOG.warn("cannot keep xattr {} of {}: {}", name, e.getName(), refused.getMessage());
      }
    }
  }

  static boolean allowed(String name, boolean root) {
    if (name.startsWith("trusted.overlay.") || name.isEmpty() || name.indexOf('\0') >= 0) {
      return false;
    }
    // only root may set security.* and trusted.*; a rootless test run keeps user.* only
    return root || name.startsWith("user.");
  }
}
