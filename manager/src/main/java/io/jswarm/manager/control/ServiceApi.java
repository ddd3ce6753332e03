package io.jswarm.manager.control;

import io.grpc.Status;
import io.grpc.StatusException;
import io.jswarm.api.ContainerSpec;
import io.jswarm.api.CreateServiceRequest;
import io.jswarm.api.ListServicesResponse;
import io.jswarm.api.RemoveServiceRequest;
import io.jswarm.api.RemoveServiceResponse;
import io.jswarm.api.RollbackServiceRequest;
import io.jswarm.api.Service;
import io.jswarm.api.ServiceSpec;
import io.jswarm.api.SpecRevision;
import io.jswarm.api.StoreObject;
import io.jswarm.api.Task;
import io.jswarm.api.TaskState;
import io.jswarm.api.UpdateServiceRequest;
import io.jswarm.api.UpdateStatus;
import io.jswarm.manager.Ids;
import io.jswarm.manager.network.ServiceEndpoints;
import io.jswarm.manager.orchestrator.ServiceHistory;
import io.jswarm.manager.secrets.SecretRefs;
import io.jswarm.store.RaftStore;
import io.jswarm.store.StoreView;

/** Services: create (the image pinned), inspect, list with replica counts, update, rollback, remove. */
final class ServiceApi {
  private final ControlContext ctx;

  ServiceApi(ControlContext ctx) {
    this.ctx = ctx;
  }

  Service create(CreateServiceRequest req) throws Exception {
    ServiceSpec spec = ServiceSpecs.normalize(pinImage(req.getSpec()));
    ServiceSpecs.validate(spec);
    String id = Ids.newId();
    RaftStore s = ctx.store();
    s.update(tx -> {
      if (tx.serviceByName(spec.getName()).isPresent()) {
        throw Status.ALREADY_EXISTS.withDescription("service name \"" + spec.getName()
            + "\" is already in use; choose another or remove the existing service").asRuntimeException();
      }
      ServiceSpec resolved = SecretRefs.resolve(tx, ServiceEndpoints.resolveNetworks(tx, spec));
      tx.create(StoreObject.newBuilder().setService(ServiceHistory.created(
          Service.newBuilder().setId(id).setSpec(resolved).setSpecVersion(1)
              .setEndpoint(ServiceEndpoints.allocate(tx, id, null, resolved)), System.currentTimeMillis())).build());
    });
    return s.read(v -> v.service(id)).orElseThrow();
  }

  /** Resolves the image now and pins its id in the spec, so all replicas run the same bytes. */
  private ServiceSpec pinImage(ServiceSpec spec) throws StatusException {
    ContainerSpec c = spec.getTask().getContainer();
    String image = c.getImage();
    if (image.isEmpty()) return spec; // validate() explains
    String ref = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    String resolved = ctx.manager().images().resolve(image).orElseThrow(() ->
        Status.INVALID_ARGUMENT.withDescription("image " + image + " not found: push it to its registry, or import it with \"jswarm image import ROOTFS.tar " + ref + "\"").asException());
    ServiceSpec.Builder b = spec.toBuilder();
    b.getTaskBuilder().getContainerBuilder().setImage(ref + "@" + resolved);
    return b.build();
  }

  Service get(String ref) throws Exception {
    return resolve(ctx.readStore(), ref);
  }

  static Service resolve(RaftStore s, String ref) throws StatusException {
    return Refs.resolve("service", ref, s.read(StoreView::services), Service::getId, x -> x.getSpec().getName());
  }

  ListServicesResponse list() throws Exception {
    return ctx.readStore().read(v -> {
      ListServicesResponse.Builder b = ListServicesResponse.newBuilder().addAllServices(v.services());
      for (Service s : v.services()) {
        long running = 0;
        long desired = 0;
        for (Task t : v.tasksByService(s.getId())) {
          if (t.getDesiredState() == TaskState.RUNNING) {
            desired++;
            if (t.getStatus().getState() == TaskState.RUNNING) running++;
          }
        }
        if (s.getSpec().hasReplicated()) desired = s.getSpec().getReplicated().getReplicas();
        b.putRunning(s.getId(), running).putDesired(s.getId(), desired);
      }
      return b.build();
    });
  }

