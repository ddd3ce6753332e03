package io.jswarm.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jswarm.chaos.check.Check;
import io.jswarm.chaos.history.Op;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's report directory: {@code history.jsonl} (every op), {@code probe.jsonl} (every running
 * container seen), {@code verdict.json} (faults, checks, counts), {@code summary.txt} (what the
 * command prints) and a self-contained {@code index.html} with a timeline: fault windows shaded,
 * operations per second by outcome.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Report() {}

  public static void write(Path dir, Verdict v) throws IOException {
    Files.createDirectories(dir);
    ObjectMapper line = new ObjectMapper();
    try (Writer w = Files.newBufferedWriter(dir.resolve("history.jsonl"), StandardCharsets.UTF_8)) {
      for (Op o : v.ops()) w.write(line.writeValueAsString(o) + "\n");
    }
    try (Writer w = Files.newBufferedWriter(dir.resolve("probe.jsonl"), StandardCharsets.UTF_8)) {
      for (var s : v.samples()) w.write(line.writeValueAsString(s) + "\n");
    }
    JSON.writeValue(dir.resolve("verdict.json").toFile(), verdictJson(v));
    Files.writeString(dir.resolve("summary.txt"), summary(List.of(v)));
    Files.writeString(dir.resolve("index.html"), html(v));
  }

  static Map<String, Object> verdictJson(Verdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", v.scenario());
    m.put("fault", v.fault());
    m.put("expected", v.expected());
    m.put("seed", v.seed());
    m.put("durationSeconds", v.duration().toSeconds());
    m.put("unsupported", v.unsupported());
    m.put("safe", v.safe());
    m.put("allPassed", v.allPassed());
    m.put("operations", v.outcomes());
    m.put("recoverySeconds", v.recovery() == null ? null : v.recovery().toMillis() / 1000.0);
    m.put("faults", v.faults());
    m.put("checks", v.checks());
    return m;
  }

  /** The one-screen table: scenario, faults, ops ok/fail/info, violations, time to recover. */
  public static String summary(List<Verdict> verdicts) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("%-24s %-5s %-6s %6s %6s %6s %5s %9s  %s%n", "SCENARIO", "F", "FAULTS", "OK", "FAIL", "INFO",
        "VIOL", "RECOVERY", "VERDICT"));
    for (Verdict v : verdicts) {
      var o = v.outcomes();
      String verdict = v.unsupported() != null ? "NOT RUN: " + v.unsupported()
          : !v.safe() ? "UNSAFE" : v.allPassed() ? "pass" : "unknown/slow: " + v.checks().stream()
              .filter(c -> c.status() != Check.Status.PASS).map(Check::name).toList();
      s.append(String.format("%-24s %-5s %6d %6d %6d %6d %5d %9s  %s%n", v.scenario(), v.fault(), v.faults().size(),
          o.get("ok"), o.get("fail"), o.get("info"), v.violations().size(),
          v.recovery() == null ? "-" : String.format("%.1f s", v.recovery().toMillis() / 1000.0), verdict));
    }
    for (Verdict v : verdicts) {
      for (String x : v.violations()) s.append("  ").append(v.scenario()).append(": ").append(x).append('\n');
      for (FaultWindow f : v.faults()) {
        if (f.error() != null) s.append("  ").append(v.scenario()).append(": fault ").append(f.nemesis()).append(" not injected: ")
            .append(f.error()).append('\n');
      }
    }
    return s.toString();
  }

  /** A self-contained page: one SVG timeline and the checks table; no scripts, no external files. */
  static String html(Verdict v) {
    long endNs = Math.max(1, v.ops().stream().mapToLong(Op::nanos).max().orElse(1));
    int seconds = (int) (endNs / 1_000_000_000L) + 1;
    int[][] perSecond = new int[seconds][3];
    for (Op o : v.ops()) {
      if (o.type() == Op.Type.INVOKE) continue;
      int sec = (int) (o.nanos() / 1_000_000_000L);
      perSecond[sec][o.type() == Op.Type.OK ? 0 : o.type() == Op.Type.FAIL ? 1 : 2]++;
    }
    int max = 1;
    for (int[] c : perSecond) max = Math.max(max, c[0] + c[1] + c[2]);
    double w = 900.0 / seconds;
    int h = 200;
    StringBuilder svg = new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='960' height='" + (h + 40) + "'>");
    for (FaultWindow f : v.faults()) {
      double x0 = 40 + f.injectedNanos() / 1e9 * w;
      double x1 = 40 + f.healedNanos() / 1e9 * w;
      svg.append(String.format("<rect x='%.1f' y='0' width='%.1f' height='%d' fill='#fdd'><title>%s: %s</title></rect>", x0,
          Math.max(1, x1 - x0), h, esc(f.nemesis()), esc(f.targets())));
    }
    String[] colour = {"#3a3", "#d33", "#e90"};
    for (int sec = 0; sec < seconds; sec++) {
      double y = h;
      for (int k = 0; k < 3; k++) {
        double bh = perSecond[sec][k] * (double) h / max;
        y -= bh;
        if (bh > 0) svg.append(String.format("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>", 40 + sec * w, y,
            Math.max(1, w - 0.5), bh, colour[k]));
      }
    }
    svg.append("<text x='40' y='").append(h + 15).append("' font-size='11'>0 s</text><text x='900' y='").append(h + 15)
        .append("' font-size='11'>").append(seconds).append(" s</text><text x='0' y='10' font-size='11'>").append(max)
        .append("/s</text></svg>");
    List<String> rows = new ArrayList<>();
    for (Check c : v.checks()) {
      rows.add("<tr><td>" + esc(c.name()) + "</td><td>" + c.status() + "</td><td>" + esc(c.detail()) + "</td><td>"
          + esc(String.join("; ", c.violations())) + "</td></tr>");
    }
    return "<!doctype html><meta charset='utf-8'><title>jswarm chaos: " + esc(v.scenario()) + "</title>"
        + "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:2px 6px}table{border-collapse:collapse}</style>"
        + "<h1>" + esc(v.scenario()) + " (" + esc(v.fault()) + "), seed " + v.seed() + "</h1><p>" + esc(v.expected()) + "</p>"
        + "<p>operations per second: <span style='color:#3a3'>ok</span>, <span style='color:#d33'>fail</span>, "
        + "<span style='color:#e90'>indeterminate</span>; fault windows shaded</p>" + svg
        + "<h2>Checks</h2><table><tr><th>check</th><th>status</th><th>detail</th><th>violations</th></tr>" + String.join("", rows)
        + "</table><pre>" + esc(summary(List.of(v))) + "</pre>";
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
