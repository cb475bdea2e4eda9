package io.sparkdnn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.NaiveGemm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model directory format: golden files of each version, and damage that must be refused. */
class ModelFormatTest {
  private static final Path GOLDEN_V1 = Path.of("src/test/resources/golden/model-v1");
  private static final Path GOLDEN_V2 = Path.of("src/test/resources/golden/model-v2");
  @TempDir Path dir;

  /**
   * The committed version-1 model reads back and predicts what a hand computation (in double,
   * recorded when the files were made) says: scaling, tanh hidden layer, softmax output.
   */
  @Test
  void goldenVersion1ReadsAndPredicts() {
    DnnModel model = read(GOLDEN_V1);
    assertEquals(GoldenModels.v1().spec(), model.spec());
    assertArrayEquals(GoldenModels.v1().weights(), model.weights());
    assertArrayEquals(new String[] {"cat", "dog", "emu"}, model.classNames());
    assertArrayEquals(new String[] {"a", "b", "c"}, model.columns().featureColumns());
    DenseNetwork net = new DenseNetwork(model.spec(), model.task(), 2, new NaiveGemm());
    float[][] inputs = {{1f, 2f, 3f}, {-1f, 0f, 0.5f}};
    for (int r = 0; r < 2; r++) {
      model.scaling().apply(inputs[r], 0, net.batch().features(), r * 3);
    }
    net.batch().setRows(2);
    net.predict(model.weights());
    float[] expected = {0.20385294f, 0.44194442f, 0.35420264f, 0.35140279f, 0.19783579f, 0.45076141f};
    float[] actual = new float[6];
    System.arraycopy(net.outputs(), 0, actual, 0, 6);
    assertArrayEquals(expected, actual, 1e-6f);
  }

  /**
   * The committed version-2 model (regression with target scaling) reads back, and its outputs
   * turned back into target units match a hand computation in double: y = y'·std + mean.
   */
  @Test
  void goldenVersion2ReadsAndPredictsInTargetUnits() {
    DnnModel model = read(GOLDEN_V2);
    assertEquals(GoldenModels.v2().spec(), model.spec());
    assertArrayEquals(new float[] {100f, -5f}, model.targetScaling().mean());
    assertArrayEquals(new float[] {20f, 0.5f}, model.targetScaling().std());
    DenseNetwork net = new DenseNetwork(model.spec(), model.task(), 2, new NaiveGemm());
    float[][] inputs = {{60f, 0.5f, 0.25f}, {40f, -1f, 0.75f}};
    for (int r = 0; r < 2; r++) {
      model.scaling().apply(inputs[r], 0, net.batch().features(), r * 3);
    }
    net.batch().setRows(2);
    net.predict(model.weights());
    model.targetScaling().invert(net.outputs(), 0, 2);
    double[] expected = {87.96437863975586, -4.651020182233961, 96.93959361327308, -4.899841131467045};
    for (int i = 0; i < 4; i++) {
      assertEquals(expected[i], net.outputs()[i], 2e-4 * Math.abs(expected[i]), "output " + i);
    }
  }

  @Test
  void flippedByteFailsTheChecksum() throws IOException {
    Path copy = copyOfGolden();
    byte[] bytes = Files.readAllBytes(copy.resolve("weights.bin"));
    bytes[40] ^= 0x01;
    Files.write(copy.resolve("weights.bin"), bytes);
    assertRefused(copy, "weights.bin fails its checksum; the model is damaged and cannot be used: restore its "
        + "directory from a copy or train it again");
  }

  @Test
  void truncatedWeights() throws IOException {
    Path copy = copyOfGolden();
    byte[] bytes = Files.readAllBytes(copy.resolve("weights.bin"));
    Files.write(copy.resolve("weights.bin"), java.util.Arrays.copyOf(bytes, bytes.length - 9));
    assertRefused(copy, "weights.bin has 135 bytes, expected 144", "the model is damaged");
  }

  @Test
  void wrongMagicNumber() throws IOException {
    Path copy = copyOfGolden();
    byte[] bytes = Files.readAllBytes(copy.resolve("weights.bin"));
    bytes[0] = 'X';
    Files.write(copy.resolve("weights.bin"), bytes);
    assertRefused(copy, "is not a spark-dnn weights file (bad magic number)" + ModelFormatException.DAMAGED_REMEDY);
  }

  @Test
  void weightsOfAnotherNetwork() throws IOException {
    Path copy = copyOfGolden();
    replaceInMetadata(copy, "3-4tanh-3softmax", "3-5tanh-3softmax");
    assertRefused(copy, "holds 31 parameters but network 3-5tanh-3softmax", "needs 38", "mixes files of different models");
  }

  @Test
  void newerFormatVersion() throws IOException {
    Path copy = copyOfGolden();
    replaceInMetadata(copy, "\"format_version\" : 1", "\"format_version\" : 7");
    assertRefused(copy, "model format version 7", "upgrade spark-dnn");
  }

