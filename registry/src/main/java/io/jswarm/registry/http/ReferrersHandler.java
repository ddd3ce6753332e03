package io.jswarm.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.registry.core.Digest;
import io.jswarm.registry.manifest.MediaTypes;
import io.jswarm.registry.store.Descriptor;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * {@code GET /v2/<name>/referrers/<digest>?artifactType=}: an OCI image index listing the manifests
 * whose subject is the digest (an empty list when there are none); {@code OCI-Filters-Applied}
 * says when the artifactType filter was applied.
 */
final class ReferrersHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RegistryContext ctx;

  ReferrersHandler(RegistryContext ctx) {
    this.ctx = ctx;
  }

  void list(HttpServerRequest req, io.jswarm.registry.core.RepoName repo, String ref) {
    String artifactType = req.getParam("artifactType");
    Exchange.reply(req, ctx.blocking(() -> {
      Digest subject = Digest.parse(ref);
      List<Descriptor> all = ctx.metadata().referrers(repo, subject);
      List<Descriptor> shown = artifactType == null ? all
          : all.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      index.set("manifests", JSON.valueToTree(shown.subList(0, Math.min(shown.size(), 10 * ctx.maxPageSize()))));
      Reply r = Reply.of(200).body(MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index));
      if (artifactType != null) {
        r.header("OCI-Filters-Applied", "artifactType");
      }
      return r;
    }));
  }
}
