package io.jswarm.manager.control;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.CreateSecretRequest;
import io.jswarm.api.GetSecretRequest;
import io.jswarm.api.ListSecretsRequest;
import io.jswarm.api.RemoveSecretRequest;
import io.jswarm.api.RotateSecretRequest;
import io.jswarm.api.Secret;
import io.jswarm.api.SecretReference;
import io.jswarm.api.Service;
import io.jswarm.api.StoreObject;
import io.jswarm.manager.Manager;
import io.jswarm.manager.TestStores;
import io.jswarm.manager.secrets.SecretRefs;
import io.jswarm.pki.KeyWrap;
import io.jswarm.store.RaftStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret handlers over a real one-member store: create, the value never returned, names
 * unique per kind, bad input changing nothing, removal refused while a service uses the secret,
 * rotation moving the services to the next version; and the value in no file of the store's
 * directory (log, snapshots, metadata).
 */
@Timeout(60)
class SecretApiTest {
  static final String VALUE = "correct-horse-battery-staple-42";
  @TempDir Path dir;
  RaftStore store;
  SecretApi api;
  final byte[] clusterKey = KeyWrap.newKey();

  @BeforeEach
  void up() throws Exception {
    store = TestStores.singleLeader(dir);
    Manager m = new Manager(store, ref -> Optional.of(ref), () -> clusterKey);
    api = new SecretApi(new ControlContext(new TestNode(m)));
  }

  @AfterEach
  void down() {
    if (store != null) store.close();
  }

  static CreateSecretRequest create(Secret.Kind kind, String name, String value) {
    return CreateSecretRequest.newBuilder().setKind(kind).setName(name).putLabels("env", "test")
        .setData(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build();
  }

  @Test
  void createdSecretsShowEverythingButTheValue() throws Exception {
    Secret s = api.create(create(Secret.Kind.SECRET, "db", VALUE));
    assertEquals("db", s.getName());
    assertEquals(1, s.getVersionNumber());
    assertEquals(VALUE.length(), s.getSize());
    assertTrue(s.getSealedData().isEmpty() && s.getWrappedKey().isEmpty());
    Secret got = api.get(GetSecretRequest.newBuilder().setRef("db").build());
    assertEquals(s.getId(), got.getId());
    assertFalse(got.toString().contains(VALUE));
    assertEquals(1, api.list(ListSecretsRequest.getDefaultInstance()).getSecretsCount());
    // a config of the same name is another object; configs are listed apart
    api.create(create(Secret.Kind.CONFIG, "db", "port=5432"));
    assertEquals(1, api.list(ListSecretsRequest.newBuilder().setKind(Secret.Kind.CONFIG).build()).getSecretsCount());
    store.takeSnapshot();
    assertValueInNoFile(dir);
  }

  @Test
  void badInputIsRefusedAndChangesNothing() throws Exception {
    api.create(create(Secret.Kind.SECRET, "db", VALUE));
    StatusRuntimeException dup = assertThrows(StatusRuntimeException.class, () -> api.create(create(Secret.Kind.SECRET, "db", "x")));
    assertEquals(Status.Code.ALREADY_EXISTS, dup.getStatus().getCode());
    assertThrows(IllegalArgumentException.class, () -> api.create(create(Secret.Kind.SECRET, "bad name", "x")));
    assertThrows(IllegalArgumentException.class, () -> api.create(create(Secret.Kind.SECRET, "big",
        "x".repeat(500 * 1024 + 1))));
    assertThrows(IllegalArgumentException.class, () -> api.create(create(Secret.Kind.SECRET, "empty", "")));
    assertEquals(1, store.read(v -> v.secrets()).size());
    // the largest value fits one Raft entry with room to spare
    assertEquals(500 * 1024, api.create(create(Secret.Kind.SECRET, "max", "x".repeat(500 * 1024))).getSize());
  }

  @Test
  void removalIsRefusedWhileAServiceUsesItAndRotationMovesTheService() throws Exception {
    Secret v1 = api.create(create(Secret.Kind.SECRET, "db", VALUE));
    Service svc = io.jswarm.manager.Fixtures.service("svc1", 1, io.jswarm.api.RestartPolicy.Condition.ANY);
    var b = svc.toBuilder();
    b.getSpecBuilder().getTaskBuilder().getContainerBuilder().addSecrets(SecretReference.newBuilder().setSecretName("db"));
    store.update(tx -> tx.create(StoreObject.newBuilder().setService(b.setSpec(SecretRefs.resolve(tx, b.getSpec()))).build()));
    ContainerSpec c = store.read(v -> v.service("svc1")).orElseThrow().getSpec().getTask().getContainer();
    assertEquals(v1.getId(), c.getSecrets(0).getSecretId());
    assertEquals("/run/secrets/db", c.getSecrets(0).getTarget());

    StatusRuntimeException inUse = assertThrows(StatusRuntimeException.class,
        () -> api.remove(RemoveSecretRequest.newBuilder().setRef("db").build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, inUse.getStatus().getCode());
    assertTrue(inUse.getStatus().getDescription().contains("in use by service svc-svc1"), inUse.getStatus().getDescription());
    assertEquals(1, store.read(v -> v.secrets()).size(), "nothing removed");

    var rotated = api.rotate(RotateSecretRequest.newBuilder().setRef("db")
        .setData(ByteString.copyFromUtf8(VALUE + "-v2")).build());
    assertEquals(2, rotated.getSecret().getVersionNumber());
    assertEquals(java.util.List.of("svc-svc1"), rotated.getUpdatedServicesList());
    Service after = store.read(v -> v.service("svc1")).orElseThrow();
    assertEquals(rotated.getSecret().getId(), after.getSpec().getTask().getContainer().getSecrets(0).getSecretId());
    assertEquals(svc.getSpecVersion() + 1, after.getSpecVersion(), "the tasks are replaced");
    assertEquals(rotated.getSecret().getId(), api.get(GetSecretRequest.newBuilder().setRef("db").build()).getId(), "the name is the latest");

    store.update(tx -> tx.delete(StoreObject.newBuilder().setService(store.read(v -> v.service("svc1")).orElseThrow()).build()));
    assertEquals(2, api.remove(RemoveSecretRequest.newBuilder().setRef("db").build()).getRemovedIdsCount(), "every version");
    assertTrue(store.read(v -> v.secrets()).isEmpty());
  }

  static void assertValueInNoFile(Path root) throws Exception {
    byte[] needle = VALUE.getBytes(StandardCharsets.UTF_8);
    try (var walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        byte[] hay = Files.readAllBytes(p);
        assertFalse(new String(hay, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1)),
            "the plaintext value is in " + p);
      }
    }
  }

  /** Only what the secret handlers ask of the node: its manager. */
  private record TestNode(Manager m) implements io.jswarm.manager.SwarmNode {
    @Override public io.jswarm.api.InitSwarmResponse init(io.jswarm.api.InitSwarmRequest r) { throw new UnsupportedOperationException(); }
    @Override public io.jswarm.api.JoinSwarmResponse join(io.jswarm.api.JoinSwarmRequest r) { throw new UnsupportedOperationException(); }
    @Override public void leave(io.jswarm.api.LeaveSwarmRequest r) { throw new UnsupportedOperationException(); }
    @Override public io.jswarm.api.InfoResponse.Builder localInfo() { return io.jswarm.api.InfoResponse.newBuilder(); }
    @Override public io.grpc.ManagedChannel dialNode(String addr) { throw new UnsupportedOperationException(); }
    @Override public Optional<Manager> manager() { return Optional.of(m); }
  }
}
