package io.jswarm.manager.secrets;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.Secret;
import io.jswarm.api.SecretReference;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How services name secrets and configs. Called inside the write's transaction: the list of
 * secrets it reads is checked at apply, so a secret removed or rotated meanwhile refuses the
 * write instead of leaving a service naming what is gone.
 */
public final class SecretRefs {
  private SecretRefs() {}

  /** The latest version of {@code name}, if any. */
  public static Optional<Secret> latest(StoreView v, Secret.Kind kind, String name) {
    return v.secrets().stream().filter(s -> s.getKind() == kind && s.getName().equals(name))
        .max(Comparator.comparingLong(Secret::getVersionNumber));
  }

  /** Every version of {@code name}. */
  public static List<Secret> versions(StoreView v, Secret.Kind kind, String name) {
    return v.secrets().stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).toList();
  }

  /**
   * The spec with every reference pinned to a stored version (the latest for a name given
   * without an id) and normalized; unknown names and two files at one target refused.
   */
  public static ServiceSpec resolve(StoreView v, ServiceSpec spec) {
    ContainerSpec c = spec.getTask().getContainer();
    if (c.getSecretsCount() == 0 && c.getConfigsCount() == 0) return spec;
    Set<String> targets = new HashSet<>();
    ServiceSpec.Builder b = spec.toBuilder();
    ContainerSpec.Builder cb = b.getTaskBuilder().getContainerBuilder();
    List<SecretReference> secrets = resolveAll(v, Secret.Kind.SECRET, c.getSecretsList(), targets);
    List<SecretReference> configs = resolveAll(v, Secret.Kind.CONFIG, c.getConfigsList(), targets);
    cb.clearSecrets().addAllSecrets(secrets).clearConfigs().addAllConfigs(configs);
    return b.build();
  }

  private static List<SecretReference> resolveAll(StoreView v, Secret.Kind kind, List<SecretReference> refs, Set<String> targets) {
    List<SecretReference> out = new ArrayList<>();
    for (SecretReference r : refs) {
      String word = SecretChecks.word(kind);
      Secret s;
      if (!r.getSecretId().isEmpty()) {
        s = v.secret(r.getSecretId()).filter(x -> x.getKind() == kind).orElseThrow(() -> new IllegalArgumentException(
            word + " " + r.getSecretName() + " (" + r.getSecretId() + ") no longer exists"));
      } else {
        s = latest(v, kind, r.getSecretName()).orElseThrow(() -> new IllegalArgumentException(word + " " + r.getSecretName()
            + " not found: create it with \"jswarm " + word + " create " + r.getSecretName() + " FILE\""));
      }
      SecretReference n = SecretChecks.normalized(kind, r.toBuilder().setSecretId(s.getId()).setSecretName(s.getName()).build());
      if (!targets.add(n.getTarget())) throw new IllegalArgumentException("two secrets or configs are mounted at " + n.getTarget());
      out.add(n);
    }
    return out;
  }

  /** Whether the spec names any of {@code ids}. */
  public static boolean uses(ServiceSpec spec, Secret.Kind kind, Set<String> ids) {
    ContainerSpec c = spec.getTask().getContainer();
    List<SecretReference> refs = kind == Secret.Kind.CONFIG ? c.getConfigsList() : c.getSecretsList();
    return refs.stream().anyMatch(r -> ids.contains(r.getSecretId()));
  }

  /** Names of the services whose current spec names any of {@code ids}. */
  public static List<String> users(StoreView v, Secret.Kind kind, Set<String> ids) {
    return servicesUsing(v, kind, ids).stream().map(s -> s.getSpec().getName()).sorted().toList();
  }

  /** {@code spec} with every reference to one of {@code ids} moved to {@code to}. */
  public static ServiceSpec repoint(ServiceSpec spec, Secret.Kind kind, Set<String> ids, Secret to) {
    ServiceSpec.Builder b = spec.toBuilder();
    ContainerSpec.Builder cb = b.getTaskBuilder().getContainerBuilder();
    List<SecretReference> refs = new ArrayList<>(kind == Secret.Kind.CONFIG ? cb.getConfigsList() : cb.getSecretsList());
    refs.replaceAll(r -> ids.contains(r.getSecretId()) ? r.toBuilder().setSecretId(to.getId()).build() : r);
    if (kind == Secret.Kind.CONFIG) cb.clearConfigs().addAllConfigs(refs);
    else cb.clearSecrets().addAllSecrets(refs);
    return b.build();
  }

  /** The ids a task's (or service's) container spec names, secrets and configs alike. */
  public static Set<String> ids(ContainerSpec c) {
    Set<String> out = new HashSet<>();
    c.getSecretsList().forEach(r -> out.add(r.getSecretId()));
    c.getConfigsList().forEach(r -> out.add(r.getSecretId()));
    return out;
  }

  /** The services whose current spec names any of {@code ids}. */
  public static List<Service> servicesUsing(StoreView v, Secret.Kind kind, Set<String> ids) {
    return v.services().stream().filter(s -> uses(s.getSpec(), kind, ids)).toList();
  }
}
