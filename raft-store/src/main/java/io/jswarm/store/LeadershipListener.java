package io.jswarm.store;

/**
 * Told when this member becomes or stops being the ready leader. Calls come on one dedicated
 * thread, in order, and only on a change. {@code true} is sent once the leader has applied
 * every entry of earlier terms (the local state is current).
 */
@FunctionalInterface
public interface LeadershipListener {
  void leaderChanged(boolean isLeader);
}
