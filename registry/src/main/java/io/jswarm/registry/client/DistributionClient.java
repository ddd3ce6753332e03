package io.jswarm.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.manifest.MediaTypes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import java.util.function.Supplier;

/**
 * An OCI Distribution v1.1 client on {@code java.net.http}: manifests (OCI and Docker, indexes
 * resolved to one platform), blobs streamed through digest verification, blob push (monolithic,
 * or chunked PATCHes when a chunk size is set) and manifest push.
 *
 * <p>Scheme: each registry is probed once with {@code GET https://HOST/v2/}. Only registries
 * listed as insecure ({@link #setInsecureRegistries}; loopback always) fall back to plain HTTP
 * when that fails, as Docker does; for any other a TLS or certificate failure is the error.
 *
 * <p>Logins: Basic credentials (fixed, or per registry) are sent as they are to registries that
 * take Basic. When the registry answers with a Bearer challenge (Docker's token flow), the client
 * gets a token for each request's scope from the challenge's realm, sending the Basic credentials
 * there, and caches it per registry and scope. With an {@link SSLContext} holding a client
 * certificate, the certificate authenticates too (the swarm's nodes).
 */
public final class DistributionClient {
  public static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
      MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MANIFEST = 4 << 20;

  /** Basic-auth credentials. */
  public record Credentials(String username, String password) {}

