package io.jswarm.chaos.check;

import io.jswarm.chaos.history.Op;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Linearizability of one register's history (read / write / cas), by the Wing–Gong–Lowe search
 * that Porcupine and Knossos use: walk the calls in time order, tentatively linearize a call whose
 * model step is legal, backtrack at a return whose call is not yet linearized, and prune states
 * already seen (linearized set + register value). Indeterminate calls (INFO, or no completion)
 * return "at infinity": they may take effect at any time after their invocation, or never affect a
 * later read. The search is exponential in the worst case, hence the budget and {@link Outcome#UNKNOWN}.
 */
public final class Linearizability {
  private Linearizability() {}

  /** The three answers: a legal order exists, none does, or the budget ran out first. */
  public enum Outcome { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

  /** The answer for one key, with the ops that could not be placed when it is NOT_LINEARIZABLE. */
  public record Result(Outcome outcome, int calls, String detail) {}

  /** Checks the ops of ONE register (all with the same key), starting from {@code initial}. */
  public static Result check(List<Op> ops, String initial, Duration budget) {
    List<Register.Call> calls = calls(ops);
    return search(calls, initial, budget);
  }

  /** Pairs each INVOKE with its process's next completion; what a checker can use of each pair. */
  static List<Register.Call> calls(List<Op> ops) {
    Map<Integer, Op> open = new HashMap<>();
    List<Register.Call> out = new ArrayList<>();
    List<Op[]> pairs = new ArrayList<>();
    for (Op o : ops) {
      if (o.type() == Op.Type.INVOKE) {
        Op prev = open.put(o.process(), o);
        if (prev != null) throw new IllegalArgumentException("process " + o.process() + " invoked twice without a completion");
      } else {
        Op inv = open.remove(o.process());
        if (inv == null) throw new IllegalArgumentException("completion without an invocation: " + o);
        pairs.add(new Op[] {inv, o});
      }
    }
    open.values().forEach(inv -> pairs.add(new Op[] {inv, null})); // never completed: indeterminate
    int id = 0;
    for (Op[] p : pairs) {
      Op inv = p[0];
      Op done = p[1];
      Op.Type t = done == null ? Op.Type.INFO : done.type();
      if (t == Op.Type.FAIL) continue; // certainly did not happen
      boolean read = inv.f().equals("read");
      if (read && t != Op.Type.OK) continue; // an unanswered read constrains nothing
      long ret = t == Op.Type.OK ? done.nanos() : Long.MAX_VALUE;
      String output = read ? done.value() : inv.f().equals("cas") && t == Op.Type.OK ? "true" : null;
      out.add(new Register.Call(id++, inv.f(), read ? null : inv.value(), inv.expect(), output, inv.nanos(), ret));
    }
    return out;
  }

  /** A node of the doubly linked list of call and return events. */
  private static final class Entry {
    final Register.Call call;
    final boolean isCall;
    final long time;
    Entry match; // a call's return
    Entry prev;
    Entry next;

    Entry(Register.Call call, boolean isCall, long time) {
      this.call = call;
      this.isCall = isCall;
      this.time = time;
    }
  }

  private record Seen(BitSet linearized, String state) {}

  private record Frame(Entry entry, String state) {}

  static Result search(List<Register.Call> calls, String initial, Duration budget) {
    List<Entry> events = new ArrayList<>();
    for (Register.Call c : calls) {
      Entry call = new Entry(c, true, c.call());
      Entry ret = new Entry(c, false, c.ret());
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // calls before returns at the same instant: the more permissive reading of a tie
    events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> !e.isCall));
    Entry head = new Entry(null, false, Long.MIN_VALUE);
    Entry last = head;
    for (Entry e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    Set<Seen> cache = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    BitSet linearized = new BitSet();
    String state = initial;
    Entry entry = head.next;
    int furthest = 0;
    Register.Call stuck = null;
    long steps = 0;
    while (head.next != null) {
      if ((++steps & 1023) == 0 && System.nanoTime() > deadline) {
        return new Result(Outcome.UNKNOWN, calls.size(), "search budget of " + budget.toMillis() + " ms exceeded after "
            + steps + " steps");
      }
      if (entry.isCall) {
        String next = Register.step(state, entry.call);
        if (next != null) {
          BitSet lin = (BitSet) linearized.clone();
          lin.set(entry.call.id());
          if (cache.add(new Seen(lin, next))) {
            stack.push(new Frame(entry, state));
            state = next;
            linearized.set(entry.call.id());
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        if (stack.size() >= furthest) {
          furthest = stack.size();
          stuck = entry.call;
        }
        if (stack.isEmpty()) {
          return new Result(Outcome.NOT_LINEARIZABLE, calls.size(), "no legal order; stuck at " + describe(stuck)
              + " after linearizing " + furthest + " call(s)");
        }
        Frame f = stack.pop();
        state = f.state();
        linearized.clear(f.entry().call.id());
        unlift(f.entry());
        entry = f.entry().next;
      }
    }
    return new Result(Outcome.LINEARIZABLE, calls.size(), "");
  }

  private static String describe(Register.Call c) {
    if (c == null) return "?";
    return c.f() + (c.input() != null ? "(" + (c.expect() != null ? c.expect() + "->" : "") + c.input() + ")" : "")
        + (c.f().equals("read") ? " -> " + c.output() : "") + " [" + c.call() / 1_000_000 + " ms.."
        + (c.ret() == Long.MAX_VALUE ? "?" : String.valueOf(c.ret() / 1_000_000)) + " ms]";
  }

  private static void lift(Entry call) {
    call.prev.next = call.next;
    if (call.next != null) call.next.prev = call.prev;
    Entry r = call.match;
    r.prev.next = r.next;
    if (r.next != null) r.next.prev = r.prev;
  }

  private static void unlift(Entry call) {
    Entry r = call.match;
    r.prev.next = r;
    if (r.next != null) r.next.prev = r;
    call.prev.next = call;
    if (call.next != null) call.next.prev = call;
  }
}
