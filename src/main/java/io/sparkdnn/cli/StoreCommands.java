package io.sparkdnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.files.PosixLocalFileSystem;
import io.sparkdnn.job.ConfigException;
import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.NearestName;
import io.sparkdnn.store.ModelStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The model store's commands. They read and write files only (no Spark job), so they start fast
 * and suit schedulers: {@code list}, {@code show}, {@code promote}, {@code rollback}, {@code prune},
 * {@code unlock}.
 */
final class StoreCommands {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private StoreCommands() {}

  /** --store and --name, or store.path and store.name from configuration. */
  static final class Target {
    @Mixin CommonOptions options;
    @Spec(Spec.Target.MIXEE) CommandSpec command;
    @Option(names = "--store", paramLabel = "DIR", description = "Model store (store.path)")
    String store;
    @Option(names = "--name", paramLabel = "NAME", description = "Model name (store.name)")
    String name;

    PrintWriter out() {
      return command.commandLine().getOut();
    }

    /**
     * The model named by --store and --name (or configuration), which must exist: every command
     * here reads or administers an existing model, so a mistyped path or name is refused rather
     * than shown as a model without versions (only {@code dnn train} creates a model).
     *
     * @throws ConfigException when the store or the name is not set, or names no existing model
     */
    ModelStore open() {
      options.shorthand("--store", "store.path", store);
      options.shorthand("--name", "store.name", name);
      JobConfig.StoreSettings s = options.config().store();
      if (s.path() == null || s.name() == null) {
        throw new ConfigException((s.path() == null ? "store.path (--store)" : "store.name (--name)")
            + " is not set; e.g. --store /models --name fashion");
      }
      ModelStore store = new ModelStore(s.path(), s.name(), PosixLocalFileSystem.install(new Configuration()));
      if (!store.modelExists()) {
        throw new ConfigException(missing(store, s.path()));
      }
      return store;
    }
  }

  /** Why there is no model {@code store.name()} at {@code path}: no store there, or which names it has, nearest first. */
  private static String missing(ModelStore store, String path) {
    if (!store.storeExists()) {
      return "no model store at " + path + " (no such directory; --store / store.path); check the path (`dnn train "
          + "--store " + path + " --name " + store.name() + "` would create it)";
    }
    List<String> models = new ArrayList<>(store.models());
    if (models.isEmpty()) {
      return "no model named " + store.name() + " in store " + path + ", which holds no models; check --store "
          + "(store.path) and --name (store.name)";
    }
    models.sort(Comparator.comparingInt((String m) -> NearestName.distance(store.name(), m))
        .thenComparing(Comparator.naturalOrder()));
    String shown = String.join(", ", models.subList(0, Math.min(models.size(), 8)))
        + (models.size() > 8 ? " and " + (models.size() - 8) + " more" : "");
    return "no model named " + store.name() + " in store " + path + "; it has " + shown + " (nearest first); check "
        + "--name (store.name)";
  }

  @Command(name = "list", description = {"List a model's versions, oldest first; * marks production.",
      "Broken versions (no readable metadata.json) are listed and marked; so is a CURRENT that points at nothing."})
  static final class ListCommand implements Callable<Integer> {
    @Mixin Target target;

    @Override
    public Integer call() {
      ModelStore store = target.open();
      String current = store.current();
      PrintWriter out = target.out();
      List<ModelStore.VersionInfo> versions = store.survey();
      if (versions.isEmpty()) {
        out.println("model " + store.name() + " has no versions yet");
      } else {
        out.printf(Locale.ROOT, "  %-24s %-20s %-9s %-10s %-10s %s%n", "version", "created", "metric", "validation",
            "test", "promotion");
      }
      for (ModelStore.VersionInfo info : versions) {
        String mark = info.version().equals(current) ? "*" : " ";
        if (info.broken()) {
          out.printf(Locale.ROOT, "%s %-24s BROKEN: %s%n", mark, info.version(), info.problem());
          continue;
        }
        JsonNode m = info.metadata();
        JsonNode promotion = m.at("/store/promotion");
        String metric = promotion.path("metric").asText(
            m.at("/validation_metrics/accuracy").isMissingNode() && m.at("/test_metrics/accuracy").isMissingNode()
                ? "rmse" : "accuracy");
        out.printf(Locale.ROOT, "%s %-24s %-20s %-9s %-10s %-10s %s%n", mark, info.version(),
            m.path("created").asText("").replaceAll("\\.\\d+Z$", "Z"), metric,
            metricText(m.at("/validation_metrics/" + metric)), metricText(m.at("/test_metrics/" + metric)),
            promotion.isMissingNode() ? "" : (promotion.path("promoted").asBoolean() ? "promoted" : "kept old")
                + ": " + promotion.path("reason").asText());
      }
      if (current != null && !store.hasVersion(current)) {
        out.println("! " + store.danglingCurrent(current));
      }
      return 0;
    }

