package io.jswarm.chaos.run;

import io.grpc.StatusRuntimeException;
import io.jswarm.api.ListServicesRequest;
import io.jswarm.api.ListServicesResponse;
import io.jswarm.api.StoreDigestRequest;
import io.jswarm.api.StoreDigestResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Liveness after the last heal: every daemon answers, exactly one manager says it leads, every
 * manager has the same state digest, and every service runs as many tasks as it wants. Polled until
 * it holds or the bound passes; what was still wrong is the detail.
 */
final class Convergence {
  private Convergence() {}

  /** How long it took, or empty with the last reason when the bound passed. */
  record Outcome(Optional<Duration> took, String lastProblem) {}

  static Outcome await(LabTarget lab, Clients clients, Duration bound) {
    long start = System.nanoTime();
    String problem = "";
    while (System.nanoTime() - start < bound.toNanos()) {
      problem = problem(lab, clients);
      if (problem.isEmpty()) return new Outcome(Optional.of(Duration.ofNanos(System.nanoTime() - start)), "");
      try {
        Thread.sleep(1_000); // poll interval of the bounded wait for recovery
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return new Outcome(Optional.empty(), problem);
  }

  static String problem(LabTarget lab, Clients clients) {
    for (String h : lab.hosts()) {
      if (clients.info(h).isEmpty()) return h + " does not answer";
    }
    Set<String> digests = new HashSet<>();
    List<String> leaders = new ArrayList<>();
    for (String m : lab.managers()) {
      try {
        StoreDigestResponse d = clients.control(m, 3_000).storeDigest(StoreDigestRequest.getDefaultInstance());
        digests.add(d.getDigest());
        if (d.getLeader()) leaders.add(m);
      } catch (StatusRuntimeException e) {
        return m + ": no state digest (" + e.getStatus().getCode() + ")";
      }
    }
    if (leaders.size() != 1) return "managers that say they lead: " + leaders;
    if (digests.size() != 1) return "managers' state digests differ (" + digests.size() + " distinct)";
    try {
      ListServicesResponse r = clients.control(leaders.get(0), 5_000).listServices(ListServicesRequest.getDefaultInstance());
      for (var s : r.getServicesList()) {
        long want = r.getDesiredOrDefault(s.getId(), 0);
        long have = r.getRunningOrDefault(s.getId(), 0);
        if (want != have) return "service " + s.getSpec().getName() + ": " + have + "/" + want + " running";
      }
    } catch (StatusRuntimeException e) {
      return "services not listed (" + e.getStatus().getCode() + ")";
    }
    return "";
  }
}
