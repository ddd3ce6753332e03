package io.jswarm.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NamesAndDigestsTest {
  @Test
  void repositoryNamesFollowTheSpecGrammar() {
    for (String ok : new String[] {"a", "a/b", "library/busybox", "a.b_c__d---e", "a0/b1/c2", "x".repeat(255)}) {
      assertEquals(ok, RepoName.parse(ok).value());
    }
    for (String bad : new String[] {"", "A", "a/../b", "..", "a/", "/a", "a//b", "a___b", "a.-b", "_a", "a b",
        "x".repeat(256), "a/.b"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> RepoName.parse(bad), bad);
      assertEquals(ErrorCode.NAME_INVALID, e.code());
    }
  }

  @Test
  void digestsParseOrFailWithDigestInvalid() {
    Digest d = Digest.of("hello".getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", d.toString());
    assertEquals(d, Digest.parse(d.toString()));
    for (String bad : new String[] {null, "", "sha256", "sha256:", "sha256:abc", "SHA256:" + "a".repeat(64),
        "sha256:" + "A".repeat(64), "sha512:" + "a".repeat(128), "sha256:" + "a".repeat(65), "../etc/passwd"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> Digest.parse(bad), String.valueOf(bad));
      assertEquals(ErrorCode.DIGEST_INVALID, e.code());
      assertEquals(400, e.status());
    }
  }

  @Test
  void tagsFollowTheSpecGrammar() {
    assertEquals(true, Tag.isValid("v1.0_rc-2"));
    assertEquals(true, Tag.isValid("_x"));
    assertEquals(false, Tag.isValid(".x"));
    assertEquals(false, Tag.isValid("-x"));
    assertEquals(false, Tag.isValid("a".repeat(129)));
    assertEquals(false, Tag.isValid("a/b"));
  }
}
