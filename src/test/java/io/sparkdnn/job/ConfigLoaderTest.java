package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.Task;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static ConfigException refused(File file, String... sets) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of(sets)).requireTraining());
  }

  @Test
  void fileThenSetOverrides() throws IOException {
    File conf = dir.resolve("job.conf").toFile();
    Files.writeString(conf.toPath(), "network.layers = \"4-3relu-2softmax\"\ntraining { epochs = 3, mode = sync }\n");
    TrainingConfig c = ConfigLoader.load(conf, List.of("training.epochs=7")).requireTraining();
    assertEquals(7, c.epochs());
    assertEquals(TrainingMode.SYNC, c.mode());
    assertEquals(Task.MULTICLASS, c.task());
    assertEquals(0.001, c.optimizer().learningRate(), 0, "default from conf/defaults.conf");
  }

  /**
   * An include resolves beside the including file also when --conf names it relative to the working
   * directory without a directory part (inc.conf): it was silently not found. The files are made in the
   * working directory (the project's root under Maven) and removed after.
   */
  @Test
  void anIncludeResolvesBesideARelativeConfFile() throws IOException {
    String id = java.util.UUID.randomUUID().toString();
    File base = new File(".config-loader-test-base-" + id + ".conf");
    File including = new File(".config-loader-test-inc-" + id + ".conf");
    try {
      Files.writeString(base.toPath(), "network.layers = \"4-3relu-2softmax\"\ntraining.epochs = 9\n");
      Files.writeString(including.toPath(), "include \"" + base.getName() + "\"\ntraining.mode = sync\n");
      TrainingConfig c = ConfigLoader.load(including, List.of()).requireTraining();
      assertEquals(9, c.epochs());
      assertEquals(TrainingMode.SYNC, c.mode());
    } finally {
      Files.deleteIfExists(base.toPath());
      Files.deleteIfExists(including.toPath());
    }
  }

  @Test
  void setParsesListsNullsAndPathsWithSlashes() {
    JobConfig c = ConfigLoader.load(null, List.of("data.features=[a, b, c]", "data.train.path=hdfs://nn:8020/x/y",
        "model.warm-start=null", "data.label=\"quoted\""));
    assertEquals(List.of("a", "b", "c"), c.data().features());
    assertEquals("hdfs://nn:8020/x/y", c.trainSource().path());
    assertEquals(null, c.model().warmStart());
    assertEquals(List.of("quoted"), c.data().labels());
  }

  @Test
  void unknownKeysSuggestTheNearestKnownOne() throws IOException {
    File conf = dir.resolve("typo.conf").toFile();
    Files.writeString(conf.toPath(), "training { optimiser { name = adam } }\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, List.of()));
    assertTrue(e.getMessage().contains("unknown configuration key 'training.optimiser.name' in " + conf), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean training.optimizer.name?"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("data.lable=y")));
    assertTrue(e.getMessage().contains("did you mean data.label?"), e.getMessage());
  }

  @Test
  void freeFormMapsAcceptAnyKey() {
    JobConfig c = ConfigLoader.load(null, List.of("spark.conf.\"spark.executor.memory\"=4g",
        "data.train.options.sep=;", "data.train.path=x.csv"));
    assertEquals("4g", c.spark().conf().get("spark.executor.memory"));
    assertEquals(";", c.trainSource().options().get("sep"));
  }

  @Test
  void badValuesNameTheKeyAndTheFile() throws IOException {
    File conf = dir.resolve("bad.conf").toFile();
    Files.writeString(conf.toPath(), "network.layers = \"4-3relu-2softmax\"\ntraining.batch-size = -5\n");
    ConfigException e = refused(conf);
    assertTrue(e.getMessage().contains("training.batch-size must be auto or between 1 and"), e.getMessage());
    assertTrue(e.getMessage().contains("bad.conf"), "names the file: " + e.getMessage());
    e = refused(null, "network.layers=4-3relu-2softmax", "training.optimizer.name=rmsprop");
    assertTrue(e.getMessage().contains("training.optimizer.name: unknown optimizer 'rmsprop'"), e.getMessage());
    e = refused(null, "network.layers=4-3relu-2softmax", "training.optimizer.name=lbfgs");
    assertTrue(e.getMessage().contains("lbfgs is a full-batch method"), e.getMessage());
    // a refused combination says where the keys it names were set, not where network.layers was
    assertTrue(e.getMessage().endsWith("(--set training.optimizer.name)"),
        e.getMessage());
    e = refused(null, "network.layers=4-3relu-2softmax", "training.early-stopping.metric=val_rmse");
    assertTrue(e.getMessage().startsWith("training.early-stopping.metric = val_rmse needs a regression network "
        + "(network.layers 4-3relu-2softmax is multiclass)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(--set training.early-stopping.metric; --set network.layers)"), e.getMessage());
    e = refused(null, "network.layers=4-3relu-2softmax", "network.task=regression");
    assertTrue(e.getMessage().contains("regression needs loss mse"), e.getMessage());
    e = refused(null, "training.epochs=3");
    assertTrue(e.getMessage().contains("network.layers is not set"), e.getMessage());
    e = refused(null, "network.layers=4-3relu-2softmax", "training.early-stopping.metric=val_f1");
    assertTrue(e.getMessage().contains("training.early-stopping.metric must be one of"), e.getMessage());
  }

  /** Every example configuration shipped in conf/ loads and validates. */
  @Test
  void exampleConfigurationsAreValid() {
    for (String example : new String[] {"conf/fashion-mnist.conf", "conf/fashion-mnist-wide.conf", "conf/multiclass.conf", "conf/binary.conf",
        "conf/regression.conf"}) {
      JobConfig c = ConfigLoader.load(new File(example), List.of());
      c.requireTraining();
      c.requireTrainSource();
    }
  }

  /** A whole-number key refuses a fraction rather than truncating it: 2.5 epochs is not 2. */
  @Test
  void wholeNumberKeysRefuseFractions() {
    ConfigException e = refused(null, "network.layers=4-3relu-2softmax", "training.epochs=2.5");
    assertTrue(e.getMessage().contains("training.epochs must be a whole number, found 2.5"), e.getMessage());
    ConfigException list = refused(null, "network.layers=4-3relu-2softmax", "training.epochs=[1,2]");
    assertTrue(list.getMessage().contains("training.epochs must be a whole number, found [1,2]"), list.getMessage());
    assertFalse(list.getMessage().contains("\n"), "one line: " + list.getMessage());
  }

  /**
   * A value of the wrong shape from --set is shown on one line, named as set by --set: a list where
   * one value goes, an empty value, a map under a key that takes one value.
   */
  @Test
  void wrongShapesFromSetAreShownOnOneLineWithTheirOrigin() {
    ConfigException list = refused(null, "network.layers=[784, 8relu]");
    assertEquals("network.layers must be a single value, found [784,\"8relu\"] (--set network.layers)",
        list.getMessage());
    ConfigException epochs = refused(null, "network.layers=4-3relu-2softmax", "training.epochs=[3]");
    assertEquals("training.epochs must be a whole number, found [3] (--set training.epochs)", epochs.getMessage());
    ConfigException empty = refused(null, "network.layers=4-3relu-2softmax", "training.epochs=");
    assertEquals("training.epochs must be a whole number, found an empty value (--set training.epochs)",
        empty.getMessage());
    ConfigException map = refused(null, "training.epochs={a=1}");
    assertEquals("training.epochs takes a single value, not a map of settings: found 'training.epochs.a' in --set "
        + "(conf/defaults.conf shows every key with its default)", map.getMessage());
    ConfigException names = refused(null, "data.features=[a, [b]]");
    assertTrue(names.getMessage().startsWith("data.features must be a list of names, found [\"a\",[\"b\"]] "
        + "(--set data.features)"), names.getMessage());
  }

  /** Spark settings are typed as users type them, nested or quoted. */
  @Test
  void dottedSparkKeysWorkAsTyped() {
    JobConfig c = ConfigLoader.load(null, List.of("spark.conf.spark.default.parallelism=1",
        "spark.conf.\"spark.sql.shuffle.partitions\"=3"));
    assertEquals("1", c.spark().conf().get("spark.default.parallelism"));
    assertEquals("3", c.spark().conf().get("spark.sql.shuffle.partitions"));
  }

  @Test
  void aSectionGivenAsAValueSuggestsItsPathKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of("data.train=x.csv")));
    assertTrue(e.getMessage().contains("unknown configuration key 'data.train'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean data.train.path?"), e.getMessage());
  }

  /** Substitutions (environment variables, other keys) are resolved before keys are checked. */
  @Test
  void substitutionsAreResolved() throws IOException {
    File conf = dir.resolve("subst.conf").toFile();
    Files.writeString(conf.toPath(), "base = ${HOME}\ndata.train.path = ${HOME}\"/train.parquet\"\n"
        + "model.path = ${data.train.path}\"-model\"\nnetwork.layers = \"4-3relu-2softmax\"\n");
    ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, List.of()));
    assertTrue(unknown.getMessage().contains("unknown configuration key 'base'"), unknown.getMessage());
    Files.writeString(conf.toPath(), "data.train.path = ${HOME}\"/train.parquet\"\n"
        + "model.path = ${data.train.path}\"-model\"\nnetwork.layers = \"4-3relu-2softmax\"\n");
    JobConfig c = ConfigLoader.load(conf, List.of());
    assertEquals(System.getenv("HOME") + "/train.parquet", c.trainSource().path());
    assertEquals(System.getenv("HOME") + "/train.parquet-model", c.model().path());
  }

  @Test
  void aWidthTooLargeForAnIntIsNamed() {
    ConfigException e = refused(null, "network.layers=4-99999999999relu-2softmax");
    assertTrue(e.getMessage().contains("width 99999999999 is too large"), e.getMessage());
  }

  /** A setting that another takes the place of is named as not used, not dropped silently. */
  @Test
  void settingsThatAnotherReplacesAreNamedAsUnused() {
    List<String> unused = ConfigLoader.unused(null, List.of("network.layers=4-3relu-2softmax",
        "data.validation.path=/v.parquet", "data.validation-fraction=0.3", "training.mode=sync",
        "training.outer-momentum=0.9", "store.path=/s", "store.name=m", "model.path=/m"));
    assertEquals(3, unused.size(), unused.toString());
    assertTrue(unused.get(0).startsWith("data.validation-fraction (--set data.validation-fraction) is not used"),
        unused.get(0));
    assertTrue(unused.get(1).startsWith("training.outer-momentum (--set training.outer-momentum) is not used"),
        unused.get(1));
    assertTrue(unused.get(2).startsWith("model.path (--set model.path) is not used"), unused.get(2));
    assertEquals(List.of(), ConfigLoader.unused(null, List.of("network.layers=4-3relu-2softmax",
        "data.validation.path=/v.parquet", "training.mode=sync")), "defaults are not counted as given");
  }
}
