package io.jswarm.cli.commands;

import com.google.protobuf.ByteString;
import io.jswarm.api.CreateSecretRequest;
import io.jswarm.api.GetSecretRequest;
import io.jswarm.api.ListSecretsRequest;
import io.jswarm.api.RemoveSecretRequest;
import io.jswarm.api.RotateSecretRequest;
import io.jswarm.api.Secret;
import io.jswarm.cli.CliException;
import io.jswarm.cli.Output;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The subcommands that `secret` and `config` share (Docker's words); each kind's command
 * ({@link SecretCommand}, {@link ConfigCommand}) names them and says which kind it means. The
 * value is read from a file or stdin, never from an argument (it would show in ps and history),
 * and never printed.
 */
final class SecretCommands {
  /** Swarm's bound, checked here too so an oversized file fails with this message, not a transport error. */
  static final int MAX_BYTES = 500 * 1024;

  private SecretCommands() {}

  static String word(Secret.Kind kind) {
    return kind == Secret.Kind.CONFIG ? "config" : "secret";
  }

  static ByteString read(Secret.Kind kind, String file) throws IOException {
    byte[] data;
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      data = in.readNBytes(MAX_BYTES + 1);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CliException("cannot read " + file + ": no such file", 1);
    }
    if (data.length > MAX_BYTES) {
      throw new CliException(word(kind) + " data is larger than " + MAX_BYTES + " bytes (500 KiB), the limit", 1);
    }
    return ByteString.copyFrom(data);
  }

  abstract static class Create extends ClientCommand {
    @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "Labels") List<String> labels = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "FILE|-", description = "File with the value, or - for stdin") String file;

    abstract Secret.Kind kind();

    @Override
    protected int run() throws Exception {
      CreateSecretRequest.Builder r = CreateSecretRequest.newBuilder().setKind(kind()).setName(name).setData(read(kind(), file));
      for (String l : labels) {
        int eq = l.indexOf('=');
        r.putLabels(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
      }
      out().println(client().control().createSecret(r.build()).getId());
      return 0;
    }
  }

  abstract static class Ls extends ClientCommand {
    @Option(names = {"-q", "--quiet"}, description = "Only display IDs") boolean quiet;
    @Option(names = "--format", description = "Output format: json") String format;

    abstract Secret.Kind kind();

    @Override
    protected int run() {
      var r = client().control().listSecrets(ListSecretsRequest.newBuilder().setKind(kind()).build());
      if ("json".equals(format)) {
        out().println(Output.json(r));
        return 0;
      }
      if (format != null) throw new CliException("unknown --format \"" + format + "\": use json", 125);
      if (quiet) {
        r.getSecretsList().forEach(s -> out().println(s.getId()));
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      List<Secret> sorted = new ArrayList<>(r.getSecretsList());
      // a name's versions together, oldest first (the store lists by id)
      sorted.sort(java.util.Comparator.comparing(Secret::getName).thenComparingLong(Secret::getVersionNumber));
      for (Secret s : sorted) {
        rows.add(List.of(Output.shortId(s.getId()), s.getName(), String.valueOf(s.getVersionNumber()),
            Output.bytes(s.getSize()), Output.ago(s.getMeta().getCreatedAtMs())));
      }
      Output.table(out(), List.of("ID", "NAME", "VERSION", "SIZE", "CREATED"), rows);
      return 0;
    }
  }

  abstract static class Inspect extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME|ID") List<String> refs;
    @Option(names = "--format", description = "Output format: json (the default)") String format;

    abstract Secret.Kind kind();

    @Override
    protected int run() {
      if (format != null && !"json".equals(format)) throw new CliException("unknown --format \"" + format + "\": use json", 125);
      List<Secret> out = new ArrayList<>();
      for (String r : refs) out.add(client().control().getSecret(GetSecretRequest.newBuilder().setKind(kind()).setRef(r).build()));
      out().println(Output.jsonArray(out));
      return 0;
    }
  }

  abstract static class Rm extends ClientCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME|ID") List<String> refs;

    abstract Secret.Kind kind();

    @Override
    protected int run() {
      for (String r : refs) {
        client().control().removeSecret(RemoveSecretRequest.newBuilder().setKind(kind()).setRef(r).build());
        out().println(r);
      }
      return 0;
    }
  }

  abstract static class Rotate extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Parameters(index = "1", paramLabel = "FILE|-", description = "File with the new value, or - for stdin") String file;

    abstract Secret.Kind kind();

    @Override
    protected int run() throws Exception {
      var r = client().control().rotateSecret(RotateSecretRequest.newBuilder().setKind(kind()).setRef(name)
          .setData(read(kind(), file)).build());
      out().println(r.getSecret().getId());
      for (String s : r.getUpdatedServicesList()) System.err.println("service " + s + " updated to version " + r.getSecret().getVersionNumber());
      return 0;
    }
  }
}
