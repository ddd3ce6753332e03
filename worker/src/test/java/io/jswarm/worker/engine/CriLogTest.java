package io.jswarm.worker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class CriLogTest {
  @TempDir Path dir;

  private static String text(LogEntry e) {
    return new String(e.data(), StandardCharsets.UTF_8);
  }

  @Test
  void parsesARecord() {
    CriLog.Record r = CriLog.parse("2026-11-27T22:05:00.574215733+00:00 stderr F hello world".getBytes()).orElseThrow();
    assertEquals("stderr", r.stream());
    assertEquals("hello world", new String(r.content()));
    assertEquals(574215733L, r.timeNs() % 1_000_000_000L);
    assertTrue(CriLog.parse("garbage".getBytes()).isEmpty());
    assertEquals("", new String(CriLog.parse("2026-11-27T22:05:00Z stdout F".getBytes()).orElseThrow().content()));
  }

  @Test
  void joinsPartialLinesPerStreamAndTails() throws Exception {
    Path f = dir.resolve("ctr.log");
    Files.writeString(f, String.join("\n",
        "2026-11-27T22:05:00.1+00:00 stdout P hel",
        "2026-11-27T22:05:00.2+00:00 stderr F err1",
        "2026-11-27T22:05:00.3+00:00 stdout F lo",
        "2026-11-27T22:05:00.4+00:00 stdout F second",
        "2026-11-27T22:05:00.5+00:00 stdout P unterminated") + "\n");
    List<LogEntry> all = new ArrayList<>();
    LogReader.read(f, false, -1, () -> true, () -> false, all::add);
    assertEquals(List.of("err1", "hello", "second"), all.stream().map(CriLogTest::text).toList());
    assertEquals("stderr", all.get(0).stream());

    List<LogEntry> tail = new ArrayList<>();
    LogReader.read(f, false, 1, () -> true, () -> false, tail::add);
    assertEquals(List.of("second"), tail.stream().map(CriLogTest::text).toList());

    List<LogEntry> followed = new ArrayList<>();
    LogReader.read(f, true, 0, () -> true, () -> false, followed::add);
    assertEquals(List.of("unterminated"), followed.stream().map(CriLogTest::text).toList(),
        "follow of an exited container drains and flushes the last partial line");
  }

  @Test
  void followSeesAppendedLinesAndStopsWhenCancelled() throws Exception {
    Path f = dir.resolve("ctr.log");
    Files.writeString(f, "");
    List<LogEntry> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean cancel = new java.util.concurrent.atomic.AtomicBoolean();
    Thread t = new Thread(() -> LogReader.read(f, true, -1, () -> false, cancel::get, got::add));
    t.start();
    Files.writeString(f, "2026-11-27T22:05:00.1+00:00 stdout F one\n", java.nio.file.StandardOpenOption.APPEND);
    EngineCleanup.await("line followed", 5_000, () -> got.size() == 1);
    cancel.set(true);
    t.join(5_000);
    assertTrue(!t.isAlive());
  }
}
