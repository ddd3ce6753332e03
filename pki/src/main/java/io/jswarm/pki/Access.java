package io.jswarm.pki;

import java.util.EnumSet;
import java.util.Set;

/** Who may call one RPC on one listener: anyone (no certificate needed) or holders of some roles. */
public record Access(boolean anonymous, Set<Role> roles) {
  public static final Access ANYONE = new Access(true, EnumSet.allOf(Role.class));
  public static final Access NODES = of(Role.MANAGER, Role.WORKER);
  public static final Access MANAGERS = of(Role.MANAGER);
  public static final Access ADMINS = of(Role.ADMIN);
  public static final Access NOBODY = new Access(false, Set.of());

  public static Access of(Role first, Role... rest) {
    return new Access(false, EnumSet.of(first, rest));
  }

  public boolean allows(PeerIdentity who) {
    return who == null ? anonymous : roles.contains(who.role());
  }
}
