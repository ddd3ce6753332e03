package io.jswarm.manager.dispatcher;

import com.google.protobuf.ByteString;
import io.jswarm.api.Assignments;
import io.jswarm.api.Secret;
import io.jswarm.api.SecretValue;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.manager.secrets.SecretRefs;
import io.jswarm.manager.secrets.SecretSealing;
import io.jswarm.store.RaftStore;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Puts into an assignments message the values of the secrets and configs its tasks name, and
 * nothing else (see Assignments.secrets in dispatcher.proto): the message goes to the one node
 * that runs those tasks, so a node never receives a value no task of its own needs. Only tasks
 * meant to run carry values; a task being stopped already has its files. Values are opened here,
 * on the leader, with the cluster key; a value that cannot be opened is left out (logged by id,
 * never by content) and the worker rejects the task saying so.
 */
final class SecretValues {
  private static final Logger LOG = Logger.getLogger(SecretValues.class.getName());
  private final RaftStore store;
  private final Supplier<byte[]> clusterKey;

  SecretValues(RaftStore store, Supplier<byte[]> clusterKey) {
    this.store = store;
    this.clusterKey = clusterKey;
  }

  Assignments attach(Assignments a) {
    Set<String> ids = new TreeSet<>();
    for (Task t : a.getTasksList()) {
      if (t.getDesiredState().getNumber() <= TaskState.RUNNING.getNumber()) ids.addAll(SecretRefs.ids(t.getSpec().getContainer()));
    }
    if (ids.isEmpty()) return a;
    byte[] key = clusterKey.get();
    Assignments.Builder b = a.toBuilder();
    store.read(v -> {
      for (String id : ids) {
        Secret s = v.secret(id).orElse(null);
        if (s == null) {
          LOG.warning("secret or config " + id + " named by a task is not in the store; not delivered");
          continue;
        }
        try {
          b.addSecrets(SecretValue.newBuilder().setId(id).setKind(s.getKind()).setName(s.getName())
              .setData(ByteString.copyFrom(SecretSealing.open(s, key))));
        } catch (GeneralSecurityException e) {
          LOG.warning("secret or config " + s.getName() + " (" + id + ") cannot be opened on this manager ("
              + e.getMessage() + "); not delivered");
        }
      }
      return null;
    });
    return b.build();
  }
}
