package io.jswarm.cli.commands;

import io.jswarm.api.ContainerSecurity;
import io.jswarm.api.ContainerSecurityRules;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Ulimit;
import io.jswarm.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Docker's confinement flags, shared by `service create` and `service update` with Docker's
 * meaning: --cap-add/--cap-drop, --security-opt seccomp=unconfined|FILE, --read-only, --init.
 * The create-only --sysctl/--ulimit and update's -add/-rm forms are in {@link Create} and
 * {@link Update}. Each flag changes the spec only when given; the profile FILE is read here, on
 * the client, as Docker does.
 */
public final class SecurityFlags {
  @Option(names = "--cap-add", paramLabel = "CAP", split = ",", description = "Add Linux capabilities (e.g. NET_ADMIN, ALL)") List<String> capAdd = new ArrayList<>();
  @Option(names = "--cap-drop", paramLabel = "CAP", split = ",", description = "Drop Linux capabilities (e.g. NET_RAW, ALL)") List<String> capDrop = new ArrayList<>();
  @Option(names = "--security-opt", paramLabel = "OPT", description = "seccomp=unconfined, seccomp=FILE (a Docker-format profile) or seccomp=default") List<String> securityOpts = new ArrayList<>();
  @Option(names = "--read-only", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "Mount the container's root filesystem read-only") Boolean readOnly;
  @Option(names = "--init", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "Run the node's tini as PID 1 to forward signals and reap processes") Boolean init;

  /** `service create`'s --sysctl and --ulimit. */
  public static final class Create {
    @Option(names = "--sysctl", paramLabel = "KEY=VALUE", description = "Namespaced kernel parameter (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)") List<String> sysctls = new ArrayList<>();
    @Option(names = "--ulimit", paramLabel = "NAME=SOFT[:HARD]", description = "Resource limit, e.g. nofile=1024:2048") List<String> ulimits = new ArrayList<>();

    void apply(ContainerSpec.Builder c) {
      var s = c.getSecurityBuilder();
      for (String kv : sysctls) putSysctl(s, kv);
      for (String u : ulimits) putUlimit(s, u);
    }
  }

  /** `service update`'s --sysctl-add/-rm and --ulimit-add/-rm. */
  public static final class Update {
    @Option(names = "--sysctl-add", paramLabel = "KEY=VALUE", description = "Add or change a namespaced kernel parameter") List<String> sysctlAdd = new ArrayList<>();
    @Option(names = "--sysctl-rm", paramLabel = "KEY", description = "Remove a kernel parameter") List<String> sysctlRm = new ArrayList<>();
    @Option(names = "--ulimit-add", paramLabel = "NAME=SOFT[:HARD]", description = "Add or change a resource limit") List<String> ulimitAdd = new ArrayList<>();
    @Option(names = "--ulimit-rm", paramLabel = "NAME", description = "Remove a resource limit") List<String> ulimitRm = new ArrayList<>();

    void apply(ContainerSpec.Builder c) {
      var s = c.getSecurityBuilder();
      for (String k : sysctlRm) s.removeSysctls(k);
      for (String kv : sysctlAdd) putSysctl(s, kv);
      if (!ulimitRm.isEmpty()) {
        List<Ulimit> kept = s.getUlimitsList().stream().filter(u -> !ulimitRm.contains(u.getName())).toList();
        s.clearUlimits().addAllUlimits(kept);
      }
      for (String u : ulimitAdd) putUlimit(s, u);
    }
  }

  void apply(ContainerSpec.Builder c) {
    ContainerSecurity.Builder s = c.getSecurityBuilder();
    for (String cap : capAdd) {
      String n = cap(cap, "--cap-add");
      remove(s.getCapDropList(), n, l -> s.clearCapDrop().addAllCapDrop(l));
      if (!s.getCapAddList().contains(n)) s.addCapAdd(n);
    }
    for (String cap : capDrop) {
      String n = cap(cap, "--cap-drop");
      remove(s.getCapAddList(), n, l -> s.clearCapAdd().addAllCapAdd(l));
      if (!s.getCapDropList().contains(n)) s.addCapDrop(n);
    }
    for (String opt : securityOpts) securityOpt(s, opt);
    if (readOnly != null) s.setReadOnlyRootfs(readOnly);
    if (init != null) s.setInit(init);
  }

  private static void remove(List<String> from, String n, java.util.function.Consumer<List<String>> set) {
    if (from.contains(n)) set.accept(from.stream().filter(x -> !x.equals(n)).toList());
  }

  private static String cap(String v, String flag) {
    try {
      return ContainerSecurityRules.normalizeCap(v);
    } catch (IllegalArgumentException e) {
      throw SpecFlags.bad(flag, v, "use a capability name such as NET_ADMIN or SYS_PTRACE, or ALL");
    }
  }

  static void securityOpt(ContainerSecurity.Builder s, String opt) {
    int eq = opt.indexOf('=') >= 0 ? opt.indexOf('=') : opt.indexOf(':'); // Docker also reads the old "seccomp:" form
    String k = eq < 0 ? opt : opt.substring(0, eq);
    String v = eq < 0 ? "" : opt.substring(eq + 1);
    if (!k.equals("seccomp")) {
      throw SpecFlags.bad("--security-opt", opt, "jswarm supports seccomp=unconfined|default|FILE (no AppArmor or SELinux labels yet)");
    }
    switch (v) {
      case "unconfined" -> s.setSeccompMode(ContainerSecurity.SeccompMode.SECCOMP_UNCONFINED).clearSeccompProfile();
      case "default", "builtin" -> s.setSeccompMode(ContainerSecurity.SeccompMode.SECCOMP_DEFAULT).clearSeccompProfile();
      case "" -> throw SpecFlags.bad("--security-opt", opt, "give seccomp=unconfined or seccomp=FILE");
      default -> {
        String json;
        try {
          json = Files.readString(Path.of(v));
        } catch (IOException e) {
          throw new CliException("cannot read seccomp profile " + v + ": " + e.getMessage(), 125);
        }
        if (!json.contains("\"defaultAction\"")) throw SpecFlags.bad("--security-opt", opt, "the file is not a seccomp profile (no defaultAction)");
        s.setSeccompMode(ContainerSecurity.SeccompMode.SECCOMP_CUSTOM).setSeccompProfile(json);
      }
    }
  }

  static void putSysctl(ContainerSecurity.Builder s, String kv) {
    int eq = kv.indexOf('=');
    if (eq <= 0) throw SpecFlags.bad("--sysctl", kv, "use KEY=VALUE");
    try {
      s.putSysctls(ContainerSecurityRules.checkSysctl(kv.substring(0, eq).trim()), kv.substring(eq + 1));
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 125);
    }
  }

  static void putUlimit(ContainerSecurity.Builder s, String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0) throw SpecFlags.bad("--ulimit", spec, "use NAME=SOFT[:HARD], e.g. nofile=1024:2048");
    String name = spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    String[] v = spec.substring(eq + 1).split(":", 2);
    long soft = SpecFlags.count("--ulimit", v[0]);
    long hard = v.length > 1 ? SpecFlags.count("--ulimit", v[1]) : soft;
    try {
      ContainerSecurityRules.checkUlimit(name, soft, hard);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage(), 125);
    }
    List<Ulimit> kept = s.getUlimitsList().stream().filter(u -> !u.getName().equals(name)).toList();
    s.clearUlimits().addAllUlimits(kept).addUlimits(Ulimit.newBuilder().setName(name).setSoft(soft).setHard(hard));
  }
}
