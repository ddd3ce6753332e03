package io.jswarm.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicAuthTest {
  @TempDir Path root;

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void htpasswdBcryptEntriesGuardEveryEndpoint() throws Exception {
    Path htpasswd = root.resolve("htpasswd");
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(4, "s3cret".toCharArray());
    Files.writeString(htpasswd, "alice:" + hash + "\n");
    RegistryConfig cfg = RegistryConfig.of(root.resolve("data")).withAddress("127.0.0.1", 0).withHtpasswd(htpasswd);
    try (RegistryServer server = RegistryServer.start(cfg)) {
      RegistryClient c = new RegistryClient(server.port());
      HttpResponse<byte[]> anon = c.get("/v2/");
      assertEquals(401, anon.statusCode());
      // Bearer first (Docker's token flow), and Basic still offered for the htpasswd users
      assertTrue(anon.headers().allValues("WWW-Authenticate").get(0).startsWith("Bearer realm=\"http://127.0.0.1:"),
          anon.headers().allValues("WWW-Authenticate").toString());
      assertTrue(anon.headers().allValues("WWW-Authenticate").contains("Basic realm=\"jswarm-registry\""));
      assertEquals("UNAUTHORIZED", RegistryClient.errorCode(anon));
      assertEquals(401, c.send(c.req("/v2/").header("Authorization", basic("alice", "wrong")).GET().build()).statusCode());
      assertEquals(401, c.send(c.req("/v2/x/tags/list").header("Authorization", basic("bob", "s3cret")).GET().build())
          .statusCode());
      for (int i = 0; i < 2; i++) { // the second one is answered from the cache of verified credentials
        assertEquals(200, c.send(c.req("/v2/").header("Authorization", basic("alice", "s3cret")).GET().build())
            .statusCode());
      }
    }
  }
}
