package io.jswarm.manager;

import java.security.SecureRandom;

/** Object ids as SwarmKit makes them: 25 lowercase base-36 characters from 128 random bits. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    String s = new java.math.BigInteger(1, b).toString(36);
    StringBuilder sb = new StringBuilder(25);
    for (int i = s.length(); i < 25; i++) sb.append('0');
    return sb.append(s).toString();
  }
}
