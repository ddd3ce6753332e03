package io.jswarm.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

  static TokenService at(Instant now, byte[] key) {
    return new TokenService(key, Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aTokenCarriesItsScopesAndNothingElse() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    String token = at(t0, KEY).issue("alice", List.of(Scope.parse("repository:team/app:pull,push"),
        Scope.parse("repository:team/app:pull"), Scope.parse("repository:other:pull"))).token();
    Principal p = at(t0.plusSeconds(60), KEY).verify(token);
    assertEquals("alice", p.subject());
    assertEquals(Principal.Source.TOKEN, p.source());
    assertEquals(EnumSet.of(Action.PULL, Action.PUSH), p.actionsOn("team/app"));
    assertEquals(EnumSet.of(Action.PULL), p.actionsOn("other"));
    assertFalse(p.allows(Action.DELETE, "team/app"));
    assertFalse(p.allows(Action.PULL, "team/app2"));
    assertFalse(p.allows(Action.PEER, null), "tokens never grant the peer endpoints");
    assertTrue(p.authenticated());
  }

  @Test
  void expiredForeignOrTamperedTokensAreRefused() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    String token = at(t0, KEY).issue("alice", List.of(Scope.parse("repository:a:pull"))).token();
    assertNull(at(t0.plus(Duration.ofMinutes(6)), KEY).verify(token), "expired (past the 30 s skew)");
    assertNull(at(t0, "another-key-another-key-another-key".getBytes()).verify(token), "another registry's key");
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"iss\":\"jswarm-registry\",\"aud\":\"jswarm-registry\",\"exp\":9999999999,\"access\":[{\"type\":\"repository\",\"name\":\"a\",\"actions\":[\"push\"]}]}"
            .getBytes()) + "." + parts[2];
    assertNull(at(t0, KEY).verify(forged), "claims changed under the same signature");
    assertNull(at(t0, KEY).verify("not.a.jwt"));
    String unsigned = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
        + "." + parts[1] + ".";
    assertNull(at(t0, KEY).verify(unsigned), "alg none");
  }

  @Test
  void keysShorterThan256BitsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> at(Instant.now(), new byte[16]));
  }

  @Test
  void scopesParseDockersGrammar() {
    assertEquals(new Scope("library/busybox", Set.of(Action.PULL, Action.PUSH)),
        Scope.parse("repository:library/busybox:pull,push"));
    assertEquals(EnumSet.of(Action.PULL, Action.PUSH, Action.DELETE), Scope.parse("repository:x:*").actions());
    assertNull(Scope.parse("registry:catalog:*"));
    assertNull(Scope.parse("repository:nocolon"));
    assertEquals(2, Scope.parseAll(List.of("repository:a:pull repository:b:push")).size());
    assertEquals("repository:a:pull,push", new Scope("a", EnumSet.of(Action.PUSH, Action.PULL)).toString());
  }
}
