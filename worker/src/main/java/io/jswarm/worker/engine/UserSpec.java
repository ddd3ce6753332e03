package io.jswarm.worker.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a container user ("", uid[:gid], name[:group]) to numeric ids. Names are looked up in
 * the container's own /etc/passwd and /etc/group, read without following symlinks (a symlinked
 * /etc/passwd in an image must not make us read the host's).
 */
record UserSpec(int uid, int gid, List<Integer> additionalGids) {

  static UserSpec resolve(String user, Path rootfs) {
    if (user == null || user.isEmpty()) {
      return new UserSpec(0, 0, List.of());
    }
    String[] ug = user.split(":", 2);
    String u = ug[0];
    String g = ug.length > 1 ? ug[1] : null;
    int uid;
    Integer gid = null;
    List<String[]> passwd = table(rootfs, "passwd");
    if (u.matches("\\d+")) {
      uid = Integer.parseInt(u);
      for (String[] f : passwd) {
        if (f.length > 3 && f[2].equals(u)) {
          gid = parse(f[3]);
        }
      }
    } else {
      String[] entry = passwd.stream().filter(f -> f.length > 3 && f[0].equals(u)).findFirst()
          .orElseThrow(() -> new EngineException("unable to find user " + u + ": no matching entries in passwd file"));
      uid = parse(entry[2]);
      gid = parse(entry[3]);
    }
    if (g != null) {
      if (g.matches("\\d+")) {
        gid = Integer.parseInt(g);
      } else {
        String[] entry = table(rootfs, "group").stream().filter(f -> f.length > 2 && f[0].equals(g)).findFirst()
            .orElseThrow(() -> new EngineException("unable to find group " + g + ": no matching entries in group file"));
        gid = parse(entry[2]);
      }
    }
    return new UserSpec(uid, gid == null ? 0 : gid, List.of());
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new EngineException("bad id in container user database: " + s);
    }
  }

  private static List<String[]> table(Path rootfs, String name) {
    Optional<Path> p = safeFile(rootfs, "etc", name);
    if (p.isEmpty()) {
      return List.of();
    }
    try {
      List<String[]> out = new ArrayList<>();
      for (String line : Files.readAllLines(p.get())) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.split(":", -1));
        }
      }
      return out;
    } catch (IOException e) {
      throw new EngineException("cannot read /etc/" + name + " of the container: " + e.getMessage(), e);
    }
  }

  private static Optional<Path> safeFile(Path rootfs, String... parts) {
    Path cur = rootfs;
    for (String part : parts) {
      cur = cur.resolve(part);
      if (Files.isSymbolicLink(cur) || !Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
    }
    return Files.isRegularFile(cur, LinkOption.NOFOLLOW_LINKS) ? Optional.of(cur) : Optional.empty();
  }
}
