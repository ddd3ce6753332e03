package io.jswarm.registry.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InsecureRegistriesTest {
  @Test
  void loopbackAlwaysListedEntriesByHostOrHostAndPort() {
    InsecureRegistries r = InsecureRegistries.of(List.of("10.0.0.5:5000", "reg.lab"));
    assertTrue(r.test("127.0.0.1:5000"));
    assertTrue(r.test("127.1.2.3"));
    assertTrue(r.test("localhost:80"));
    assertTrue(r.test("[::1]:5000"));
    assertTrue(r.test("10.0.0.5:5000"));
    assertFalse(r.test("10.0.0.5:5001"), "HOST:PORT lists that port only");
    assertTrue(r.test("reg.lab:443"), "HOST lists every port");
    assertTrue(r.test("REG.LAB"));
    assertFalse(r.test("10.0.0.6:5000"));
    assertFalse(r.test("127.0.0.1.evil.example:5000"));
    assertFalse(InsecureRegistries.loopback().test("registry.example:5000"));
  }
}
