package io.jswarm.cli.commands;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.jswarm.api.ImageArchiveChunk;
import io.jswarm.api.LoadImagesResponse;
import io.jswarm.api.SaveImagesRequest;
import io.jswarm.cli.CliException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code image save|load}: image archives, written and read by the daemon that holds the store. */
final class ImageArchive {
  private ImageArchive() {}

  @Command(name = "save", description = {
      "Save one or more images to a tar archive (like docker save), to stdout unless -o is given.",
      "--format docker (default) writes a docker-archive (manifest.json, <config>.json, <diffid>/layer.tar), "
          + "readable by docker load and skopeo's docker-archive:; --format oci writes an OCI image layout "
          + "(oci-layout, index.json, blobs/sha256/...), readable by skopeo's oci-archive:NAME:TAG.",
      "The same images always give the same bytes."})
  static final class Save extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "NAME[:TAG] or image id") List<String> images;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (replaced only when the save succeeded)") Path output;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "docker", description = "docker or oci (default ${DEFAULT-VALUE})") String format;

    @Override
    protected int run() throws Exception {
      if (!format.equals("docker") && !format.equals("oci")) {
        throw new CliException("Error: --format must be docker or oci, got \"" + format + "\"");
      }
      if (output == null && System.console() != null) {
        throw new CliException("Error: refusing to write an image archive to a terminal: use -o FILE or redirect stdout");
      }
      Iterator<ImageArchiveChunk> it = client().engineNoDeadline().saveImages(
          SaveImagesRequest.newBuilder().addAllReferences(images).setFormat(format).build());
      if (output == null) {
        OutputStream out = System.out;
        while (it.hasNext()) it.next().getData().writeTo(out);
        out.flush();
        return 0;
      }
      Path abs = output.toAbsolutePath();
      Path dir = abs.getParent();
      if (dir == null || !Files.isDirectory(dir)) throw new CliException("Error: no such directory: " + dir);
      Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".partial");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          while (it.hasNext()) it.next().getData().writeTo(out);
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return 0;
    }
  }

  @Command(name = "load", description = {
      "Load images from a tar archive (like docker load): an OCI image layout or a docker-archive, from stdin "
          + "unless -i is given. Every blob is checked against its digest and size, and every path for safety, "
          + "before any image is stored; a bad archive changes nothing.",
      "In a swarm whose managers serve the built-in registry, loaded NAME:TAGs are also stored there."})
  static final class Load extends ClientCommand {
    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Read from FILE instead of stdin") Path input;
    @Option(names = {"-q", "--quiet"}, description = "Print only what was loaded (not where it was stored in the swarm's registry)") boolean quiet;

    @Override
    protected int run() throws Exception {
      if (input != null && !Files.isRegularFile(input)) throw new CliException("Error: no such file: " + input);
      if (input == null && System.console() != null) {
        throw new CliException("Error: no archive on stdin: use -i FILE or redirect stdin");
      }
      CompletableFuture<LoadImagesResponse> done = new CompletableFuture<>();
      StreamObserver<ImageArchiveChunk> up = client().engineAsync().loadImages(new StreamObserver<>() {
        @Override public void onNext(LoadImagesResponse r) { done.complete(r); }
        @Override public void onError(Throwable t) { done.completeExceptionally(t); }
        @Override public void onCompleted() { }
      });
      try (InputStream in = input == null ? System.in : Files.newInputStream(input)) {
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) > 0 && !done.isDone()) {
          up.onNext(ImageArchiveChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
        }
      } catch (Exception e) {
        up.onError(e);
        throw e;
      }
      up.onCompleted();
      LoadImagesResponse r;
      try {
        r = done.get(30, TimeUnit.MINUTES);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
      }
      for (String l : r.getLoadedList()) {
        out().println(l.startsWith("sha256:") ? "Loaded image ID: " + l : "Loaded image: " + l);
      }
      if (!quiet) r.getClusterReferencesList().forEach(c -> System.err.println("stored in the swarm's registry as " + c));
      if (!quiet && r.getClusterReferencesList().isEmpty()) WorkerImports.noteIfWorker(client());
      return 0;
    }
  }
}
