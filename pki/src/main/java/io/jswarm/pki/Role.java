package io.jswarm.pki;

import java.util.Optional;

/** What a certificate lets its holder do; the OU of the subject, named as Docker Swarm names it. */
public enum Role {
  MANAGER("swarm-manager"),
  WORKER("swarm-worker"),
  /** A person's client certificate for the remote Control API ({@code swarm ca --issue-client}). */
  ADMIN("swarm-admin");

  private final String ou;

  Role(String ou) {
    this.ou = ou;
  }

  public String ou() {
    return ou;
  }

  public static Optional<Role> ofOu(String ou) {
    for (Role r : values()) {
      if (r.ou.equals(ou)) return Optional.of(r);
    }
    return Optional.empty();
  }
}