    private static String metricText(JsonNode value) {
      return value.isNumber() ? String.format(Locale.ROOT, "%.4f", value.asDouble()) : "-";
    }
  }

  @Command(name = "show", description = "Show a version's metadata summary as JSON (VERSION or current).")
  static final class ShowCommand implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(paramLabel = "VERSION", defaultValue = "current", description = "A version id, or current")
    String version;

    @Override
    public Integer call() throws IOException {
      ModelStore store = target.open();
      String v = resolve(store, version);
      JsonNode m = store.metadata(v);
      ObjectNode out = JSON.createObjectNode();
      out.put("name", store.name());
      out.put("version", v);
      out.put("production", v.equals(store.current()));
      out.put("path", store.versionPath(v));
      for (String field : new String[] {"created", "network", "task", "rows", "epochs_run", "best_epoch",
          "training_seconds", "validation_metrics", "test_metrics", "store", "drift", "versions"}) {
        if (m.has(field)) {
          JsonNode value = m.get(field);
          if (field.equals("validation_metrics") || field.equals("test_metrics")) {
            value = value.deepCopy();
            ((ObjectNode) value).remove(List.of("per_class", "per_label", "confusion_matrix", "labels"));
          }
          out.set(field, value);
        }
      }
      target.out().println(JSON.writeValueAsString(out));
      return 0;
    }
  }

  @Command(name = "promote", description = "Make VERSION the production version (a manual promotion).")
  static final class PromoteCommand implements Callable<Integer> {
    @Mixin Target target;
    @Parameters(paramLabel = "VERSION") String version;
    @Option(names = "--reason", defaultValue = "promoted by hand") String reason;

    @Override
    public Integer call() {
      ModelStore store = target.open();
      String previous = store.promote(version, reason);
      target.out().println("production: " + version + " (was " + (previous == null ? "none" : previous) + ")");
      return 0;
    }
  }

  @Command(name = "rollback", description = "Return production to the version it was before the current one.")
  static final class RollbackCommand implements Callable<Integer> {
    @Mixin Target target;
    @Option(names = "--reason", defaultValue = "rolled back by hand") String reason;

    @Override
    public Integer call() {
      ModelStore store = target.open();
      String was = store.current();
      String now = store.rollback(reason);
      target.out().println("production: " + now + " (was " + was + ")");
      return 0;
    }
  }

  @Command(name = "prune", description = "Delete old versions beyond the newest N (never production or its rollback target).")
  static final class PruneCommand implements Callable<Integer> {
    @Mixin Target target;
    @Option(names = "--keep", required = true, paramLabel = "N") int keep;

    @Override
    public Integer call() {
      List<String> deleted = target.open().prune(keep);
      target.out().println(deleted.isEmpty() ? "nothing to prune" : "deleted " + String.join(", ", deleted));
      return 0;
    }
  }

  @Command(name = "unlock", description = "Break a stale lock left by a run that died.")
  static final class UnlockCommand implements Callable<Integer> {
    @Mixin Target target;

    @Override
    public Integer call() {
      String owner = target.open().breakLock();
      target.out().println(owner == null ? "no lock" : "removed the lock of " + owner.trim());
      return 0;
    }
  }

  private static String resolve(ModelStore store, String version) {
    if (version.equals("current")) {
      String current = store.production();
      if (current == null) {
        throw new IllegalStateException("model " + store.name() + " has no production version; `dnn list` shows "
            + "its versions");
      }
      return current;
    }
    if (!store.hasVersion(version)) {
      throw new IllegalArgumentException("no version " + version + " of model " + store.name() + "; `dnn list` shows them");
    }
    return version;
  }
}
