package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.CreateSecretRequest;
import io.jswarm.api.GetSecretRequest;
import io.jswarm.api.ListSecretsRequest;
import io.jswarm.api.ListSecretsResponse;
import io.jswarm.api.RemoveSecretRequest;
import io.jswarm.api.RemoveSecretResponse;
import io.jswarm.api.RotateSecretRequest;
import io.jswarm.api.RotateSecretResponse;
import io.jswarm.api.Secret;
import io.jswarm.api.Service;
import io.jswarm.api.UpdateStatus;
import io.jswarm.manager.Ids;
import io.jswarm.manager.orchestrator.ServiceHistory;
import io.jswarm.manager.secrets.SecretChecks;
import io.jswarm.manager.secrets.SecretRefs;
import io.jswarm.manager.secrets.SecretSealing;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Secrets and configs: create (sealed before it is proposed), inspect and list (never the value),
 * remove (refused while a service uses it, checked in the write), rotate (the next version, and
 * the services that use the name moved to it in the same write).
 */
final class SecretApi {
  private final ControlContext ctx;

  SecretApi(ControlContext ctx) {
    this.ctx = ctx;
  }

  Secret create(CreateSecretRequest req) throws Exception {
    Secret.Kind kind = req.getKind();
    SecretChecks.name(kind, req.getName());
    SecretChecks.labels(req.getLabelsMap());
    byte[] data = req.getData().toByteArray();
    SecretChecks.value(kind, data);
    String id = Ids.newId();
    Secret sealed = SecretSealing.seal(Secret.newBuilder().setId(id).setKind(kind).setName(req.getName())
        .putAllLabels(req.getLabelsMap()).setVersionNumber(1), clusterKey(), data).build();
    RaftStore s = ctx.store();
    s.update(tx -> {
      if (SecretRefs.latest(tx, kind, req.getName()).isPresent()) {
        throw Status.ALREADY_EXISTS.withDescription(SecretChecks.word(kind) + " " + req.getName()
            + " already exists; secrets and configs are immutable: remove it first, or \"jswarm "
            + SecretChecks.word(kind) + " rotate " + req.getName() + " FILE\"").asRuntimeException();
      }
      tx.create(sealed);
    });
    return SecretSealing.redacted(s.read(v -> v.secret(id)).orElseThrow());
  }

  Secret get(GetSecretRequest req) throws Exception {
    return SecretSealing.redacted(ctx.readStore().read(v -> resolveUnchecked(v, req.getKind(), req.getRef())));
  }

  ListSecretsResponse list(ListSecretsRequest req) throws Exception {
    List<Secret> all = ctx.readStore().read(StoreView::secrets);
    return ListSecretsResponse.newBuilder().addAllSecrets(all.stream()
        .filter(x -> x.getKind() == req.getKind()).map(SecretSealing::redacted).toList()).build();
  }

  RemoveSecretResponse remove(RemoveSecretRequest req) throws Exception {
    Secret.Kind kind = req.getKind();
    RaftStore s = ctx.store();
    List<String> removed = new ArrayList<>();
    s.update(tx -> {
      removed.clear();
      Secret named = resolveUnchecked(tx, kind, req.getRef());
      List<Secret> versions = SecretRefs.versions(tx, kind, named.getName());
      Set<String> ids = versions.stream().map(Secret::getId).collect(Collectors.toSet());
      // Checked inside the write: the services list read here is re-checked when it applies, so a
      // service created meanwhile that names the secret refuses the removal.
      List<String> users = SecretRefs.users(tx, kind, ids);
      if (!users.isEmpty()) {
        throw Status.FAILED_PRECONDITION.withDescription(SecretChecks.word(kind) + " " + named.getName()
            + " is in use by service" + (users.size() > 1 ? "s " : " ") + String.join(", ", users)
            + "; remove it from them first (service update --" + SecretChecks.word(kind) + "-rm "
            + named.getName() + ")").asRuntimeException();
      }
      for (Secret v : versions) {
        tx.delete(v);
        removed.add(v.getId());
      }
    });
    return RemoveSecretResponse.newBuilder().addAllRemovedIds(removed).build();
  }

  RotateSecretResponse rotate(RotateSecretRequest req) throws Exception {
    Secret.Kind kind = req.getKind();
    byte[] data = req.getData().toByteArray();
    SecretChecks.value(kind, data);
    RaftStore s = ctx.store();
    Secret current = s.read(v -> resolveUnchecked(v, kind, req.getRef()));
    String id = Ids.newId();
    Secret next = SecretSealing.seal(Secret.newBuilder().setId(id).setKind(kind).setName(current.getName())
        .putAllLabels(current.getLabelsMap()).setVersionNumber(current.getVersionNumber() + 1), clusterKey(), data).build();
    List<String> updated = new ArrayList<>();
    s.update(tx -> {
      updated.clear();
      List<Secret> versions = SecretRefs.versions(tx, kind, current.getName());
      long latest = versions.stream().mapToLong(Secret::getVersionNumber).max().orElse(0);
      if (latest != current.getVersionNumber()) {
        throw Status.ABORTED.withDescription(SecretChecks.word(kind) + " " + current.getName()
            + " was changed meanwhile; run the command again").asRuntimeException();
      }
      tx.create(next);
      Set<String> ids = versions.stream().map(Secret::getId).collect(Collectors.toSet());
      long now = System.currentTimeMillis();
      for (Service svc : SecretRefs.servicesUsing(tx, kind, ids)) {
        // a spec change of what the tasks run: the orchestrator replaces them with the update policy
        tx.update(ServiceHistory.change(svc, SecretRefs.repoint(svc.getSpec(), kind, ids, next), now,
            UpdateStatus.State.UPDATING, SecretChecks.word(kind) + " " + current.getName() + " rotated to version "
                + next.getVersionNumber()));
        updated.add(svc.getSpec().getName());
      }
    });
    return RotateSecretResponse.newBuilder().setSecret(SecretSealing.redacted(s.read(v -> v.secret(id)).orElseThrow()))
        .addAllUpdatedServices(updated).build();
  }

  private byte[] clusterKey() throws StatusException {
    return ctx.manager().clusterKey();
  }

  /** An id, a unique id prefix, or a name (its latest version). */
  static Secret resolve(StoreView v, Secret.Kind kind, String ref) throws StatusException {
    var latest = SecretRefs.latest(v, kind, ref);
    if (latest.isPresent()) return latest.get();
    List<Secret> all = v.secrets().stream().filter(x -> x.getKind() == kind).toList();
    return Refs.resolve(SecretChecks.word(kind), ref, all, Secret::getId, Secret::getName);
  }

  private static Secret resolveUnchecked(StoreView v, Secret.Kind kind, String ref) {
    try {
      return resolve(v, kind, ref);
    } catch (StatusException e) {
      throw e.getStatus().asRuntimeException();
    }
  }
}
