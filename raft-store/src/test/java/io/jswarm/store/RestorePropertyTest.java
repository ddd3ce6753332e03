package io.jswarm.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jswarm.api.StoreBatch;
import io.jswarm.api.StoreSnapshot;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Restore is a pure function of the snapshot, checked as a stateful property over seeded random
 * batch sequences (fixed seeds: any failure names its seed and reproduces): store A applies a
 * sequence; store B, a follower that applied only a prefix of it and then batches of its own
 * (a state the leader never had), installs A's snapshot at a random point. From then on both get
 * every batch and must give the same answer (applied, or the same refusal) and the same digest.
 */
@Timeout(60)
class RestorePropertyTest {
  private static final int BATCHES = 80;

  @Test
  void aRestoredReplicaAnswersEveryFollowingBatchAsTheOriginal() throws InvalidProtocolBufferException {
    for (long seed : LongStream.rangeClosed(1, 300).toArray()) {
      run(seed);
    }
  }

  private static void run(long seed) throws InvalidProtocolBufferException {
    RandomBatches gen = new RandomBatches(seed);
    RandomBatches own = new RandomBatches(seed * 7919 + 1);
    ObjectStore a = new ObjectStore();
    ObjectStore b = new ObjectStore();
    int restoreAt = gen.nextInt(BATCHES);
    int sharedPrefix = gen.nextInt(restoreAt + 1);
    int applied = 0;
    for (int i = 0; i < BATCHES; i++) {
      long index = i + 1;
      long term = 1 + i / 10;
      if (i == restoreAt) {
        // through bytes, as a follower receives it
        b.restore(StoreSnapshot.parseFrom(a.toSnapshot().toByteArray()));
        assertEquals(a.digest(), b.digest(), "seed " + seed + ": digest right after restore at " + i);
      }
      StoreBatch batch = gen.next(a, term);
      String answerA = a.apply(batch, index, term);
      if (answerA == null) applied++;
      if (i >= restoreAt) {
        String answerB = b.apply(batch, index, term);
        assertEquals(answerA, answerB, "seed " + seed + ": batch " + i + " (restored at " + restoreAt + ")\n" + batch);
        assertEquals(a.digest(), b.digest(), "seed " + seed + ": digest after batch " + i);
      } else if (i < sharedPrefix) {
        b.apply(batch, index, term);
      } else {
        b.apply(own.next(b, term), index, term);
      }
    }
    // a sequence where nothing applies proves nothing: the generator must keep the state moving
    if (applied < BATCHES / 5) {
      throw new AssertionError("seed " + seed + ": only " + applied + " of " + BATCHES + " batches applied");
    }
  }
}
