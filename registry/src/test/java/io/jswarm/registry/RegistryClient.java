package io.jswarm.registry;

import io.jswarm.registry.core.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny test client for the registry's HTTP API (java.net.http). */
final class RegistryClient {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;

  RegistryClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpRequest.Builder req(String path) {
    return HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path)).timeout(Duration.ofSeconds(20));
  }

  HttpResponse<byte[]> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<byte[]> get(String path) {
    return send(req(path).GET().build());
  }

  HttpResponse<byte[]> head(String path) {
    return send(req(path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  HttpResponse<byte[]> delete(String path) {
    return send(req(path).DELETE().build());
  }

  HttpResponse<byte[]> post(String path, byte[] body) {
    return send(req(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  HttpResponse<byte[]> put(String path, String contentType, byte[] body) {
    HttpRequest.Builder b = req(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.build());
  }

  HttpResponse<byte[]> patch(String path, String contentRange, byte[] body) {
    HttpRequest.Builder b = req(path).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/octet-stream");
    if (contentRange != null) {
      b.header("Content-Range", contentRange);
    }
    return send(b.build());
  }

  /** Monolithic push; returns the digest. */
  Digest pushBlob(String repo, byte[] content) {
    Digest d = Digest.of(content);
    HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/?digest=" + d, content);
    if (r.statusCode() != 201) {
      throw new AssertionError("push blob: " + r.statusCode() + " " + text(r));
    }
    return d;
  }

  /** Pushes an OCI image manifest with the given config and layers; returns the response. */
  HttpResponse<byte[]> pushManifest(String repo, String ref, String json) {
    return put("/v2/" + repo + "/manifests/" + ref, "application/vnd.oci.image.manifest.v1+json",
        json.getBytes(StandardCharsets.UTF_8));
  }

  static String imageManifest(Digest config, long configSize, Digest layer, long layerSize, String extra) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
        + "\",\"size\":" + configSize + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer
        + "\",\"size\":" + layerSize + "}]" + extra + "}";
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  static String errorCode(HttpResponse<byte[]> r) {
    String t = text(r);
    int i = t.indexOf("\"code\":\"");
    return i < 0 ? "<none: " + t + ">" : t.substring(i + 8, t.indexOf('"', i + 8));
  }
}
