package io.jswarm.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Kernel object names. Interface names are limited to 15 bytes (IFNAMSIZ - 1), so names built from
 * arbitrary strings are hashed; all names are deterministic so a restarted worker finds its own.
 */
final class Names {
  static final String BRIDGE = "br0";
  private static final String SANDBOX_INFIX = "-n";

  private Names() {}

  static String sandbox(String tag, int vni) {
    return sandboxPrefix(tag) + vni;
  }

  static String sandboxPrefix(String tag) {
    return tag + SANDBOX_INFIX;
  }

  /** The VNI of one of this tag's sandboxes, or -1 when the name is not one. */
  static int vniOfSandbox(String tag, String name) {
    String prefix = sandboxPrefix(tag);
    if (!name.startsWith(prefix)) {
      return -1;
    }
    String rest = name.substring(prefix.length());
    if (rest.isEmpty() || rest.length() > 8 || !rest.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Integer.parseInt(rest);
  }

  /** Inside the sandbox, where it is alone, the VXLAN device is named for its VNI. */
  static String vxlan(int vni) {
    return "vx-" + vni;
  }

  /**
   * The VXLAN device's name during the moment it lives in the underlay namespace, which other
   * workers' devices (and other tags) may share: unique per tag and VNI.
   */
  static String vxlanTransit(String tag, int vni) {
    return "vt" + hash(tag + "/" + vni, 11);
  }

  /** The sandbox end of a container's veth, derived from what detach() is given. */
  static String hostVeth(String containerNetnsName, int vni) {
    return "ve" + hash(containerNetnsName + "/" + vni, 11);
  }

  private static String hash(String s, int hexChars) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
