package io.jswarm.registry;

import static io.jswarm.registry.RegistryClient.errorCode;
import static io.jswarm.registry.RegistryClient.imageManifest;
import static io.jswarm.registry.RegistryClient.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswarm.registry.core.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCI Distribution API over real HTTP against a running server: the spec's edge cases. */
class RegistryApiTest {
  @TempDir static Path root;
  static RegistryServer server;
  static RegistryClient c;

  @BeforeAll
  static void start() {
    server = RegistryServer.start(RegistryConfig.of(root).withAddress("127.0.0.1", 0));
    c = new RegistryClient(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void baseEndpointAnswersWithApiVersion() {
    HttpResponse<byte[]> r = c.get("/v2/");
    assertEquals(200, r.statusCode());
    assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
  }

  @Test
  void monolithicPushThenPullGivesSameBytes() {
    byte[] blob = random(300_000, 1);
    Digest d = c.pushBlob("mono/app", blob);
    HttpResponse<byte[]> r = c.get("/v2/mono/app/blobs/" + d);
    assertEquals(200, r.statusCode());
    assertArrayEquals(blob, r.body());
    assertEquals(d.toString(), r.headers().firstValue("Docker-Content-Digest").orElse(null));
    HttpResponse<byte[]> h = c.head("/v2/mono/app/blobs/" + d);
    assertEquals(200, h.statusCode());
    assertEquals("300000", h.headers().firstValue("Content-Length").orElse(null));
  }

  @Test
  void postThenPutWithDigestPushesMonolithically() {
    byte[] blob = random(1000, 2);
    HttpResponse<byte[]> post = c.post("/v2/postput/blobs/uploads/", new byte[0]);
    assertEquals(202, post.statusCode());
    String location = post.headers().firstValue("Location").orElseThrow();
    assertTrue(post.headers().firstValue("Docker-Upload-UUID").isPresent());
    HttpResponse<byte[]> put = c.put(location + "?digest=" + Digest.of(blob), "application/octet-stream", blob);
    assertEquals(201, put.statusCode(), text(put));
    assertEquals("/v2/postput/blobs/" + Digest.of(blob), put.headers().firstValue("Location").orElse(null));
    assertArrayEquals(blob, c.get("/v2/postput/blobs/" + Digest.of(blob)).body());
  }

  @Test
  void chunkedPushWithStatusAndOutOfOrderChunk() {
    byte[] blob = random(250_000, 3);
    String loc = c.post("/v2/chunked/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> p1 = c.patch(loc, "0-99999", Arrays.copyOfRange(blob, 0, 100_000));
    assertEquals(202, p1.statusCode(), text(p1));
    assertEquals("0-99999", p1.headers().firstValue("Range").orElse(null));

    HttpResponse<byte[]> wrong = c.patch(loc, "150000-249999", Arrays.copyOfRange(blob, 150_000, 250_000));
    assertEquals(416, wrong.statusCode());
    assertEquals("0-99999", wrong.headers().firstValue("Range").orElse(null));

    HttpResponse<byte[]> status = c.get(loc);
    assertEquals(204, status.statusCode());
    assertEquals("0-99999", status.headers().firstValue("Range").orElse(null));

    assertEquals(202, c.patch(loc, "100000-199999", Arrays.copyOfRange(blob, 100_000, 200_000)).statusCode());
    HttpResponse<byte[]> put = c.put(loc + "?digest=" + Digest.of(blob), "application/octet-stream",
        Arrays.copyOfRange(blob, 200_000, 250_000));
    assertEquals(201, put.statusCode(), text(put));
    assertArrayEquals(blob, c.get("/v2/chunked/blobs/" + Digest.of(blob)).body());
    assertEquals(404, c.get(loc).statusCode(), "finished upload is gone");
  }

  @Test
  void wrongDigestIsRefusedAndNothingIsVisible() {
    byte[] blob = random(5000, 4);
    Digest claimed = Digest.of("something else".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = c.post("/v2/wrong/blobs/uploads/?digest=" + claimed, blob);
    assertEquals(400, r.statusCode());
    assertEquals("DIGEST_INVALID", errorCode(r));
    assertEquals(404, c.head("/v2/wrong/blobs/" + claimed).statusCode());
    assertEquals(404, c.head("/v2/wrong/blobs/" + Digest.of(blob)).statusCode());
    assertFalse(Files.exists(root.resolve("blobs/sha256/" + claimed.hex().substring(0, 2) + "/" + claimed.hex())));
  }

  @Test
  void malformedDigestsAre400DigestInvalid() {
    for (String bad : new String[] {"sha256:xyz", "sha256:" + "A".repeat(64), "md5:abc", "nocolon:", "sha256:"}) {
      HttpResponse<byte[]> r = c.get("/v2/any/blobs/" + bad);
      if (r.statusCode() == 404) {
        assertEquals("BLOB_UNKNOWN", errorCode(r), bad); // "nocolon:" style strings that aren't routed as digests
        continue;
      }
      assertEquals(400, r.statusCode(), bad);
      assertEquals("DIGEST_INVALID", errorCode(r), bad);
    }
    HttpResponse<byte[]> r = c.post("/v2/any/blobs/uploads/?digest=sha256:zz", new byte[] {1});
    assertEquals(400, r.statusCode());
    assertEquals("DIGEST_INVALID", errorCode(r));
    assertEquals("DIGEST_INVALID", errorCode(c.get("/v2/any/manifests/sha256:1234")));
    assertEquals("DIGEST_INVALID", errorCode(c.get("/v2/any/referrers/notadigest")));
  }

  @Test
  void unknownBlobAndManifestAre404WithTheirCodes() {
    Digest d = Digest.of(new byte[] {42});
    HttpResponse<byte[]> b = c.get("/v2/nothing/here/blobs/" + d);
    assertEquals(404, b.statusCode());
    assertEquals("BLOB_UNKNOWN", errorCode(b));
    HttpResponse<byte[]> m = c.get("/v2/nothing/here/manifests/latest");
    assertEquals(404, m.statusCode());
    assertEquals("MANIFEST_UNKNOWN", errorCode(m));
    assertEquals(404, c.head("/v2/nothing/here/manifests/" + d).statusCode());
    HttpResponse<byte[]> t = c.get("/v2/nothing/here/tags/list");
    assertEquals(404, t.statusCode());
    assertEquals("NAME_UNKNOWN", errorCode(t));
    HttpResponse<byte[]> u = c.get("/v2/nothing/blobs/uploads/00000000-0000-0000-0000-000000000000");
    assertEquals(404, u.statusCode());
    assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(u));
  }

  @Test
  void manifestRoundTripsByteExactWithItsContentType() {
    byte[] config = "{\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = random(2000, 5);
    Digest cd = c.pushBlob("img", config);
    Digest ld = c.pushBlob("img", layer);
    String json = "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n"
        + "  \"config\": {\"mediaType\": \"application/vnd.docker.container.image.v1+json\", \"digest\": \"" + cd
        + "\", \"size\": " + config.length + "},\n  \"layers\": [{\"mediaType\": "
        + "\"application/vnd.docker.image.rootfs.diff.tar.gzip\", \"digest\": \"" + ld + "\", \"size\": 2000}]\n}\n";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> put = c.put("/v2/img/manifests/v1", "application/vnd.docker.distribution.manifest.v2+json", body);
    assertEquals(201, put.statusCode(), text(put));
    assertEquals(Digest.of(body).toString(), put.headers().firstValue("Docker-Content-Digest").orElse(null));
    for (String ref : new String[] {"v1", Digest.of(body).toString()}) {
      HttpResponse<byte[]> get = c.get("/v2/img/manifests/" + ref);
      assertEquals(200, get.statusCode());
      assertArrayEquals(body, get.body());
      assertEquals("application/vnd.docker.distribution.manifest.v2+json", get.headers().firstValue("Content-Type").orElse(null));
      HttpResponse<byte[]> head = c.head("/v2/img/manifests/" + ref);
      assertEquals(200, head.statusCode());
      assertEquals(String.valueOf(body.length), head.headers().firstValue("Content-Length").orElse(null));
      assertEquals(Digest.of(body).toString(), head.headers().firstValue("Docker-Content-Digest").orElse(null));
    }
    // an index over it, pushed by digest
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
        + "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" + Digest.of(body)
        + "\",\"size\":" + body.length + "}]}";
    byte[] ib = index.getBytes(StandardCharsets.UTF_8);
    assertEquals(201, c.put("/v2/img/manifests/" + Digest.of(ib), "application/vnd.oci.image.index.v1+json", ib).statusCode());
    HttpResponse<byte[]> wrongDigest = c.put("/v2/img/manifests/" + Digest.of(body), "application/vnd.oci.image.index.v1+json", ib);
    assertEquals("DIGEST_INVALID", errorCode(wrongDigest));
  }

  @Test
  void manifestReferencingMissingBlobIsManifestBlobUnknown() {
    Digest cd = c.pushBlob("missing", "{}".getBytes(StandardCharsets.UTF_8));
    Digest absent = Digest.of("never pushed".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = c.pushManifest("missing", "t", imageManifest(cd, 2, absent, 12, ""));
    assertEquals(400, r.statusCode());
    assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(r));
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
        + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + absent + "\",\"size\":1}]}";
    HttpResponse<byte[]> ri = c.put("/v2/missing/manifests/idx", "application/vnd.oci.image.index.v1+json",
        index.getBytes(StandardCharsets.UTF_8));
    assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(ri));
    HttpResponse<byte[]> bad = c.put("/v2/missing/manifests/t", "application/vnd.oci.image.manifest.v1+json",
        "{not json".getBytes(StandardCharsets.UTF_8));
    assertEquals("MANIFEST_INVALID", errorCode(bad));
  }

  @Test
  void tagsArePagedInLexicalOrderWithLink() {
    byte[] cfg = "{\"c\":1}".getBytes(StandardCharsets.UTF_8);
    Digest cd = c.pushBlob("paged", cfg);
    Digest ld = c.pushBlob("paged", random(10, 6));
    String m = imageManifest(cd, cfg.length, ld, 10, "");
    for (String t : new String[] {"b", "a", "c", "B", "d10", "d9"}) {
      assertEquals(201, c.pushManifest("paged", t, m).statusCode());
    }
    HttpResponse<byte[]> all = c.get("/v2/paged/tags/list");
    assertEquals("{\"name\":\"paged\",\"tags\":[\"B\",\"a\",\"b\",\"c\",\"d10\",\"d9\"]}", text(all));
    HttpResponse<byte[]> p1 = c.get("/v2/paged/tags/list?n=2");
    assertEquals("{\"name\":\"paged\",\"tags\":[\"B\",\"a\"]}", text(p1));
    String link = p1.headers().firstValue("Link").orElseThrow();
    assertEquals("</v2/paged/tags/list?n=2&last=a>; rel=\"next\"", link);
    HttpResponse<byte[]> p2 = c.get(link.substring(1, link.indexOf('>')));
    assertEquals("{\"name\":\"paged\",\"tags\":[\"b\",\"c\"]}", text(p2));
    HttpResponse<byte[]> p3 = c.get("/v2/paged/tags/list?n=2&last=c");
    assertEquals("{\"name\":\"paged\",\"tags\":[\"d10\",\"d9\"]}", text(p3));
    assertTrue(p3.headers().firstValue("Link").isEmpty());
    assertEquals(400, c.get("/v2/paged/tags/list?n=-1").statusCode());
  }

  @Test
  void referrersAreListedAndFilteredByArtifactType() {
    byte[] cfg = "{\"c\":2}".getBytes(StandardCharsets.UTF_8);
    Digest cd = c.pushBlob("refs", cfg);
    Digest ld = c.pushBlob("refs", random(10, 7));
    String subjectJson = imageManifest(cd, cfg.length, ld, 10, "");
    HttpResponse<byte[]> subject = c.pushManifest("refs", "v1", subjectJson);
    String sd = subject.headers().firstValue("Docker-Content-Digest").orElseThrow();
    Digest empty = c.pushBlob("refs", "{}".getBytes(StandardCharsets.UTF_8));
    String subjectRef = ",\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + sd
        + "\",\"size\":" + subjectJson.length() + "}";
    String sig = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.example.sig\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
        + "\"digest\":\"" + empty + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
        + "\"digest\":\"" + empty + "\",\"size\":2}],\"annotations\":{\"k\":\"v\"}" + subjectRef + "}";
    String sbom = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.example.sbom\",\"digest\":\"" + empty + "\",\"size\":2},"
        + "\"layers\":[]" + subjectRef + "}";
    HttpResponse<byte[]> ps = c.pushManifest("refs", Digest.of(sig.getBytes(StandardCharsets.UTF_8)).toString(), sig);
    assertEquals(201, ps.statusCode(), text(ps));
    assertEquals(sd, ps.headers().firstValue("OCI-Subject").orElse(null));
    assertEquals(201, c.pushManifest("refs", Digest.of(sbom.getBytes(StandardCharsets.UTF_8)).toString(), sbom).statusCode());

    HttpResponse<byte[]> all = c.get("/v2/refs/referrers/" + sd);
    assertEquals(200, all.statusCode());
    assertEquals("application/vnd.oci.image.index.v1+json", all.headers().firstValue("Content-Type").orElse(null));
    assertTrue(text(all).contains("application/vnd.example.sig") && text(all).contains("application/vnd.example.sbom"), text(all));
    assertTrue(text(all).contains("\"annotations\":{\"k\":\"v\"}"), text(all));
    HttpResponse<byte[]> filtered = c.get("/v2/refs/referrers/" + sd + "?artifactType=application/vnd.example.sbom");
    assertEquals("artifactType", filtered.headers().firstValue("OCI-Filters-Applied").orElse(null));
    assertTrue(text(filtered).contains("application/vnd.example.sbom") && !text(filtered).contains("example.sig"), text(filtered));
    HttpResponse<byte[]> none = c.get("/v2/refs/referrers/" + Digest.of(new byte[] {9}));
    assertEquals(200, none.statusCode());
    assertTrue(text(none).contains("\"manifests\":[]"), text(none));
    // deleting a referrer removes it from the list
    assertEquals(202, c.delete("/v2/refs/manifests/" + Digest.of(sig.getBytes(StandardCharsets.UTF_8))).statusCode());
    assertFalse(text(c.get("/v2/refs/referrers/" + sd)).contains("example.sig"));
  }

  @Test
  void deleteByTagAndByDigest() {
    byte[] cfg = "{\"c\":3}".getBytes(StandardCharsets.UTF_8);
    Digest cd = c.pushBlob("del", cfg);
    Digest ld = c.pushBlob("del", random(10, 8));
    String m = imageManifest(cd, cfg.length, ld, 10, "");
    String digest = c.pushManifest("del", "one", m).headers().firstValue("Docker-Content-Digest").orElseThrow();
    c.pushManifest("del", "two", m);
    assertEquals(202, c.delete("/v2/del/manifests/one").statusCode());
    assertEquals(404, c.get("/v2/del/manifests/one").statusCode());
    assertEquals(200, c.get("/v2/del/manifests/two").statusCode());
    assertEquals(202, c.delete("/v2/del/manifests/" + digest).statusCode());
    assertEquals(404, c.get("/v2/del/manifests/two").statusCode(), "deleting by digest removes its tags");
    assertEquals(404, c.get("/v2/del/manifests/" + digest).statusCode());
    HttpResponse<byte[]> again = c.delete("/v2/del/manifests/" + digest);
    assertEquals(404, again.statusCode());
    assertEquals("MANIFEST_UNKNOWN", errorCode(again));
    assertEquals(202, c.delete("/v2/del/blobs/" + ld).statusCode());
    assertEquals(404, c.get("/v2/del/blobs/" + ld).statusCode());
  }

  @Test
  void crossRepositoryMount() {
    byte[] blob = random(4000, 9);
    Digest d = c.pushBlob("src/repo", blob);
    HttpResponse<byte[]> r = c.post("/v2/dst/repo/blobs/uploads/?mount=" + d + "&from=src/repo", new byte[0]);
    assertEquals(201, r.statusCode());
    assertEquals("/v2/dst/repo/blobs/" + d, r.headers().firstValue("Location").orElse(null));
    assertArrayEquals(blob, c.get("/v2/dst/repo/blobs/" + d).body());
    // not in the source repository: falls back to an upload
    Digest other = Digest.of("elsewhere".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> f = c.post("/v2/dst/repo/blobs/uploads/?mount=" + other + "&from=src/repo", new byte[0]);
    assertEquals(202, f.statusCode());
    assertTrue(f.headers().firstValue("Location").orElseThrow().startsWith("/v2/dst/repo/blobs/uploads/"));
  }

  @Test
  void invalidNamesAreNameInvalid() {
    for (String name : new String[] {"a/../b", "UPPER", "a//b", "-a", "a_", "x".repeat(256), "a%2fb"}) {
      HttpResponse<byte[]> r = c.get("/v2/" + name + "/tags/list");
      assertEquals(400, r.statusCode(), name);
      assertEquals("NAME_INVALID", errorCode(r), name);
    }
    assertEquals(404, c.get("/v2/" + "a".repeat(255) + "/tags/list").statusCode(), "255 characters are allowed");
    assertEquals(404, c.get("/v2/a__b/c.d-e---f/tags/list").statusCode());
  }

  @Test
  void oversizeManifestIs413() {
    byte[] big = new byte[4 * 1024 * 1024 + 1];
    Arrays.fill(big, (byte) ' ');
    HttpResponse<byte[]> r = c.put("/v2/big/manifests/t", "application/vnd.oci.image.manifest.v1+json", big);
    assertEquals(413, r.statusCode());
    assertEquals(200, c.get("/v2/").statusCode(), "server still answers");
  }

  @Test
  void bodyDisagreeingWithContentRangeIsRefusedAndRolledBack() {
    String loc = c.post("/v2/ranges/blobs/uploads/", new byte[0]).headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> shorter = c.patch(loc, "0-99", new byte[50]);
    assertEquals(400, shorter.statusCode());
    assertEquals("SIZE_INVALID", errorCode(shorter));
    HttpResponse<byte[]> longer = c.patch(loc, "0-9", new byte[50]);
    assertEquals(400, longer.statusCode());
    assertEquals("0-0", c.get(loc).headers().firstValue("Range").orElse(null), "nothing was kept");
    assertEquals(202, c.patch(loc, "0-9", new byte[10]).statusCode());
    assertEquals("0-9", c.get(loc).headers().firstValue("Range").orElse(null));
    assertEquals(204, c.delete(loc).statusCode());
    assertEquals(404, c.get(loc).statusCode());
  }

  @Test
  void rangeRequestsAre206And416() {
    byte[] blob = random(1000, 10);
    Digest d = c.pushBlob("range", blob);
    String path = "/v2/range/blobs/" + d;
    HttpResponse<byte[]> a = c.send(c.req(path).header("Range", "bytes=10-19").GET().build());
    assertEquals(206, a.statusCode());
    assertArrayEquals(Arrays.copyOfRange(blob, 10, 20), a.body());
    assertEquals("bytes 10-19/1000", a.headers().firstValue("Content-Range").orElse(null));
    HttpResponse<byte[]> open = c.send(c.req(path).header("Range", "bytes=990-").GET().build());
    assertArrayEquals(Arrays.copyOfRange(blob, 990, 1000), open.body());
    HttpResponse<byte[]> suffix = c.send(c.req(path).header("Range", "bytes=-5").GET().build());
    assertEquals(206, suffix.statusCode());
    assertArrayEquals(Arrays.copyOfRange(blob, 995, 1000), suffix.body());
    HttpResponse<byte[]> beyond = c.send(c.req(path).header("Range", "bytes=1000-").GET().build());
    assertEquals(416, beyond.statusCode());
    assertEquals("bytes */1000", beyond.headers().firstValue("Content-Range").orElse(null));
  }

  @Test
  void bodyLongerThanContentLengthIsCutAtContentLengthAndFailsItsDigest() throws Exception {
    byte[] blob = random(20, 11);
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      java.io.OutputStream out = s.getOutputStream();
      out.write(("POST /v2/longer/blobs/uploads/?digest=" + Digest.of(blob) + " HTTP/1.1\r\nHost: x\r\n"
          + "Content-Length: 10\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(blob);
      out.flush();
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertEquals("HTTP/1.1 400 Bad Request", status);
    }
    assertEquals(404, c.head("/v2/longer/blobs/" + Digest.of(blob)).statusCode());
    assertEquals(404, c.head("/v2/longer/blobs/" + Digest.of(Arrays.copyOf(blob, 10))).statusCode());
  }

  @Test
  void tooManyUploadsIs429() {
    RegistryConfig cfg = RegistryConfig.of(root.resolve("limited")).withAddress("127.0.0.1", 0).withLimits(2, 1 << 20, 10);
    try (RegistryServer limited = RegistryServer.start(cfg)) {
      RegistryClient lc = new RegistryClient(limited.port());
      assertEquals(202, lc.post("/v2/l/blobs/uploads/", new byte[0]).statusCode());
      assertEquals(202, lc.post("/v2/l/blobs/uploads/", new byte[0]).statusCode());
      HttpResponse<byte[]> third = lc.post("/v2/l/blobs/uploads/", new byte[0]);
      assertEquals(429, third.statusCode());
      assertEquals("TOO_MANY_REQUESTS", errorCode(third));
    }
  }
}
