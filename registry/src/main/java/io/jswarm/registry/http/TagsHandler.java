package io.jswarm.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jswarm.registry.core.ErrorCode;
import io.jswarm.registry.core.RegistryException;
import io.jswarm.registry.core.RepoName;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /v2/<name>/tags/list?n=&last=}: tags in lexical order, pages of at most
 * {@code maxPageSize}; a {@code Link: <…>; rel="next"} header when more follow.
 */
final class TagsHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RegistryContext ctx;

  TagsHandler(RegistryContext ctx) {
    this.ctx = ctx;
  }

  void list(HttpServerRequest req, RepoName repo) {
    String nParam = req.getParam("n");
    String last = req.getParam("last");
    Exchange.reply(req, ctx.blocking(() -> {
      int n = ctx.maxPageSize();
      if (nParam != null) {
        try {
          n = Math.min(Integer.parseInt(nParam), ctx.maxPageSize());
        } catch (NumberFormatException e) {
          n = -1;
        }
        if (n < 0) {
          throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "n must be a non-negative integer", null);
        }
      }
      if (!ctx.metadata().repositoryExists(repo)) {
        throw new RegistryException(ErrorCode.NAME_UNKNOWN, "repository unknown: " + repo);
      }
      List<String> all = ctx.metadata().tags(repo);
      List<String> after = last == null ? all : all.stream().filter(t -> t.compareTo(last) > 0).toList();
      List<String> page = after.subList(0, Math.min(n, after.size()));
      ObjectNode body = JSON.createObjectNode();
      body.put("name", repo.value());
      page.forEach(body.putArray("tags")::add);
      Reply r = Reply.of(200).json(body.toString());
      if (page.size() < after.size() && !page.isEmpty()) {
        r.header("Link", "</v2/" + repo + "/tags/list?n=" + n + "&last="
            + URLEncoder.encode(page.get(page.size() - 1), StandardCharsets.UTF_8) + ">; rel=\"next\"");
      }
      return r;
    }));
  }
}
