package io.jswarm.cli.commands;

import static org.junit.jupiter.api.Assertions.*;

import io.jswarm.api.ContainerSpec;
import io.jswarm.api.SecretReference;
import io.jswarm.cli.CliException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretFlagsTest {
  @Test
  void aBareNameOrDockersLongForm() {
    SecretReference r = SecretFlags.parse("--secret", "db");
    assertEquals("db", r.getSecretName());
    assertFalse(r.getModeSet(), "the managers fill in 0444");
    r = SecretFlags.parse("--secret", "source=db,target=pw,uid=1000,gid=100,mode=0400");
    assertEquals("pw", r.getTarget());
    assertEquals(1000, r.getUid());
    assertEquals(100, r.getGid());
    assertEquals(0400, r.getMode());
    assertEquals("db", SecretFlags.parse("--secret", "db,target=x").getSecretName());
  }

  @Test
  void badFormsSayWhatIsWrong() {
    assertTrue(assertThrows(CliException.class, () -> SecretFlags.parse("--secret", "target=x")).getMessage().contains("source is required"));
    assertTrue(assertThrows(CliException.class, () -> SecretFlags.parse("--secret", "db,mode=9")).getMessage().contains("octal"));
    assertTrue(assertThrows(CliException.class, () -> SecretFlags.parse("--config", "db,uid=-1")).getMessage().contains("number"));
    assertTrue(assertThrows(CliException.class, () -> SecretFlags.parse("--secret", "db,owner=x")).getMessage().contains("unknown option"));
  }

  @Test
  void updateRemovesByNameOrIdThenAddsUnpinned() {
    ContainerSpec.Builder c = ContainerSpec.newBuilder()
        .addSecrets(SecretReference.newBuilder().setSecretName("a").setSecretId("id-a"))
        .addSecrets(SecretReference.newBuilder().setSecretName("b").setSecretId("id-b"));
    SecretUpdateFlags f = new SecretUpdateFlags();
    f.secretRm = List.of("id-a");
    f.secretAdd = List.of("source=c,mode=0400");
    f.apply(c);
    assertEquals(List.of("b", "c"), c.getSecretsList().stream().map(SecretReference::getSecretName).toList());
    assertEquals("", c.getSecrets(1).getSecretId(), "the managers pin the latest version");
    SecretUpdateFlags g = new SecretUpdateFlags();
    g.configRm = List.of("nope");
    assertThrows(CliException.class, () -> g.apply(c));
  }
}
