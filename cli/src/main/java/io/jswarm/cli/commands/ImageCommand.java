package io.jswarm.cli.commands;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ImageSummary;
import io.jswarm.api.ImportImageChunk;
import io.jswarm.api.ListImagesRequest;
import io.jswarm.api.RemoveImageRequest;
import io.jswarm.api.RemoveImageResponse;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Output;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "image", description = "Manage images on the node the CLI talks to.",
    subcommands = {ImageCommand.Import.class, ImageCommand.Ls.class, ImageCommand.Rm.class,
        ImageTransfer.Pull.class, ImageTransfer.Push.class, ImageTransfer.Tag.class, ImageTransfer.Inspect.class,
        ImageArchive.Save.class, ImageArchive.Load.class})
public final class ImageCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "import", description = {
      "Import a root filesystem tarball (plain or gzip) as a one-layer image (like docker import). Use - for stdin.",
      "In a swarm whose managers serve the built-in registry, a NAME[:TAG] without a registry host is also stored "
          + "there (as REGISTRY/NAME:TAG, printed on stderr), so a service of NAME[:TAG] runs on any node. "
          + "Prints the image id."})
  public static final class Import extends ClientCommand {
    @Parameters(index = "0", paramLabel = "FILE") String file;
    @Parameters(index = "1", paramLabel = "REPOSITORY[:TAG]") String reference;

    @Override
    protected int run() throws Exception {
      CompletableFuture<ImageSummary> done = new CompletableFuture<>();
      StreamObserver<ImportImageChunk> up = client().engineAsync().importImage(new StreamObserver<>() {
        @Override public void onNext(ImageSummary s) { done.complete(s); }
        @Override public void onError(Throwable t) { done.completeExceptionally(t); }
        @Override public void onCompleted() { }
      });
      up.onNext(ImportImageChunk.newBuilder().setReference(reference).build());
      InputStream in = file.equals("-") ? System.in : openFile(file);
      try (in) {
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) > 0 && !done.isDone()) {
          up.onNext(ImportImageChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
        }
      } catch (Exception e) {
        up.onError(e);
        throw e;
      }
      up.onCompleted();
      try {
        ImageSummary s = done.get(10, TimeUnit.MINUTES);
        out().println(s.getId());
        if (!s.getClusterReference().isEmpty()) {
          System.err.println("stored in the swarm's registry as " + s.getClusterReference());
        } else {
          WorkerImports.noteIfWorker(client());
        }
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
      }
      return 0;
    }

    private static InputStream openFile(String f) throws java.io.IOException {
      Path p = Path.of(f);
      if (!Files.isRegularFile(p)) throw new CliException("Error: no such file: " + f);
      return Files.newInputStream(p);
    }
  }

  @Command(name = "ls", aliases = "list", description = "List images.")
  public static final class Ls extends ClientCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs") boolean quiet;
    @Option(names = "--format", description = "Output format: json") String format;

    @Override
    protected int run() {
      List<ImageSummary> images = client().engine().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
      if (quiet) {
        images.forEach(i -> out().println(Output.shortId(i.getId().replace("sha256:", ""))));
        return 0;
      }
      if ("json".equals(format)) {
        out().println(Output.jsonArray(images));
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      for (ImageSummary i : images) {
        List<String> tags = i.getTagsList().isEmpty() ? List.of("<none>:<none>") : i.getTagsList();
        for (String t : tags) {
          int c = t.lastIndexOf(':');
          rows.add(List.of(t.substring(0, c), t.substring(c + 1), Output.shortId(i.getId().replace("sha256:", "")),
              Output.ago(i.getCreatedMs()), Output.bytes(i.getSize())));
        }
      }
      Output.table(out(), List.of("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"), rows);
      return 0;
    }
  }

  @Command(name = "rm", aliases = {"remove", "rmi"}, description = "Remove one or more images.")
  public static final class Rm extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE") List<String> refs;
    @Option(names = {"-f", "--force"}, description = "Force removal of the image") boolean force;

    @Override
    protected int run() {
      for (String r : refs) {
        RemoveImageResponse resp = client().engine().removeImage(RemoveImageRequest.newBuilder().setReference(r).setForce(force).build());
        resp.getUntaggedList().forEach(u -> out().println("Untagged: " + u));
        resp.getDeletedList().forEach(d -> out().println("Deleted: " + d));
      }
      return 0;
    }
  }
}
