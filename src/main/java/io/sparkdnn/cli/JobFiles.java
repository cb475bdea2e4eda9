package io.sparkdnn.cli;

import io.sparkdnn.data.DataSettings;
import io.sparkdnn.train.TrainingConfig;
import java.io.File;
import java.util.List;

/** The training and data settings of a job file, for programs other than the command line. */
public final class JobFiles {
  private JobFiles() {}

  public static TrainingConfig training(File conf, List<String> overrides) {
    return Jobs.training(ConfigLoader.load(conf, overrides));
  }

  public static DataSettings data(File conf, List<String> overrides) {
    return Jobs.data(ConfigLoader.load(conf, overrides));
  }

  /** The defaults of conf/defaults.conf, typed. */
  public static Settings defaults() {
    return ConfigLoader.load(null, List.of());
  }
}
