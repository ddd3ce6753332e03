package io.jswarm.cli.commands;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.SecretReference;
import io.jswarm.cli.CliException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * service update's --secret-add/--secret-rm/--config-add/--config-rm (Docker's). Removal is by
 * name (or id); an added reference carries no id, so the managers pin the latest version; the
 * references kept stay on the version they were pinned to.
 */
public final class SecretUpdateFlags {
  @Option(names = {"--secret-add", "--secret"}, paramLabel = "SECRET", description = "Add a secret: NAME or source=NAME[,target=FILE][,uid=N][,gid=N][,mode=0444]") List<String> secretAdd = new ArrayList<>();
  @Option(names = "--secret-rm", paramLabel = "SECRET", description = "Remove a secret (name or id)") List<String> secretRm = new ArrayList<>();
  @Option(names = {"--config-add", "--config"}, paramLabel = "CONFIG", description = "Add a config: NAME or source=NAME[,target=PATH][,uid=N][,gid=N][,mode=0444]") List<String> configAdd = new ArrayList<>();
  @Option(names = "--config-rm", paramLabel = "CONFIG", description = "Remove a config (name or id)") List<String> configRm = new ArrayList<>();

  void apply(ContainerSpec.Builder c) {
    if (!secretAdd.isEmpty() || !secretRm.isEmpty()) {
      List<SecretReference> changed = change("secret", c.getSecretsList(), secretRm, secretAdd);
      c.clearSecrets().addAllSecrets(changed);
    }
    if (!configAdd.isEmpty() || !configRm.isEmpty()) {
      List<SecretReference> changed = change("config", c.getConfigsList(), configRm, configAdd);
      c.clearConfigs().addAllConfigs(changed);
    }
  }

  private static List<SecretReference> change(String word, List<SecretReference> now, List<String> rm, List<String> add) {
    List<SecretReference> out = new ArrayList<>(now);
    for (String r : rm) {
      if (!out.removeIf(x -> x.getSecretName().equals(r) || x.getSecretId().equals(r))) {
        throw new CliException("the service does not use " + word + " " + r, 125);
      }
    }
    for (String a : add) out.add(SecretFlags.parse("--" + word + "-add", a));
    return out;
  }
}
