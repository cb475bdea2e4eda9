package io.sparkdnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sparkdnn.onnx.ExportInput;
import org.junit.jupiter.api.Test;

/** What an exported ONNX model is called: a store model by its name and version in the store. */
class OnnxExportTest {

  @Test
  void aModelOutsideAStoreIsNamedAsTheCallerSays() {
    ExportInput in = OnnxExport.input(GoldenModels.v1(), "fashion");
    assertEquals("fashion", in.modelName());
    assertNull(in.modelVersion());
  }

  /** The version directory's name is the version, not the model's name (found by a trial). */
  @Test
  void aStoreModelIsNamedByItsNameAndVersionInTheStore() {
    DnnModel plain = GoldenModels.v1();
    String version = "v000005-20261202T040706Z";
    DnnModel stored = plain.withRecord(plain.record().withStore(
        new TrainingRecord.StoreRecord("weather", version, "night-5", null)));
    ExportInput in = OnnxExport.input(stored, version);
    assertEquals("weather", in.modelName());
    assertEquals(version, in.modelVersion());
  }
}
