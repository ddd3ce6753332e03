package io.jswarm.chaos.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jswarm.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcknowledgedServicesTest {
  private final List<Op> ops = new ArrayList<>();
  private long t;

  private void op(String f, String key, String value, Op.Type end) {
    Op inv = Op.invoke(0, f, key, value, null, t++);
    ops.add(inv);
    ops.add(inv.complete(end, value, t++, null));
  }

  @Test
  void anAcknowledgedCreateThatIsGoneIsAViolation() {
    op("create", "a", "1", Op.Type.OK);
    assertEquals(Check.Status.FAIL, AcknowledgedServices.check(ops, Map.of()).status());
    assertEquals(Check.Status.PASS, AcknowledgedServices.check(ops, Map.of("a", 1L)).status());
  }

  @Test
  void anAcknowledgedRemoveMustStick() {
    op("create", "a", "1", Op.Type.OK);
    op("rm", "a", null, Op.Type.OK);
    assertEquals(Check.Status.FAIL, AcknowledgedServices.check(ops, Map.of("a", 1L)).status());
    assertEquals(Check.Status.PASS, AcknowledgedServices.check(ops, Map.of()).status());
  }

  @Test
  void theLastAcknowledgedScaleWins() {
    op("create", "a", "1", Op.Type.OK);
    op("scale", "a", "3", Op.Type.OK);
    op("scale", "a", "2", Op.Type.FAIL); // refused: changes nothing
    assertEquals(Check.Status.FAIL, AcknowledgedServices.check(ops, Map.of("a", 2L)).status());
    assertEquals(Check.Status.PASS, AcknowledgedServices.check(ops, Map.of("a", 3L)).status());
  }

  @Test
  void anIndeterminateOpAfterwardsAllowsEitherOutcome() {
    op("create", "a", "1", Op.Type.OK);
    op("rm", "a", null, Op.Type.INFO);
    assertEquals(Check.Status.PASS, AcknowledgedServices.check(ops, Map.of()).status());
    assertEquals(Check.Status.PASS, AcknowledgedServices.check(ops, Map.of("a", 1L)).status());
  }
}
