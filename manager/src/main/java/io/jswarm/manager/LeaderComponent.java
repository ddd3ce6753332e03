package io.jswarm.manager;

/**
 * The shape every leader component shares: built from the store, started when this manager
 * becomes leader, stopped when it loses leadership. Components never call each other; they
 * react to store watch events.
 */
public interface LeaderComponent {
  void start();

  /** Stops and waits for the component's thread; idempotent. */
  void stop();
}
