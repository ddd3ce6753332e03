package io.jswarm.registry.client;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code WWW-Authenticate: Bearer realm="…",service="…",scope="…"} challenge (RFC 6750 as
 * Docker's token flow uses it). Values are quoted strings that may hold commas; only the Bearer
 * scheme is read.
 */
record Challenge(String realm, String service, String scope, String error) {

  /** The Bearer challenge among the header values, or null when there is none (or it names no realm). */
  static Challenge bearer(List<String> headerValues) {
    for (String h : headerValues) {
      String t = h.trim();
      if (t.length() > 7 && t.regionMatches(true, 0, "Bearer ", 0, 7)) {
        Map<String, String> p = params(t.substring(7));
        String realm = p.get("realm");
        if (realm != null && !realm.isEmpty()) {
          return new Challenge(realm, p.get("service"), p.get("scope"), p.get("error"));
        }
      }
    }
    return null;
  }

  /** {@code key="value", key=token} pairs. */
  static Map<String, String> params(String s) {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) i++;
      int eq = s.indexOf('=', i);
      if (eq < 0) break;
      String key = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder v = new StringBuilder();
      if (i < n && s.charAt(i) == '"') {
        i++;
        while (i < n && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < n) i++;
          v.append(s.charAt(i++));
        }
        i++; // closing quote
      } else {
        while (i < n && s.charAt(i) != ',') v.append(s.charAt(i++));
      }
      out.put(key, v.toString().trim());
    }
    return out;
  }
}
