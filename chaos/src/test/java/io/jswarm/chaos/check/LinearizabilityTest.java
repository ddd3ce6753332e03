package io.jswarm.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.chaos.check.Linearizability.Outcome;
import io.jswarm.chaos.history.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {
  private static final Duration BUDGET = Duration.ofSeconds(10);

  /** A tiny history builder: times in ms, one process per call. */
  private static final class H {
    final List<Op> ops = new ArrayList<>();
    int p;

    H op(String f, String value, String expect, long from, long to, Op.Type end, String seen) {
      Op inv = Op.invoke(p++, f, "r", value, expect, from * 1_000_000);
      ops.add(inv);
      if (end != null) ops.add(inv.complete(end, seen != null ? seen : value, to * 1_000_000, null));
      return this;
    }

    H write(String v, long from, long to) {
      return op("write", v, null, from, to, Op.Type.OK, null);
    }

    H read(String v, long from, long to) {
      return op("read", null, null, from, to, Op.Type.OK, v);
    }

    H cas(String expect, String v, long from, long to) {
      return op("cas", v, expect, from, to, Op.Type.OK, null);
    }

    Outcome check() {
      // completions must come in time order in a history, as a recorder writes them
      List<Op> sorted = new ArrayList<>(ops);
      sorted.sort(java.util.Comparator.comparingLong(Op::nanos).thenComparing(o -> o.type() != Op.Type.INVOKE));
      return Linearizability.check(sorted, "0", BUDGET).outcome();
    }
  }

  @Test
  void sequentialWritesAndReadsAreLinearizable() {
    assertEquals(Outcome.LINEARIZABLE, new H().write("1", 0, 1).read("1", 2, 3).write("2", 4, 5).read("2", 6, 7).check());
  }

  @Test
  void aReadConcurrentWithAWriteMaySeeEitherValue() {
    assertEquals(Outcome.LINEARIZABLE, new H().write("1", 0, 10).read("0", 1, 2).read("1", 3, 4).check());
    assertEquals(Outcome.LINEARIZABLE, new H().write("1", 0, 10).read("1", 1, 2).check());
  }

  @Test
  void staleReadIsCaught() {
    // the write was acknowledged before the read began, yet the read returned the old value
    assertEquals(Outcome.NOT_LINEARIZABLE, new H().write("1", 0, 1).read("0", 2, 3).check());
  }

  @Test
  void readsGoingBackInTimeAreCaught() {
    // two reads in sequence during one write: once the new value is seen, the old cannot come back
    assertEquals(Outcome.NOT_LINEARIZABLE, new H().write("1", 0, 10).read("1", 1, 2).read("0", 3, 4).check());
  }

  @Test
  void lostUpdateIsCaught() {
    // two cas from the same expected value both succeeded: one of them overwrote the other unseen
    assertEquals(Outcome.NOT_LINEARIZABLE, new H().cas("0", "1", 0, 10).cas("0", "2", 0, 10).check());
    assertEquals(Outcome.LINEARIZABLE, new H().cas("0", "1", 0, 10).cas("1", "2", 0, 10).check());
  }

  @Test
  void readOfAValueNeverWrittenIsCaught() {
    assertEquals(Outcome.NOT_LINEARIZABLE, new H().write("1", 0, 1).read("7", 2, 3).check());
  }

  @Test
  void anIndeterminateWriteMayTakeEffectLaterOrNever() {
    assertEquals(Outcome.LINEARIZABLE, new H().op("write", "1", null, 0, 1, Op.Type.INFO, null).read("0", 2, 3)
        .read("1", 4, 5).check());
    assertEquals(Outcome.LINEARIZABLE, new H().op("write", "1", null, 0, 1, Op.Type.INFO, null).read("0", 2, 3).check());
    // ...but once seen, it cannot be unseen
    assertEquals(Outcome.NOT_LINEARIZABLE, new H().op("write", "1", null, 0, 1, Op.Type.INFO, null).read("1", 2, 3)
        .read("0", 4, 5).check());
  }

  @Test
  void aFailedWriteNeverHappened() {
    assertEquals(Outcome.NOT_LINEARIZABLE, new H().op("write", "1", null, 0, 1, Op.Type.FAIL, null).read("1", 2, 3).check());
  }

  @Test
  void anInvocationWithoutCompletionIsIndeterminate() {
    assertEquals(Outcome.LINEARIZABLE, new H().op("write", "1", null, 0, 0, null, null).read("1", 2, 3).check());
  }

  @Test
  void registerModelCasFalseNeedsAMismatch() {
    assertEquals(null, Register.step("1", new Register.Call(0, "cas", "2", "1", "false", 0, 1)));
    assertEquals("0", Register.step("0", new Register.Call(0, "cas", "2", "1", "false", 0, 1)));
  }

  @Test
  void anExhaustedBudgetSaysUnknown() {
    H h = new H();
    for (int i = 0; i < 40; i++) h.write(String.valueOf(i), 0, 1000);
    h.read("999", 1001, 1002); // unsatisfiable: the search must try every order of the writes
    List<Op> ops = h.ops;
    assertEquals(Outcome.UNKNOWN, Linearizability.check(ops, "0", Duration.ZERO).outcome());
  }

  /**
   * Seeded property: histories generated from a real register, each op taking effect at a random
   * instant inside its call window, are linearizable; changing one read to a value nobody wrote
   * makes them not.
   */
  @Test
  void generatedHistoriesOfARealRegisterPassAndCorruptedOnesFail() {
    for (long seed = 1; seed <= 200; seed++) {
      Random rnd = new Random(seed);
      List<Op> ops = generate(rnd, 4 + rnd.nextInt(12));
      assertEquals(Outcome.LINEARIZABLE, Linearizability.check(ops, "0", BUDGET).outcome(), "seed " + seed);
      List<Op> bad = new ArrayList<>(ops);
      for (int i = 0; i < bad.size(); i++) {
        Op o = bad.get(i);
        if (o.type() == Op.Type.OK && o.f().equals("read")) {
          bad.set(i, o.complete(Op.Type.OK, "never-written", o.nanos(), null));
          assertEquals(Outcome.NOT_LINEARIZABLE, Linearizability.check(bad, "0", BUDGET).outcome(), "seed " + seed);
          break;
        }
      }
    }
  }

  /** N ops on a real register: each has a linearization instant inside [call, return]. */
  private static List<Op> generate(Random rnd, int n) {
    record Planned(int p, String f, String value, String expect, long call, long at, long ret) {}
    List<Planned> plan = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long call = rnd.nextInt(100);
      long at = call + rnd.nextInt(20);
      long ret = at + rnd.nextInt(20);
      String f = switch (rnd.nextInt(3)) { case 0 -> "read"; case 1 -> "write"; default -> "cas"; };
      plan.add(new Planned(i, f, String.valueOf(i + 1), null, call, at, ret));
    }
    // apply in linearization order to learn each op's result
    List<Planned> byAt = new ArrayList<>(plan);
    byAt.sort(java.util.Comparator.comparingLong(Planned::at));
    String state = "0";
    List<Op> events = new ArrayList<>();
    for (Planned p : byAt) {
      String expect = p.f().equals("cas") ? (rnd.nextBoolean() ? state : "x") : null;
      Op inv = Op.invoke(p.p(), p.f(), p.f().equals("read") ? "r" : "r", p.f().equals("read") ? null : p.value(), expect, p.call());
      Op done;
      switch (p.f()) {
        case "read" -> done = inv.complete(Op.Type.OK, state, p.ret(), null);
        case "write" -> {
          state = p.value();
          done = inv.complete(Op.Type.OK, p.value(), p.ret(), null);
        }
        default -> {
          boolean ok = state.equals(expect);
          if (ok) state = p.value();
          done = inv.complete(ok ? Op.Type.OK : Op.Type.FAIL, p.value(), p.ret(), null);
        }
      }
      events.add(inv);
      events.add(done);
    }
    events.sort(java.util.Comparator.comparingLong(Op::nanos).thenComparing(o -> o.type() != Op.Type.INVOKE));
    return events;
  }
}
