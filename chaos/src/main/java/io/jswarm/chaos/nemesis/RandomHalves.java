package io.jswarm.chaos.nemesis;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Random halves, changing every few seconds while the fault is held (Jepsen's partition-random-halves):
 * no side keeps a quorum long enough to settle. Stops re-cutting and clears every rule on heal.
 */
public final class RandomHalves implements Nemesis {
  private final PartitionNemesis cut = new PartitionNemesis("random-halves", PartitionNemesis.Direction.BOTH,
      (ctx, leader) -> PartitionNemesis.randomHalves(ctx));
  private final long periodMs;
  private final AtomicReference<Thread> changer = new AtomicReference<>();

  public RandomHalves(long periodMs) {
    this.periodMs = periodMs;
  }

  @Override
  public String name() {
    return "random-halves";
  }

  @Override
  public String inject(NemesisContext ctx) {
    String first = cut.inject(ctx);
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(periodMs); // the period of the partition changes, the fault's own rhythm
        } catch (InterruptedException e) {
          return;
        }
        var halves = PartitionNemesis.randomHalves(ctx);
        ctx.log().accept("random-halves: now " + halves);
        cut.cut(ctx, halves);
      }
    }, "random-halves");
    t.setDaemon(true);
    changer.set(t);
    t.start();
    return first + ", changing every " + periodMs / 1000 + " s";
  }

  @Override
  public void heal(NemesisContext ctx) {
    Thread t = changer.getAndSet(null);
    if (t != null) {
      t.interrupt();
      try {
        t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    cut.heal(ctx);
  }
}
