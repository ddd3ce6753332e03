package io.jswarm.manager.secrets;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.Secret;
import io.jswarm.api.SecretReference;
import org.junit.jupiter.api.Test;

class SecretChecksTest {
  static final Secret.Kind S = Secret.Kind.SECRET;
  static final Secret.Kind C = Secret.Kind.CONFIG;

  @Test
  void namesFollowSwarmsRule() {
    for (String ok : new String[] {"db", "db_password", "a.b-c", "X1", "a".repeat(64)}) SecretChecks.name(S, ok);
    for (String bad : new String[] {"", "-db", "db-", "a b", "a/b", "é", "a".repeat(65), ".x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecretChecks.name(S, bad), bad);
      assertTrue(e.getMessage().startsWith("invalid secret name"), e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretChecks.name(C, "a b")).getMessage().startsWith("invalid config name"));
  }

  @Test
  void valuesAreOneByteTo500KiB() {
    SecretChecks.value(S, new byte[1]);
    SecretChecks.value(S, new byte[500 * 1024]);
    assertEquals("secret data is 512001 bytes; the limit is 512000 (500 KiB)",
        assertThrows(IllegalArgumentException.class, () -> SecretChecks.value(S, new byte[500 * 1024 + 1])).getMessage());
    assertThrows(IllegalArgumentException.class, () -> SecretChecks.value(C, new byte[0]));
  }

  static SecretReference ref(String name, String target) {
    return SecretReference.newBuilder().setSecretName(name).setTarget(target).build();
  }

  @Test
  void secretTargetsLandUnderRunSecretsWithMode0444ByDefault() {
    SecretReference r = SecretChecks.normalized(S, ref("db", ""));
    assertEquals("/run/secrets/db", r.getTarget());
    assertEquals(0444, r.getMode());
    assertEquals(0, r.getUid());
    assertEquals("/run/secrets/app/pw", SecretChecks.normalized(S, ref("db", "app/pw")).getTarget());
    assertEquals("/run/secrets/x", SecretChecks.normalized(S, ref("db", "/run/secrets/x")).getTarget());
    for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "a//b", "/run/secrets/", "a,b"}) {
      assertThrows(IllegalArgumentException.class, () -> SecretChecks.normalized(S, ref("db", bad)), bad);
    }
  }

  @Test
  void configTargetsAreAnyAbsolutePath() {
    assertEquals("/app.conf", SecretChecks.normalized(C, ref("app.conf", "")).getTarget());
    assertEquals("/etc/app/app.conf", SecretChecks.normalized(C, ref("c", "/etc/app/app.conf")).getTarget());
    assertThrows(IllegalArgumentException.class, () -> SecretChecks.normalized(C, ref("c", "/etc/../x")));
  }

  @Test
  void anExplicitModeIsKeptAndBoundedTo0777() {
    SecretReference r = SecretChecks.normalized(S, ref("db", "").toBuilder().setMode(0400).setModeSet(true).setUid(1000).build());
    assertEquals(0400, r.getMode());
    assertEquals(1000, r.getUid());
    assertEquals(0, SecretChecks.normalized(S, ref("db", "").toBuilder().setMode(0).setModeSet(true).build()).getMode());
    assertThrows(IllegalArgumentException.class,
        () -> SecretChecks.normalized(S, ref("db", "").toBuilder().setMode(01777).setModeSet(true).build()));
  }
}
