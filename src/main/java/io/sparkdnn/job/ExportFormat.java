package io.sparkdnn.job;

import io.sparkdnn.engine.Token;

/** The formats {@code dnn export} writes ({@code export.format}). */
public enum ExportFormat implements Token {
  /**
   * A standard ONNX model (opset 13) of the whole model, scaling included: raw features in, what
   * {@code dnn predict} gives out. See {@link io.sparkdnn.onnx.OnnxExporter} for its inputs, outputs
   * and metadata.
   */
  ONNX("onnx");

  private final String token;

  ExportFormat(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static ExportFormat fromToken(String token) {
    return Token.parse(ExportFormat.class, token, "export format");
  }
}
