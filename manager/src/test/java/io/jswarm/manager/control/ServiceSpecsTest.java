package io.jswarm.manager.control;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.RestartPolicy.Condition;
import io.jswarm.api.ServiceSpec;
import io.jswarm.manager.Fixtures;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ServiceSpecsTest {
  static ServiceSpec spec(UnaryOperator<io.jswarm.api.TaskSpec.Builder> f) {
    ServiceSpec s = Fixtures.service("s", 1, Condition.ANY).getSpec();
    return s.toBuilder().setTask(f.apply(s.getTask().toBuilder())).build();
  }

  static String rejected(ServiceSpec s) {
    StatusException e = assertThrows(StatusException.class, () -> ServiceSpecs.validate(s));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    return e.getStatus().getDescription();
  }

  @Test
  void placementAndResourcesAreChecked() throws Exception {
    ServiceSpecs.validate(spec(t -> { t.getPlacementBuilder().addConstraints("node.labels.zone==a").addConstraints("service!=db"); return t; }));
    assertTrue(rejected(spec(t -> { t.getPlacementBuilder().addConstraints("node.labels.zone=a"); return t; }))
        .startsWith("invalid constraint \"node.labels.zone=a\": use KEY==VALUE"));
    assertTrue(rejected(spec(t -> { t.getPlacementBuilder().addConstraints("zone==a"); return t; })).contains("unknown key \"zone\""));
    assertTrue(rejected(spec(t -> { t.getPlacementBuilder().addPreferencesBuilder().setSpread("zone"); return t; }))
        .startsWith("invalid placement preference"));
    assertEquals("--reserve-memory must not be negative",
        rejected(spec(t -> { t.getResourcesBuilder().getReservationsBuilder().setMemoryBytes(-1); return t; })));
    assertEquals("--reserve-cpu must not be negative",
        rejected(spec(t -> { t.getResourcesBuilder().getReservationsBuilder().setNanoCpus(-1); return t; })));
    assertEquals("--limit-memory must be at least 4MiB",
        rejected(spec(t -> { t.getResourcesBuilder().getLimitsBuilder().setMemoryBytes(1000); return t; })));
    assertEquals("restart window must not be negative", rejected(spec(t -> { t.getRestartBuilder().setWindowMs(-5); return t; })));
  }

  @Test
  void updateConfigIsChecked() {
    ServiceSpec s = spec(t -> t);
    assertEquals("--update-max-failure-ratio must be between 0 and 1",
        rejected(s.toBuilder().setUpdateConfig(s.getUpdateConfig().toBuilder().setMaxFailureRatio(1.5)).build()));
    assertEquals("--rollback-delay must not be negative",
        rejected(s.toBuilder().setRollbackConfig(s.getRollbackConfig().toBuilder().setDelayMs(-1)).build()));
  }

  @Test
  void mountsAreChecked() throws Exception {
    java.util.function.Function<io.jswarm.api.Mount, ServiceSpec> with = m -> spec(t -> {
      t.getContainerBuilder().addMounts(m);
      return t;
    });
    var ok = io.jswarm.api.Mount.newBuilder().setType(io.jswarm.api.Mount.Type.BIND).setSource("/srv").setTarget("/data").build();
    ServiceSpecs.validate(with.apply(ok));
    assertEquals("invalid bind mount source \"srv\": must be an absolute path on the node",
        rejected(with.apply(ok.toBuilder().setSource("srv").build())));
    assertEquals("invalid mount target \"data\": must be an absolute path",
        rejected(with.apply(ok.toBuilder().setTarget("data").build())));
    assertTrue(rejected(with.apply(ok.toBuilder().setTypeValue(9).build())).contains("unknown type"));
    assertTrue(rejected(with.apply(ok.toBuilder().setType(io.jswarm.api.Mount.Type.VOLUME).setSource("../x").build()))
        .startsWith("invalid volume name"));
  }

  @Test
  void touchedEmptySubMessagesDoNotChangeTheTask() {
    ServiceSpec plain = spec(t -> t);
    ServiceSpec touched = plain.toBuilder().setUpdateConfig(io.jswarm.api.UpdateConfig.getDefaultInstance()).build();
    var tb = touched.getTask().toBuilder();
    tb.getPlacementBuilder();
    tb.getResourcesBuilder().getLimitsBuilder();
    tb.getContainerBuilder().getHealthcheckBuilder();
    touched = touched.toBuilder().setTask(tb).build();
    assertNotEquals(plain, touched);
    assertEquals(ServiceSpecs.normalize(plain), ServiceSpecs.normalize(touched));
  }

  @Test
  void globalModeIsAccepted() throws Exception {
    ServiceSpecs.validate(spec(t -> t).toBuilder().setGlobal(io.jswarm.api.GlobalService.getDefaultInstance()).build());
  }
}
