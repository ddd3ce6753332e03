package io.jswarm.registry;

import static io.jswarm.registry.RegistryClient.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.registry.core.Digest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads cut short — connection dropped, server restarted, server killed -9 — never leave a blob visible. */
class UploadCrashTest {
  @TempDir Path root;

  static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void connectionDroppedMidPatchRollsTheChunkBackAndTheUploadResumes() throws Exception {
    try (RegistryServer server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0))) {
      RegistryClient c = new RegistryClient(server.port());
      byte[] blob = random(200_000);
      String loc = c.post("/v2/crash/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
      assertEquals(202, c.patch(loc, "0-49999", Arrays.copyOfRange(blob, 0, 50_000)).statusCode());

      try (Socket s = new Socket("127.0.0.1", server.port())) {
        OutputStream out = s.getOutputStream();
        out.write(("PATCH " + loc + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Range: 50000-149999\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(blob, 50_000, 60_000);
        out.flush();
        Path data = root.resolve("uploads").resolve(loc.substring(loc.lastIndexOf('/') + 1)).resolve("data");
        Eventually.await("the server to be writing the chunk", Duration.ofSeconds(10), () -> data.toFile().length() > 50_000);
        s.setSoLinger(true, 0); // RST: the connection dies mid-body
      }
      Eventually.await("the half chunk to be rolled back", Duration.ofSeconds(10),
          () -> "0-49999".equals(c.get(loc).headers().firstValue("Range").orElse(null))
              && root.resolve("uploads").resolve(loc.substring(loc.lastIndexOf('/') + 1)).resolve("data").toFile().length() == 50_000);
      assertEquals(404, c.head("/v2/crash/blobs/" + Digest.of(blob)).statusCode());
      assertEquals(202, c.patch(loc, "50000-149999", Arrays.copyOfRange(blob, 50_000, 150_000)).statusCode());
      HttpResponse<byte[]> put = c.put(loc + "?digest=" + Digest.of(blob), "application/octet-stream",
          Arrays.copyOfRange(blob, 150_000, 200_000));
      assertEquals(201, put.statusCode(), text(put));
      assertArrayEquals(blob, c.get("/v2/crash/blobs/" + Digest.of(blob)).body());
    }
  }

  @Test
  void serverRestartMidUploadKeepsTheUploadResumableAndInvisible() {
    byte[] blob = random(120_000);
    String loc;
    try (RegistryServer server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0))) {
      RegistryClient c = new RegistryClient(server.port());
      loc = c.post("/v2/restart/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
      assertEquals(202, c.patch(loc, "0-59999", Arrays.copyOfRange(blob, 0, 60_000)).statusCode());
    }
    assertEquals(0, blobFiles().size(), "no blob on disk");
    try (RegistryServer server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0))) {
      RegistryClient c = new RegistryClient(server.port());
      assertEquals(404, c.head("/v2/restart/blobs/" + Digest.of(blob)).statusCode());
      HttpResponse<byte[]> status = c.get(loc);
      assertEquals(204, status.statusCode());
      assertEquals("0-59999", status.headers().firstValue("Range").orElse(null));
      HttpResponse<byte[]> put = c.put(loc + "?digest=" + Digest.of(blob), "application/octet-stream",
          Arrays.copyOfRange(blob, 60_000, 120_000));
      assertEquals(201, put.statusCode(), text(put));
      assertArrayEquals(blob, c.get("/v2/restart/blobs/" + Digest.of(blob)).body());
    }
  }

  @Test
  void killNineMidUploadLeavesNoPartialBlobAndARestartedUploadSucceeds() throws Exception {
    byte[] blob = random(4_000_000);
    Process p = startChild();
    try {
      int port = readPort(p);
      RegistryClient c = new RegistryClient(port);
      String loc = c.post("/v2/killed/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
      try (Socket s = new Socket("127.0.0.1", port)) {
        OutputStream out = s.getOutputStream();
        out.write(("PUT " + loc + "?digest=" + Digest.of(blob) + " HTTP/1.1\r\nHost: x\r\n"
            + "Content-Length: " + blob.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(blob, 0, 2_000_000);
        out.flush();
        Path data = root.resolve("uploads").resolve(loc.substring(loc.lastIndexOf('/') + 1)).resolve("data");
        Eventually.await("the server to be writing the upload", Duration.ofSeconds(20),
            () -> Files.exists(data) && data.toFile().length() > 0);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
      }
      assertEquals(0, blobFiles().size(), "no blob after kill -9");
    } finally {
      p.destroyForcibly();
    }
    try (RegistryServer server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0))) {
      RegistryClient c = new RegistryClient(server.port());
      assertEquals(404, c.head("/v2/killed/blobs/" + Digest.of(blob)).statusCode());
      assertEquals(201, c.post("/v2/killed/blobs/uploads/?digest=" + Digest.of(blob), blob).statusCode());
      assertArrayEquals(blob, c.get("/v2/killed/blobs/" + Digest.of(blob)).body());
    }
  }

  @Test
  void abandonedUploadsArePurged() {
    RegistryConfig cfg = RegistryConfig.of(root).withAddress("127.0.0.1", 0)
        .withUploadPurge(Duration.ofMillis(300), Duration.ofMillis(100));
    try (RegistryServer server = RegistryServer.start(cfg)) {
      RegistryClient c = new RegistryClient(server.port());
      String loc = c.post("/v2/purged/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
      assertEquals(202, c.patch(loc, "0-9", new byte[10]).statusCode());
      Eventually.await("the idle upload to be purged", Duration.ofSeconds(10), () -> c.get(loc).statusCode() == 404);
      Eventually.await("its directory to go", Duration.ofSeconds(10), () -> root.resolve("uploads").toFile().list().length == 0);
    }
  }

  private List<Path> blobFiles() {
    Path blobs = root.resolve("blobs");
    if (!Files.exists(blobs)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(blobs)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Process startChild() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RegistryServer.class.getName(),
        "--root", root.toString(), "--addr", "127.0.0.1:0")
        .redirectErrorStream(true).start();
  }

  private static int readPort(Process p) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      if (line.startsWith("registry listening on ")) {
        String addr = line.substring("registry listening on ".length(), line.indexOf(','));
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
      }
    }
    throw new AssertionError("child registry exited before listening");
  }
}