  /** A manifest as served: its digest (verified), media type and exact bytes. */
  public record Manifest(Digest digest, String mediaType, byte[] bytes) {
    public JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new RegistryClientException(0, "MANIFEST_INVALID", "manifest " + digest + " is not JSON");
      }
    }
  }

  /** What a reference resolved to: the manifest the tag points at, and the image manifest picked from it. */
  public record Resolved(Manifest top, Manifest image) {}

  private volatile HttpClient http;
  private final Credentials credentials;
  private final long chunkSize;
  private final Map<String, String> schemes = new ConcurrentHashMap<>();
  private final BearerTokens bearer;
  private volatile Predicate<String> insecure = InsecureRegistries.loopback();
  private volatile java.util.function.Function<String, java.util.List<String>> mirrors = r -> java.util.List.of();

  /**
   * Registries that serve the same content as a given one (the other managers of a cluster, whose
   * built-in registries share blobs and metadata). Reads (GET/HEAD) that cannot reach a registry
   * are tried on its mirrors in order; writes never are.
   */
  public void setMirrors(java.util.function.Function<String, java.util.List<String>> mirrors) {
    this.mirrors = mirrors == null ? r -> java.util.List.of() : mirrors;
  }

  private volatile java.util.function.Function<String, Credentials> credentialsFor = r -> null;

  /**
   * Credentials per registry (HOST:PORT), for a client without fixed ones: a node logs in to its
   * cluster's registries only, never sending that login anywhere else. Null answers: no login.
   */
  public void setCredentialsFor(java.util.function.Function<String, Credentials> credentialsFor) {
    this.credentialsFor = credentialsFor == null ? r -> null : credentialsFor;
  }

  public DistributionClient() {
    this(null, 0);
  }

  /**
   * @param credentials basic auth sent with every request, or null
   * @param chunkSize upload blobs larger than this in PATCH chunks of this size; 0 = one PUT
   */
  public DistributionClient(Credentials credentials, long chunkSize) {
    this(credentials, chunkSize, null);
  }

  /**
   * @param credentials basic auth (sent to registries and to their token realms), or null
   * @param chunkSize upload blobs larger than this in PATCH chunks of this size; 0 = one PUT
   * @param tls the TLS context: trusted roots and optionally a client certificate (a node's, see
   *     {@code SwarmTls.clientContext()}); null for the JVM's default trust store
   */
  public DistributionClient(Credentials credentials, long chunkSize, SSLContext tls) {
    this.http = httpClient(tls);
    this.credentials = credentials;
    this.chunkSize = chunkSize;
    this.bearer = new BearerTokens(http);
  }

  private static HttpClient httpClient(SSLContext tls) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (tls != null) {
      b.sslContext(tls);
    }
    return b.build();
  }

  /**
   * Replaces the TLS context (a client that exists before the node has its certificate: the
   * engine's); later requests use it, and every registry is probed again and asked for new tokens.
   */
  public void setTls(SSLContext tls) {
    HttpClient h = httpClient(tls);
    this.http = h;
    bearer.reset(h);
    schemes.clear();
  }

  /**
   * Registries ({@code HOST:PORT}, or {@code HOST} for any port) that may be spoken to in plain
   * HTTP when HTTPS fails there, Docker's {@code --insecure-registry}; loopback always may. Others
   * are HTTPS only.
   */
  public void setInsecureRegistries(java.util.Collection<String> registries) {
    setInsecure(InsecureRegistries.of(registries));
  }

  /** Tests: any policy, loopback included or not. */
  void setInsecure(Predicate<String> policy) {
    this.insecure = policy;
    schemes.clear();
  }

  /** True when the registry asked this client for Bearer tokens (Docker's token flow). */
  boolean usesTokens(String registry) {
    return bearer.uses(registry);
  }

  // ------------------------------------------------------------------ pull

  /** Fetches the manifest a reference names; when pinned by digest, its bytes must match it. */
  public Manifest manifest(ImageReference ref) {
    HttpResponse<byte[]> r = send(ref.registry(), request(ref.registry(),
        "/v2/" + ref.repository() + "/manifests/" + ref.manifestReference()).header("Accept", ACCEPT_MANIFESTS).GET(),
        HttpResponse.BodyHandlers.ofByteArray());
    check(r, "manifest " + ref);
    byte[] body = r.body();
    if (body.length > MAX_MANIFEST) {
      throw new RegistryClientException(0, "MANIFEST_INVALID", "manifest " + ref + " is larger than 4 MiB");
    }
    Digest d = Digest.of(body);
    if (ref.digest() != null && !ref.digest().equals(d)) {
      throw new RegistryClientException(0, "DIGEST_INVALID", "manifest " + ref + " does not match its digest (got " + d + ")");
    }
    String type = MediaTypes.bare(r.headers().firstValue("Content-Type").orElse(""));
    if (type.isEmpty() || type.equals("application/json")) {
      type = mediaTypeOf(body);
    }
    return new Manifest(d, type, body);
  }

  /** The manifest digest a reference points at now (what a service pins). */
  public Digest resolveDigest(ImageReference ref) {
    return manifest(ref).digest();
  }

  /** Resolves a reference to an image manifest, picking {@code os/arch} from an index or manifest list. */
  public Resolved resolve(ImageReference ref, String os, String arch) {
    Manifest top = manifest(ref);
    if (!MediaTypes.isIndex(top.mediaType())) {
      return new Resolved(top, top);
    }
    for (JsonNode m : top.json().path("manifests")) {
      JsonNode p = m.path("platform");
      if (p.path("os").asText().equals(os) && p.path("architecture").asText().equals(arch)) {
        Manifest image = manifest(ref.withDigest(Digest.parse(m.path("digest").asText())));
        return new Resolved(top, image);
      }
    }
    throw new RegistryClientException(404, "MANIFEST_UNKNOWN", "image " + ref + " has no manifest for " + os + "/" + arch);
  }

  /** Opens a blob; the stream fails at its end (or earlier) when the bytes do not match. */
  public InputStream blob(ImageReference repo, Digest digest, long size) {
    HttpResponse<InputStream> r = send(repo.registry(), request(repo.registry(),
        "/v2/" + repo.repository() + "/blobs/" + digest).GET(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      try (InputStream in = r.body()) {
        byte[] b = in.readNBytes(64 << 10);
        throw error(r.statusCode(), b, "blob " + digest + " of " + repo.name());
      } catch (IOException e) {
        throw new RegistryClientException("reading error of blob " + digest + ": " + e.getMessage(), e);
      }
    }
    return new VerifyingInputStream(r.body(), digest, size);
  }

  /** A small blob (an image config) read whole and verified. */
  public byte[] blobBytes(ImageReference repo, Digest digest, long size) {
    try (InputStream in = blob(repo, digest, size)) {
      byte[] b = in.readAllBytes();
      return b;
    } catch (IOException e) {
      throw new RegistryClientException("blob " + digest + ": " + e.getMessage(), e);
    }
  }

  public boolean blobExists(ImageReference repo, Digest digest) {
    HttpResponse<Void> r = send(repo.registry(), request(repo.registry(),
        "/v2/" + repo.repository() + "/blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()),
        HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 200) {
      return true;
    }
    if (r.statusCode() == 404) {
      return false;
    }
    throw error(r.statusCode(), new byte[0], "blob " + digest + " of " + repo.name());
  }

  // ------------------------------------------------------------------ push

  /**
   * Uploads a blob unless the repository has it; returns false when it was already there.
   *
   * @param content opens the blob's bytes (called once per attempt)
   * @param progress told the number of bytes sent so far
   */
  public boolean pushBlob(ImageReference repo, Digest digest, long size, Supplier<InputStream> content,
      LongConsumer progress) {
    if (blobExists(repo, digest)) {
      progress.accept(size);
      return false;
    }
    String registry = repo.registry();
    HttpResponse<byte[]> start = send(registry, request(registry, "/v2/" + repo.repository() + "/blobs/uploads/")
        .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
    check(start, "upload to " + repo.name());
    URI location = location(registry, start);
    if (chunkSize > 0 && size > chunkSize) {
      location = pushChunks(registry, location, size, content, progress);
      HttpResponse<byte[]> done = send(registry, HttpRequest.newBuilder(withDigest(location, digest))
          .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
      check(done, "blob " + digest);
      return true;
    }
    Counting counted = new Counting(content.get(), progress);
    HttpResponse<byte[]> put = send(registry, HttpRequest.newBuilder(withDigest(location, digest))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> counted), size)),
        HttpResponse.BodyHandlers.ofByteArray(), false);
    check(put, "blob " + digest);
    return true;
  }

  private URI pushChunks(String registry, URI location, long size, Supplier<InputStream> content,
      LongConsumer progress) {
    try (InputStream in = content.get()) {
      long offset = 0;
      while (offset < size) {
        int n = (int) Math.min(chunkSize, size - offset);
        byte[] chunk = in.readNBytes(n);
        if (chunk.length != n) {
          throw new RegistryClientException("blob content ended at " + (offset + chunk.length) + " of " + size, null);
        }
        HttpResponse<byte[]> r = send(registry, HttpRequest.newBuilder(location)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", offset + "-" + (offset + n - 1))
            .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)), HttpResponse.BodyHandlers.ofByteArray());
        check(r, "upload chunk at " + offset);
        location = location(registry, r);
        offset += n;
        progress.accept(offset);
      }
      return location;
    } catch (IOException e) {
      throw new RegistryClientException("reading the blob to push: " + e.getMessage(), e);
    }
  }

  /** Pushes a manifest under the reference's tag (or digest); returns its digest. */
  public Digest pushManifest(ImageReference ref, String mediaType, byte[] bytes) {
    HttpResponse<byte[]> r = send(ref.registry(), request(ref.registry(),
        "/v2/" + ref.repository() + "/manifests/" + ref.manifestReference())
        .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        HttpResponse.BodyHandlers.ofByteArray());
    check(r, "manifest " + ref);
    return Digest.of(bytes);
  }

  // ------------------------------------------------------------------ plumbing

  private HttpRequest.Builder request(String registry, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(registry) + path)).timeout(Duration.ofMinutes(30));
    return b;
  }

  private String base(String registry) {
    if (registry == null) {
      throw new IllegalArgumentException("the image reference names no registry (REGISTRY/REPO[:TAG])");
    }
    try {
      return schemes.computeIfAbsent(registry, this::probe) + "://" + registry;
    } catch (RegistryClientException unreachable) {
      for (String m : mirrors.apply(registry)) {
        try {
          return schemes.computeIfAbsent(m, this::probe) + "://" + m;
        } catch (RegistryClientException e) {
          unreachable.addSuppressed(e);
        }
      }
      throw unreachable;
    }
  }

  private String probe(String registry) {
    IOException https;
    try {
      bearer.learn(registry, http.send(HttpRequest.newBuilder(URI.create("https://" + registry + "/v2/"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()));
      return "https";
    } catch (IOException e) {
      https = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryClientException("interrupted", e);
    }
    boolean tls = https instanceof javax.net.ssl.SSLException || https.getCause() instanceof javax.net.ssl.SSLException
        || String.valueOf(https.getMessage()).contains("SSL");
    if (!insecure.test(registry)) {
      throw new RegistryClientException("cannot reach registry " + registry + " over HTTPS: " + https
          + (tls ? " (a TLS or certificate failure; plain HTTP is tried only for registries listed as insecure)" : ""),
          https);
    }
    // an insecure registry: Docker tries plain HTTP after any HTTPS failure
    try {
      bearer.learn(registry, http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/"))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding()));
      return "http";
    } catch (IOException e) {
      e.addSuppressed(https);
      throw new RegistryClientException("cannot reach registry " + registry + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryClientException("interrupted", e);
    }
  }

  private <T> HttpResponse<T> send(String registry, HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
    return send(registry, b, handler, true);
  }

  /**
   * Sends with this registry's login; GET/HEAD that cannot reach it go to its mirrors.
   *
   * @param replayable the body can be sent again (so a 401 asking for a new token is retried once)
   */
  private <T> HttpResponse<T> send(String registry, HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler,
      boolean replayable) {
    try {
      return exchange(registry, b, handler, replayable);
    } catch (IOException e) {
      HttpRequest failed = b.build();
      if (failed.method().equals("GET") || failed.method().equals("HEAD")) {
        for (String m : mirrors.apply(registry)) {
          try {
            URI u = failed.uri();
            String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            return exchange(m, b.uri(URI.create(base(m) + path)), handler, true);
          } catch (IOException | RegistryClientException other) {
            e.addSuppressed(other);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new RegistryClientException("interrupted", ie);
          }
        }
      }
      throw new RegistryClientException("registry " + registry + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryClientException("interrupted", e);
    }
  }

  /** One request to one registry: its login set, and once more with a new token after a Bearer 401. */
  private <T> HttpResponse<T> exchange(String registry, HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler,
      boolean replayable) throws IOException, InterruptedException {
    HttpRequest req = authorize(registry, b, null, false).build();
    HttpResponse<T> r = http.send(req, handler);
    if (r.statusCode() != 401 || !bearer.learn(registry, r) || !replayable) {
      return r;
    }
    discard(r);
    String wanted = bearer.challengedScope(registry);
    return http.send(authorize(registry, b, wanted, true).build(), handler);
  }

  /**
   * Sets the Authorization header: a Bearer token for the request's scope when the registry asked
   * for tokens, else Basic credentials when there are any.
   */
  private HttpRequest.Builder authorize(String registry, HttpRequest.Builder b, String scope, boolean fresh)
      throws IOException, InterruptedException {
    Credentials login = credentials != null ? credentials : credentialsFor.apply(registry);
    String basic = login == null ? null : BearerTokens.basic(login);
    if (bearer.uses(registry)) {
      HttpRequest peek = b.build();
      String s = scope != null ? scope : BearerTokens.scopeOf(peek.method(), peek.uri());
      // a per-registry login (the node's) goes only to a realm on that registry, and never in plain
      // HTTP to a registry not listed as insecure
      boolean keep = credentials == null && bearer.realmElsewhere(registry)
          || bearer.realmInsecure(registry) && !insecure.test(registry);
      String token = bearer.token(registry, s, keep ? null : basic, fresh);
      if (token != null) {
        return b.setHeader("Authorization", "Bearer " + token);
      }
    }
    if (basic != null) {
      b.setHeader("Authorization", basic);
    }
    return b;
  }

  private static void discard(HttpResponse<?> r) {
    if (r.body() instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the response is dropped
      }
    }
  }

  private URI location(String registry, HttpResponse<?> r) {
    String loc = r.headers().firstValue("Location").orElseThrow(() ->
        new RegistryClientException(r.statusCode(), "", "registry " + registry + " sent no upload Location"));
    return URI.create(base(registry) + "/").resolve(loc);
  }

  private static URI withDigest(URI location, Digest d) {
    String s = location.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(d.toString(), StandardCharsets.UTF_8));
  }

  private static void check(HttpResponse<byte[]> r, String what) {
    if (r.statusCode() / 100 != 2) {
      throw error(r.statusCode(), r.body(), what);
    }
  }

  private static RegistryClientException error(int status, byte[] body, String what) {
    String code = "";
    String msg = "";
    try {
      JsonNode e = JSON.readTree(body).path("errors").path(0);
      code = e.path("code").asText("");
      msg = e.path("message").asText("");
    } catch (IOException | RuntimeException ignored) {
      // not a spec error body
    }
    String hint = status == 401 ? " (authentication required: give --username/--password)"
        : status == 403 ? " (this login may not do that)" : "";
    return new RegistryClientException(status, code, what + ": HTTP " + status
        + (code.isEmpty() ? "" : " " + code) + (msg.isEmpty() ? "" : " " + msg) + hint);
  }

  private static String mediaTypeOf(byte[] body) {
    try {
      return JSON.readTree(body).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
    } catch (IOException e) {
      return MediaTypes.OCI_MANIFEST;
    }
  }

  /** Reports bytes read to a progress callback. */
  private static final class Counting extends FilterInputStream {
    private final LongConsumer progress;
    private long count;

    Counting(InputStream in, LongConsumer progress) {
      super(in);
      this.progress = progress;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        progress.accept(count);
      }
      return n;
    }
  }
}
