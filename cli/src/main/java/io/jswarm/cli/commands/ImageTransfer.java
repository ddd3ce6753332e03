package io.jswarm.cli.commands;

import io.jswarm.api.ImageProgress;
import io.jswarm.api.ListImagesRequest;
import io.jswarm.api.PullImageRequest;
import io.jswarm.api.PushImageRequest;
import io.jswarm.api.TagImageRequest;
import io.jswarm.cli.Output;
import io.jswarm.registry.client.ImageReference;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code image push|pull|tag|inspect}. Push and pull run in the daemon the CLI talks to (Engine
 * PushImage/PullImage), because the image store is the daemon's; the CLI prints the per-layer
 * progress the daemon streams. Inspect of a REGISTRY/… reference asks the registry directly.
 */
final class ImageTransfer {
  private ImageTransfer() {}

  /** One line per blob when it is done: short digest, what happened, size and speed. */
  static final class ProgressPrinter {
    private final PrintStream out;
    private final Map<String, Long> started = new HashMap<>();

    ProgressPrinter(PrintStream out) {
      this.out = out;
    }

    void on(ImageProgress p, String doneWord) {
      if (p.getDigest().isEmpty()) {
        return;
      }
      long now = System.nanoTime();
      started.putIfAbsent(p.getDigest(), now);
      String id = Output.shortId(p.getDigest().replace("sha256:", ""));
      switch (p.getStatus()) {
        case "exists" -> out.println(id + ": Already exists (" + Output.bytes(p.getSize()) + ")");
        case "pulled", "pushed" -> {
          double secs = Math.max(1e-3, (now - started.get(p.getDigest())) / 1e9);
          String speed = p.getStatus().equals("pulled") ? "" : String.format(", %.1f MB/s", p.getSize() / 1e6 / secs);
          out.println(id + ": " + doneWord + " " + Output.bytes(p.getSize()) + speed);
        }
        default -> { } // "pushing": the next line reports the end
      }
    }
  }

  @Command(name = "pull", description = "Pull an image from a registry (REGISTRY/REPO[:TAG|@DIGEST]) into the daemon's store.")
  static final class Pull extends ClientCommand {
    @Parameters(index = "0", paramLabel = "REGISTRY/REPO[:TAG|@DIGEST]") String reference;

    @Override
    protected int run() {
      ImageReference ref = ImageReference.parse(reference);
      ProgressPrinter pp = new ProgressPrinter(out());
      long t0 = System.nanoTime();
      Iterator<ImageProgress> it = client().engineNoDeadline().pullImage(
          PullImageRequest.newBuilder().setReference(reference).build());
      String id = "";
      long total = 0;
      while (it.hasNext()) {
        ImageProgress p = it.next();
        pp.on(p, "Pull complete");
        if (p.getStatus().equals("pulled")) {
          total += p.getSize();
        }
        if (p.hasImage()) {
          id = p.getImage().getId();
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      out().println("Status: pulled " + ref + " as " + id + String.format(" (%s fetched in %.1fs)", Output.bytes(total), secs));
      return 0;
    }
  }

  @Command(name = "push", description = "Push an image to the registry its name names (tag it REGISTRY/REPO[:TAG] first).")
  static final class Push extends ClientCommand {
    @Parameters(index = "0", paramLabel = "REGISTRY/REPO[:TAG]") String reference;

    @Override
    protected int run() {
      ImageReference.parse(reference);
      ProgressPrinter pp = new ProgressPrinter(out());
      Iterator<ImageProgress> it = client().engineNoDeadline().pushImage(
          PushImageRequest.newBuilder().setReference(reference).build());
      while (it.hasNext()) {
        ImageProgress p = it.next();
        pp.on(p, "Pushed");
        if (!p.getManifestDigest().isEmpty()) {
          out().println("digest: " + p.getManifestDigest());
        }
      }
      return 0;
    }
  }

  @Command(name = "tag", description = "Give an image another name: SOURCE TARGET (like docker tag).")
  static final class Tag extends ClientCommand {
    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]") String source;
    @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]") String target;

    @Override
    protected int run() {
      client().engine().tagImage(TagImageRequest.newBuilder().setSource(source).setTarget(target).build());
      return 0;
    }
  }

  @Command(name = "inspect", description = "Show an image: REGISTRY/REPO[:TAG|@DIGEST] asks the registry, otherwise the daemon's store.")
  static final class Inspect extends ClientCommand {
    @Parameters(index = "0", paramLabel = "IMAGE") String reference;

    @Override
    protected int run() throws Exception {
      ImageReference ref = ImageReference.parse(reference);
      var local = client().engine().listImages(ListImagesRequest.getDefaultInstance()).getImagesList().stream()
          .filter(i -> i.getId().equals(reference) || i.getTagsList().contains(ref.name() + ":" + ref.tag()))
          .findFirst();
      if (local.isPresent() || !ref.remote()) {
        if (local.isEmpty()) {
          throw new io.jswarm.cli.CliException("Error: no such image: " + reference);
        }
        out().println(Output.jsonArray(java.util.List.of(local.get())));
        return 0;
      }
      // the daemon fetches it, with this node's identity: the swarm's registries know its
      // certificate (this CLI process holds none), other registries are asked as by any client
      io.jswarm.api.RemoteImage m = client().engine().inspectRemoteImage(
          io.jswarm.api.InspectRemoteImageRequest.newBuilder().setReference(reference).build());
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      var json = mapper.createObjectNode();
      json.put("Name", ref.name());
      json.put("Digest", m.getDigest());
      json.put("MediaType", m.getMediaType());
      json.set("Manifest", mapper.readTree(m.getManifest().toByteArray()));
      out().println(json.toPrettyString());
      return 0;
    }
  }
}
