package io.sparkdnn.model;

import io.sparkdnn.files.Causes;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The model directory format, version {@value #VERSION}:
 *
 * <pre>
 *   metadata.json   network, task, feature columns, their layout ("sparse" when rows are read
 *                   as non-zeros; absent means dense) and scaling, target scaling (regression,
 *                   from version 2), classes, and the
 *                   {@link TrainingRecord} (training config and metrics, row counts, versions)
 *   weights.bin     little-endian: magic "DNNW", format version (int32), parameter count (int32),
 *                   the parameters (float32 × count), CRC-32 of the parameter bytes (int64)
 *   metrics.jsonl   one JSON object per training epoch
 * </pre>
 */
public final class ModelFormat {
  public static final String FORMAT = "spark-dnn-model";
  /** Metadata format written; version 2 added the regression target scaling. Versions 1 and 2 are read. */
  public static final int VERSION = 2;
  /** The weights.bin layout, unchanged since version 1. */
  static final int WEIGHTS_VERSION = 1;
  public static final String METADATA = "metadata.json";
  public static final String WEIGHTS = "weights.bin";
  public static final String METRICS = "metrics.jsonl";
  static final int MAGIC = 0x574E4E44; // "DNNW" read as little-endian int32
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFormat() {}

  /** metadata.json for a model. */
  static byte[] metadata(DnnModel model) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", VERSION);
    root.put("network", model.spec().toString());
    root.put("task", model.task().token());
    root.put("parameters", model.spec().parameterCount());
    InputColumns c = model.columns();
    ObjectNode features = root.putObject("features");
    strings(features.putArray("columns"), c.featureColumns());
    features.put("shape", c.featureShape().name().toLowerCase());
    features.put("width", c.width());
    if (c.layout() == DataLayout.SPARSE) {
      // Read as dense by readers from before layouts: the same predictions, from densified rows.
      features.put("layout", c.layout().token());
    }
    ObjectNode labels = root.putObject("labels");
    strings(labels.putArray("columns"), c.labelColumns());
    labels.put("shape", c.labelShape().name().toLowerCase());
    labels.put("string_labels", c.stringLabels());
    if (model.labels() != null) {
      labels.put("numeric", model.labels().isNumeric());
      strings(labels.putArray("classes"), model.labels().labels());
    }
    ObjectNode scaling = root.putObject("scaling");
    scaling.put("mode", model.scaling().mode().token());
    if (model.scaling().mode() != ScalingMode.NONE) {
      floats(scaling.putArray("scale"), model.scaling().scale());
      floats(scaling.putArray("shift"), model.scaling().shift());
    }
    if (!model.targetScaling().isIdentity()) {
      ObjectNode targets = root.putObject("target_scaling");
      targets.put("mode", ScalingMode.STANDARD.token());
      floats(targets.putArray("mean"), model.targetScaling().mean());
      floats(targets.putArray("std"), model.targetScaling().std());
    }
    model.record().writeTo(root);
    return JSON.writeValueAsBytes(root);
  }

  /** Parses metadata.json and weights into a model; {@code where} names the directory in errors. */
  static DnnModel parse(byte[] metadataBytes, byte[] weightBytes, String where) throws IOException {
    JsonNode root;
    if (new String(metadataBytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      // cut to nothing (a full disk, a copy interrupted): damaged, not some other directory
      throw ModelFormatException.damaged(where + "/" + METADATA + " is empty");
    }
    try {
      root = JSON.readTree(metadataBytes);
    } catch (IOException e) {
      throw ModelFormatException.damaged(where + "/" + METADATA + " is not valid JSON "
          + io.sparkdnn.results.Json.problem(e));
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new ModelFormatException(where + " is not a spark-dnn model (" + METADATA
          + " has no \"format\": \"" + FORMAT + "\")");
    }
    int version = root.path("format_version").asInt(-1);
    if (version > VERSION) {
      throw new ModelFormatException(where + " has model format version " + version + ", newer than "
          + "this spark-dnn " + Versions.project() + " reads (up to " + VERSION + "); upgrade spark-dnn");
    }
    if (version < 1) {
      throw ModelFormatException.damaged(where + "/" + METADATA + " has no valid format_version");
    }
    String file = where + "/" + METADATA;
    NetworkSpec spec = field(file, "network", () -> NetworkSpec.parse(required(root, "network", where).asText()));
    Task task = field(file, "task", () -> Task.fromToken(required(root, "task", where).asText()));
    field(file, "task", () -> {
      task.checkCompatible(spec);
      return null;
    });
    JsonNode f = required(root, "features", where);
    JsonNode l = required(root, "labels", where);
    InputColumns columns = new InputColumns(strings(f.path("columns")),
        field(file, "features.shape", () -> shape(f.path("shape").asText())),
        f.path("width").asInt(), strings(l.path("columns")),
        field(file, "labels.shape", () -> shape(l.path("shape").asText())), l.path("string_labels").asBoolean(),
        field(file, "features.layout", () -> layout(f.path("layout").asText("dense"))));
    if (columns.width() != spec.inputWidth()) {
      throw ModelFormatException.damaged(file + ": features.width is " + columns.width() + " but network " + spec
          + " takes " + spec.inputWidth() + " inputs");
    }
    LabelIndex labels = l.has("classes") ? new LabelIndex(l.path("numeric").asBoolean(), strings(l.path("classes"))) : null;
    if (labels != null) {
      int expected = task == Task.BINARY ? 2 : spec.outputWidth();
      if (labels.size() != expected) {
        throw ModelFormatException.damaged(file + ": labels.classes has " + labels.size() + " names but network " + spec
            + " (" + task.token() + ") has " + expected + " classes");
      }
    } else if (task.isClassification()) {
      throw ModelFormatException.damaged(file + ": labels.classes is missing for a " + task.token() + " model");
    }
    JsonNode s = required(root, "scaling", where);
    ScalingMode mode = field(file, "scaling.mode", () -> ScalingMode.fromToken(s.path("mode").asText()));
    FeatureScaling scaling = mode == ScalingMode.NONE
        ? FeatureScaling.none(columns.width())
        : field(file, "scaling", () -> new FeatureScaling(mode, floats(s.path("scale")), floats(s.path("shift"))));
    if (scaling.width() != columns.width()) {
      throw ModelFormatException.damaged(file + ": scaling has " + scaling.width()
          + " values but the features are " + columns.width() + " wide");
    }
    JsonNode t = root.get("target_scaling");
    TargetScaling targetScaling = t == null
        ? TargetScaling.none(task.targetWidth(spec))
        : field(file, "target_scaling", () -> new TargetScaling(floats(t.path("mean")), floats(t.path("std"))));
    float[] weights = readWeights(weightBytes, spec, where);
    TrainingRecord record;
    try {
      record = TrainingRecord.readFrom(root, task);
    } catch (RuntimeException e) {
      throw ModelFormatException.damaged(where + "/" + METADATA + ": unreadable training record: " + Causes.firstLine(e));
    }
    try {
      return new DnnModel(spec, task, weights, columns, scaling, targetScaling, labels, record);
    } catch (IllegalArgumentException e) { // parts that each read well but do not fit together
      throw ModelFormatException.damaged(where + ": " + Causes.firstLine(e));
    }
  }

  static byte[] weights(float[] parameters) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 4 * parameters.length);
    DataOutputStream out = new DataOutputStream(bytes);
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(MAGIC).putInt(WEIGHTS_VERSION).putInt(parameters.length);
    out.write(header.array());
    ByteArrayOutputStream payload = new ByteArrayOutputStream(4 * parameters.length);
    FloatArrays.write(new DataOutputStream(payload), parameters);
    byte[] data = payload.toByteArray();
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(data);
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).array());
    return bytes.toByteArray();
  }

  static float[] readWeights(byte[] bytes, NetworkSpec spec, String where) throws IOException {
    String file = where + "/" + WEIGHTS;
    if (bytes.length < 20) {
      throw ModelFormatException.damaged(file + " is truncated (" + bytes.length + " bytes)");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 0, 12).order(ByteOrder.LITTLE_ENDIAN);
    if (header.getInt() != MAGIC) {
      throw ModelFormatException.damaged(file + " is not a spark-dnn weights file (bad magic number)");
    }
    int version = header.getInt();
    if (version != WEIGHTS_VERSION) {
      throw new ModelFormatException(file + " has weights format " + version + "; this spark-dnn reads "
          + WEIGHTS_VERSION);
    }
    int count = header.getInt();
    if (count != spec.parameterCount()) {
      throw new ModelFormatException(file + " holds " + count + " parameters but network " + spec
          + " in " + METADATA + " needs " + spec.parameterCount()
          + "; the directory mixes files of different models — retrain or restore it");
    }
    long expectedLength = 12L + 4L * count + 8;
    if (bytes.length != expectedLength) {
      throw ModelFormatException.damaged(file + " has " + bytes.length + " bytes, expected " + expectedLength
          + " for " + count + " parameters");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 12, 4 * count);
    long stored = ByteBuffer.wrap(bytes, 12 + 4 * count, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (stored != crc.getValue()) {
      throw ModelFormatException.damaged(file + " fails its checksum");
    }
    float[] weights = new float[count];
    FloatArrays.read(new DataInputStream(new ByteArrayInputStream(bytes, 12, 4 * count)), weights);
    return weights;
  }

  /** Reads one field; a value it cannot take becomes an error that names the file and the field. */
  private static <T> T field(String file, String name, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      throw ModelFormatException.damaged(file + ": field \"" + name + "\": " + Causes.firstLine(e));
    }
  }

  private static InputColumns.Shape shape(String text) {
    for (InputColumns.Shape shape : InputColumns.Shape.values()) {
      if (shape.name().equalsIgnoreCase(text)) {
        return shape;
      }
    }
    throw new IllegalArgumentException("unknown shape '" + text + "'; expected vector, array or scalars");
  }

  private static DataLayout layout(String text) {
    DataLayout layout = DataLayout.fromToken(text);
    if (layout == DataLayout.AUTO) {
      throw new IllegalArgumentException("a model's layout is dense or sparse, found auto");
    }
    return layout;
  }

  private static JsonNode required(JsonNode root, String field, String where) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw ModelFormatException.damaged(where + "/" + METADATA + " has no \"" + field + "\"");
    }
    return node;
  }

  private static void strings(ArrayNode array, String[] values) {
    for (String v : values) {
      array.add(v);
    }
  }

  private static String[] strings(JsonNode array) {
    String[] out = new String[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asText();
    }
    return out;
  }

  private static void floats(ArrayNode array, float[] values) {
    for (float v : values) {
      array.add(v);
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
