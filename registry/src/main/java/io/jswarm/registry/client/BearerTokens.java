package io.jswarm.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client half of Docker's token flow: remembers each registry's Bearer challenge, fetches a
 * token for a scope from its realm (with Basic credentials when there are any, and the client
 * certificate of the TLS context) and caches it per registry and scope until shortly before it
 * expires.
 */
final class BearerTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REPO_PATH = Pattern.compile("/v2/(.+)/(?:manifests|blobs|tags|referrers)(?:/.*)?");
  /** Renew this long before the token's end, so a request never leaves with one about to expire. */
  private static final Duration MARGIN = Duration.ofSeconds(15);

  private record Cached(String token, Instant renewAt) {}

  private volatile HttpClient http;
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Cached> tokens = new ConcurrentHashMap<>();

  BearerTokens(HttpClient http) {
    this.http = http;
  }

  /** A new HTTP client (new TLS context): what was learnt and fetched with the old one is forgotten. */
  void reset(HttpClient http) {
    this.http = http;
    challenges.clear();
    tokens.clear();
  }

  /** Records what a registry answered; true when it was a Bearer challenge. */
  boolean learn(String registry, HttpResponse<?> r) {
    if (r.statusCode() != 401) {
      return false;
    }
    Challenge c = Challenge.bearer(r.headers().allValues("WWW-Authenticate"));
    if (c == null) {
      return false;
    }
    challenges.put(registry, c);
    return true;
  }

  /** True when the registry asked for Bearer tokens. */
  boolean uses(String registry) {
    return challenges.containsKey(registry);
  }

  /** The scope a request needs: pull for reads, pull+push for writes; null for the base endpoint. */
  static String scopeOf(String method, URI uri) {
    Matcher m = REPO_PATH.matcher(uri.getRawPath());
    if (!m.matches()) {
      return null;
    }
    String action = switch (method) {
      case "GET", "HEAD" -> "pull";
      case "DELETE" -> "delete";
      default -> "pull,push";
    };
    return "repository:" + m.group(1) + ":" + action;
  }

  /**
   * A token for {@code scope} at {@code registry} (cached, or fetched now).
   *
   * @param basic the Authorization header to send to the realm, or null for an anonymous token
   * @param fresh ignore the cache (the registry refused the cached token)
   */
  String token(String registry, String scope, String basic, boolean fresh) throws IOException, InterruptedException {
    Challenge c = challenges.get(registry);
    if (c == null) {
      return null;
    }
    String key = registry + " " + scope;
    Cached cached = tokens.get(key);
    if (!fresh && cached != null && Instant.now().isBefore(cached.renewAt())) {
      return cached.token();
    }
    StringBuilder url = new StringBuilder(c.realm()).append(c.realm().contains("?") ? '&' : '?');
    url.append("service=").append(URLEncoder.encode(c.service() == null ? "" : c.service(), StandardCharsets.UTF_8));
    if (scope != null) {
      url.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30)).GET();
    if (basic != null) {
      b.header("Authorization", basic);
    }
    HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new RegistryClientException(r.statusCode(), r.statusCode() == 401 ? "UNAUTHORIZED" : "",
          "token endpoint " + c.realm() + " of " + registry + " answered HTTP " + r.statusCode()
              + (r.statusCode() == 401 ? " (wrong or missing user name and password)" : ""));
    }
    JsonNode o = JSON.readTree(r.body());
    String token = o.path("token").asText(o.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new RegistryClientException(0, "", "token endpoint " + c.realm() + " of " + registry + " sent no token");
    }
    long expiresIn = o.path("expires_in").asLong(60); // the spec's default when absent
    Instant renewAt = Instant.now().plusSeconds(expiresIn).minus(MARGIN);
    tokens.put(key, new Cached(token, renewAt));
    return token;
  }

  /** The realm's authority differs from the registry's: credentials meant for one registry stay with it. */
  boolean realmElsewhere(String registry) {
    Challenge c = challenges.get(registry);
    if (c == null) {
      return false;
    }
    try {
      return !registry.equalsIgnoreCase(URI.create(c.realm()).getRawAuthority());
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  /** The realm is plain HTTP. */
  boolean realmInsecure(String registry) {
    Challenge c = challenges.get(registry);
    return c != null && c.realm().regionMatches(true, 0, "http:", 0, 5);
  }

  static String basic(DistributionClient.Credentials login) {
    return "Basic " + Base64.getEncoder().encodeToString(
        (login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }

  /** The challenge's scope, when the registry named the one it wants (insufficient_scope). */
  String challengedScope(String registry) {
    Challenge c = challenges.get(registry);
    return c == null ? null : c.scope();
  }
}
