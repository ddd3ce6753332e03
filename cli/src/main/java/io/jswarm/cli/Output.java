package io.jswarm.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Docker-like tables, JSON, and durations in words. */
public final class Output {
  private Output() {}

  /** Columns padded to the widest cell plus three spaces, as docker's tabwriter does. */
  public static void table(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] w = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) w[i] = Math.max(w[i], r.get(i).length());
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        String c = r.get(i);
        sb.append(c);
        if (i < r.size() - 1) sb.append(" ".repeat(w[i] - c.length() + 3));
      }
      out.println(sb.toString().stripTrailing());
      sb.setLength(0);
    }
  }

  public static String json(MessageOrBuilder m) {
    try {
      return JsonFormat.printer().includingDefaultValueFields().print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON array of messages, one element per message. */
  public static String jsonArray(List<? extends MessageOrBuilder> ms) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ms.size(); i++) {
      if (i > 0) sb.append(",\n");
      sb.append(json(ms.get(i)));
    }
    return sb.append("]").toString();
  }

  /** "3 seconds", "About a minute", "2 hours", as docker's HumanDuration. */
  public static String humanDuration(long ms) {
    long s = ms / 1000;
    if (s < 1) return "Less than a second";
    if (s == 1) return "1 second";
    if (s < 60) return s + " seconds";
    long m = s / 60;
    if (m == 1) return "About a minute";
    if (m < 60) return m + " minutes";
    long h = Math.round(m / 60.0);
    if (h == 1) return "About an hour";
    if (h < 48) return h + " hours";
    return (h / 24) + " days";
  }

  public static String ago(long epochMs) {
    if (epochMs <= 0) return "";
    return humanDuration(System.currentTimeMillis() - epochMs) + " ago";
  }

  /** Docker's short id: the first 12 characters. */
  public static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  public static String capitalize(String s) {
    String l = s.toLowerCase();
    return l.isEmpty() ? l : Character.toUpperCase(l.charAt(0)) + l.substring(1);
  }

  public static String bytes(long n) {
    if (n < 1000) return n + "B";
    String[] u = {"kB", "MB", "GB", "TB"};
    double v = n;
    int i = -1;
    while (v >= 1000 && i < u.length - 1) {
      v /= 1000;
      i++;
    }
    return String.format(v < 10 ? "%.2f%s" : v < 100 ? "%.1f%s" : "%.0f%s", v, u[i]);
  }
}
