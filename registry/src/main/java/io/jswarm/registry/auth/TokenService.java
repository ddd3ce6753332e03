package io.jswarm.registry.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Issues and checks the Bearer tokens of Docker's token flow: HS256 JWTs (nimbus-jose-jwt) whose
 * {@code access} claim lists the granted scopes, Docker distribution's format:
 * {@code [{"type":"repository","name":"team/app","actions":["pull","push"]}]}. Only the registry
 * that issues a token (or one given the same key) reads it, so a shared secret (HMAC) is enough;
 * no public key has to be published.
 */
public final class TokenService {
  /** The {@code service} of the challenge, and the tokens' audience. */
  public static final String SERVICE = "jswarm-registry";
  private static final String ISSUER = "jswarm-registry";
  /** Accepted difference between issuer and verifier clocks (several managers may share a key). */
  private static final Duration SKEW = Duration.ofSeconds(30);

  private final byte[] key;
  private final Duration lifetime;
  private final Clock clock;
  private final MACSigner signer;
  private final MACVerifier verifier;

  /** A token issued: the JWT and when it stops being accepted. */
  public record Issued(String token, Instant issuedAt, Duration expiresIn) {}

  /**
   * @param key the HMAC key, at least 32 bytes; managers that should accept each other's tokens share it
   * @param lifetime how long a token is accepted
   */
  public TokenService(byte[] key, Duration lifetime, Clock clock) {
    if (key == null || key.length < 32) {
      throw new IllegalArgumentException("the token key must have at least 256 bits");
    }
    this.key = key.clone();
    this.lifetime = lifetime;
    this.clock = clock;
    try {
      this.signer = new MACSigner(this.key);
      this.verifier = new MACVerifier(this.key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("token key: " + e.getMessage(), e);
    }
  }

  /** A service with a fresh random key: tokens are accepted by this process only, until it stops. */
  public static TokenService withRandomKey(Duration lifetime) {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new TokenService(k, lifetime, Clock.systemUTC());
  }

  /** A token for {@code subject} granting what each scope names (already cut to what the subject may do). */
  public Issued issue(String subject, List<Scope> granted) {
    Instant now = clock.instant();
    List<Object> access = new ArrayList<>();
    for (Scope s : merge(granted)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("type", "repository");
      entry.put("name", s.repository());
      entry.put("actions", s.actions().stream().sorted().map(Action::scopeName).toList());
      access.add(entry);
    }
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(subject)
        .audience(SERVICE)
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now.minus(SKEW)))
        .expirationTime(Date.from(now.plus(lifetime)))
        .jwtID(UUID.randomUUID().toString())
        .claim("access", access)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token: " + e.getMessage(), e);
    }
    return new Issued(jwt.serialize(), now, lifetime);
  }

  /** The principal a token stands for, or null when it is not one of ours, tampered with or expired. */
  public Principal verify(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return null;
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      Instant now = clock.instant();
      if (c.getExpirationTime() == null || !now.isBefore(c.getExpirationTime().toInstant().plus(SKEW))
          || (c.getNotBeforeTime() != null && now.isBefore(c.getNotBeforeTime().toInstant().minus(SKEW)))
          || !ISSUER.equals(c.getIssuer()) || c.getAudience() == null || !c.getAudience().contains(SERVICE)) {
        return null;
      }
      Map<String, Set<Action>> repos = new HashMap<>();
      Object access = c.getClaim("access");
      if (access instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof Map<?, ?> m && "repository".equals(m.get("type")) && m.get("name") instanceof String name
              && m.get("actions") instanceof List<?> actions) {
            EnumSet<Action> set = EnumSet.noneOf(Action.class);
            for (Object a : actions) {
              set.addAll(Action.fromScopeName(String.valueOf(a)));
            }
            repos.merge(name, set, (x, y) -> {
              EnumSet<Action> u = EnumSet.copyOf(x);
              u.addAll(y);
              return u;
            });
          }
        }
      }
      return new Principal(c.getSubject() == null ? "" : c.getSubject(), Principal.Source.TOKEN, Set.of(), repos);
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }

  /** One entry per repository (clients may ask for the same one twice); empty grants left out. */
  private static List<Scope> merge(List<Scope> scopes) {
    Map<String, EnumSet<Action>> m = new LinkedHashMap<>();
    for (Scope s : scopes) {
      if (!s.actions().isEmpty()) {
        m.computeIfAbsent(s.repository(), k -> EnumSet.noneOf(Action.class)).addAll(s.actions());
      }
    }
    List<Scope> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Scope(k, v)));
    return out;
  }
}