  @Test
  void notJson() throws IOException {
    Path copy = copyOfGolden();
    Files.writeString(copy.resolve("metadata.json"), "{ not json");
    assertRefused(copy, "metadata.json is not valid JSON at line 1, column ", ModelFormatException.DAMAGED_REMEDY);
    // Cut short: named where the text ends, not where the open object began, and in no words of the parser's source.
    Files.writeString(copy.resolve("metadata.json"), "{\n  \"format\" : \"spark-dnn-model\",\n  \"network\" : {\n");
    ModelFormatException cut = assertThrows(ModelFormatException.class, () -> read(copy));
    assertTrue(cut.getMessage().contains("metadata.json is not valid JSON at line 4, column 1 (Unexpected end-of-input"),
        cut.getMessage());
    assertFalse(cut.getMessage().contains("Source") || cut.getMessage().contains("start marker"), cut.getMessage());
    Files.writeString(copy.resolve("metadata.json"), "");
    assertRefused(copy, "metadata.json is empty", ModelFormatException.DAMAGED_REMEDY);
  }

  @Test
  void missingWeightsAndMissingModel() throws IOException {
    Path copy = copyOfGolden();
    Files.delete(copy.resolve("weights.bin"));
    assertRefused(copy,
        "is not a complete spark-dnn model: weights.bin is missing" + ModelFormatException.DAMAGED_REMEDY);
    assertRefused(dir.resolve("nothing-here"), "no model at", "nothing-here", "(test.key)");
    Path data = Files.createDirectories(dir.resolve("a-data-directory")); // no metadata.json: not a damaged model
    Files.writeString(data.resolve("part-0.csv"), "a,b\n1,2\n");
    ModelFormatException notAModel = assertThrows(ModelFormatException.class, () -> read(data));
    assertTrue(notAModel.getMessage().contains("metadata.json is missing; give the directory of a model"),
        notAModel.getMessage());
    assertFalse(notAModel.getMessage().contains("damaged"), notAModel.getMessage());
    Path noMetadata = copyOfGolden(); // weights.bin says a model was here
    Files.delete(noMetadata.resolve("metadata.json"));
    assertRefused(noMetadata,
        "is not a complete spark-dnn model: metadata.json is missing" + ModelFormatException.DAMAGED_REMEDY);
  }

  @Test
  void writeThenReadIsExact() {
    String path = dir.resolve("written").toString();
    ModelWriter.open(path, false, new Configuration(), "model.path").commit(GoldenModels.v1());
    DnnModel back = read(Path.of(path));
    assertArrayEquals(GoldenModels.v1().weights(), back.weights());
    assertEquals("2026-11-27T00:00:00Z", back.record().created());
  }

  /**
   * Metadata a reader cannot use is refused when the model is loaded, naming the file and the field —
   * never later, row by row, in a Spark job.
   */
  @Test
  void unusableMetadataIsRefusedAtLoadNamingTheField() throws IOException {
    Path scaling = copyOfGolden();
    replaceInMetadata(scaling, "\"mode\" : \"standard\"", "\"mode\" : \"zscore\"");
    assertRefused(scaling, "metadata.json: field \"scaling.mode\"", "unknown scaling 'zscore'");
    Path shape = copyOfGolden();
    replaceInMetadata(shape, "\"shape\" : \"scalars\"", "\"shape\" : \"tensor\"");
    assertRefused(shape, "metadata.json: field \"features.shape\"", "unknown shape 'tensor'");
    Path classes = copyOfGolden();
    replaceInMetadata(classes, "\"cat\", \"dog\", \"emu\"", "\"cat\", \"dog\"");
    assertRefused(classes, "metadata.json: labels.classes has 2 names but network 3-4tanh-3softmax",
        "has 3 classes");
    Path task = copyOfGolden();
    replaceInMetadata(task, "\"task\" : \"multiclass\"", "\"task\" : \"ranking\"");
    assertRefused(task, "metadata.json: field \"task\"", "unknown task 'ranking'");
    Path shortScale = copyOfGolden();
    replaceInMetadata(shortScale, "\"scale\" : [ 1.0, 2.0, 0.5 ]", "\"scale\" : [ 1.0 ]");
    assertRefused(shortScale, "metadata.json: field \"scaling\": scale and shift differ in length",
        "the model is damaged");
  }

  private static DnnModel read(Path path) {
    return ModelReader.read(path.toString(), new Configuration(), "test.key");
  }

  private static void assertRefused(Path path, String... expected) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(path));
    // one line: a cause's further lines (Jackson's position) would cut the remedy off the error line
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    for (String s : expected) {
      assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
    }
  }

  private Path copyOfGolden() throws IOException {
    Path copy = dir.resolve("model-" + System.nanoTime());
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(GOLDEN_V1)) {
      for (Path f : (Iterable<Path>) files.sorted(Comparator.naturalOrder())::iterator) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    return copy;
  }

  private static void replaceInMetadata(Path model, String from, String to) throws IOException {
    Path metadata = model.resolve("metadata.json");
    String text = Files.readString(metadata);
    assertTrue(text.contains(from), "golden metadata has " + from);
    Files.writeString(metadata, text.replace(from, to));
  }
}