  Service update(UpdateServiceRequest req) throws Exception {
    RaftStore s = ctx.store();
    Service current = s.read(v -> v.service(req.getServiceId())).orElseThrow(() ->
        Status.NOT_FOUND.withDescription("service " + req.getServiceId() + " not found").asException());
    if (current.getMeta().getVersion() != req.getVersion()) {
      throw Status.ABORTED.withDescription("update out of sequence: service " + current.getSpec().getName()
          + " changed since it was read; run the command again").asException();
    }
    ServiceSpec spec = ServiceSpecs.normalize(req.getSpec());
    if (!spec.getName().equals(current.getSpec().getName())) {
      throw Status.INVALID_ARGUMENT.withDescription("renaming a service is not supported").asException();
    }
    if (!spec.getTask().getContainer().getImage().equals(current.getSpec().getTask().getContainer().getImage())) {
      spec = pinImage(spec);
    }
    ServiceSpecs.validate(spec);
    if (spec.hasGlobal() != current.getSpec().hasGlobal()) {
      throw Status.INVALID_ARGUMENT.withDescription("a service's mode cannot be changed; remove and create it again").asException();
    }
    ServiceSpec checked = spec;
    s.update(tx -> {
      ServiceSpec resolved = SecretRefs.resolve(tx, ServiceEndpoints.resolveNetworks(tx, checked));
      Service changed = ServiceHistory.change(current, resolved, System.currentTimeMillis(),
          UpdateStatus.State.UPDATING, "update in progress");
      tx.update(changed.toBuilder().setEndpoint(ServiceEndpoints.allocate(tx, current.getId(), current, resolved)).build());
    });
    return s.read(v -> v.service(current.getId())).orElseThrow();
  }

  Service rollback(RollbackServiceRequest req) throws Exception {
    RaftStore s = ctx.store();
    Service current = resolve(s, req.getRef());
    SpecRevision to = ServiceHistory.find(current, req.getToRevision()).orElseThrow(() ->
        Status.FAILED_PRECONDITION.withDescription(req.getToRevision() == 0
            ? "service " + current.getSpec().getName() + " has no previous spec to roll back to"
            : "service " + current.getSpec().getName() + " has no revision " + req.getToRevision()
                + "; see \"jswarm service history " + current.getSpec().getName() + "\"").asException());
    ServiceSpec spec = to.getSpec();
    ServiceSpecs.validate(spec);
    s.update(tx -> {
      Service now = tx.service(current.getId()).orElseThrow(() ->
          Status.NOT_FOUND.withDescription("service " + current.getSpec().getName() + " was removed").asRuntimeException());
      if (now.getMeta().getVersion() != current.getMeta().getVersion()) {
        throw Status.ABORTED.withDescription("service " + current.getSpec().getName()
            + " changed meanwhile; run the command again").asRuntimeException();
      }
      String msg = "rollback to revision " + (to.getRevision() > 0 ? to.getRevision() : "previous") + " in progress";
      ServiceSpec resolved = SecretRefs.resolve(tx, ServiceEndpoints.resolveNetworks(tx, spec));
      Service changed = ServiceHistory.change(now, resolved, System.currentTimeMillis(), UpdateStatus.State.ROLLBACK_STARTED, msg);
      tx.update(changed.toBuilder().setEndpoint(ServiceEndpoints.allocate(tx, now.getId(), now, resolved)).build());
    });
    return s.read(v -> v.service(current.getId())).orElseThrow();
  }

  RemoveServiceResponse remove(RemoveServiceRequest req) throws Exception {
    RaftStore s = ctx.store();
    Service svc = resolve(s, req.getRef());
    s.update(tx -> tx.service(svc.getId()).ifPresent(cur ->
        tx.delete(StoreObject.newBuilder().setService(cur).build())));
    return RemoveServiceResponse.getDefaultInstance();
  }
}
