package io.jswarm.store;

import java.util.Objects;

/** A voting member of the Raft group: its id (also its Ratis peer id) and its Raft address (host:port). */
public record Member(String id, String address) {
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    if (id.isBlank()) {
      throw new IllegalArgumentException("member id is blank");
    }
  }
}
