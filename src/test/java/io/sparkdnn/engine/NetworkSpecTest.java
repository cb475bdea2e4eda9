package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkSpecTest {

  @Test
  void parsesTheCompactSyntaxAndLaysOutParameters() {
    NetworkSpec spec = NetworkSpec.parse("784-256relu-128relu+dropout0.5-10softmax");
    assertEquals(784, spec.inputWidth());
    assertEquals(3, spec.layerCount());
    assertEquals(0.5f, spec.layer(1).dropout());
    assertEquals(Loss.LOG_LIKELIHOOD, spec.loss());
    assertEquals(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, spec.parameterCount());
    assertEquals(784 * 256, spec.biasOffset(0));
    assertEquals(784 * 256 + 256, spec.weightOffset(1));
    assertEquals(Task.MULTICLASS, Task.inferFrom(spec));
  }

  @ParameterizedTest
  @CsvSource({
    "784-256relu-128relu-10softmax",
    "2-8tanh-1sigmoid:mse",
    "3-1sigmoid",
    "5-4leakyrelu+dropout0.25-3identity",
    "10-2sigmoid"
  })
  void compactFormRoundTrips(String text) {
    NetworkSpec spec = NetworkSpec.parse(text);
    assertEquals(text, spec.toString());
    assertEquals(spec, NetworkSpec.parse(spec.toString()));
  }

  @Test
  void builderMatchesParser() {
    NetworkSpec built = NetworkSpec.builder(4)
        .hidden(8, Activation.TANH)
        .hidden(6, Activation.RELU, 0.1f)
        .output(3, Activation.SIGMOID)
        .loss(Loss.MSE)
        .build();
    assertEquals(NetworkSpec.parse("4-8tanh-6relu+dropout0.1-3sigmoid:mse"), built);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "784-0relu-10softmax       | hidden layer 1 width must be positive, found 0",
    "0-10softmax               | input width must be positive",
    "784-10relu-0softmax       | output layer width must be positive",
    "784-256softmax-10softmax  | hidden layer 1 uses softmax, which is only allowed on the output layer",
    "784-10softmax:bce         | for one class out of many use softmax with loglik",
    "784-10sigmoid:loglik      | loss loglik needs a softmax output layer",
    "784-10softmax:mse         | use softmax with loglik",
    "784-10identity:bce        | for real-valued outputs use mse",
    "784-256relu+dropout1.0-10softmax | has dropout 1.0; it must be in [0, 1)",
    "784-256relu+dropout1.5-10softmax | it must be in [0, 1)",
    "784-10softmax+dropout0.5  | dropout on the output layer is not supported",
    "784-256swish-10softmax    | unknown activation 'swish'",
    "784-256relu-10softmax:l1  | unknown loss 'l1'",
    "784                       | needs an input width and at least an output layer",
    "relu-10softmax            | must start with the input width",
    "784--10softmax            | cannot read layer ''",
    "784-256-10softmax         | cannot read layer '256'",
  })
  void badSpecsAreRejectedWithAReason(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NetworkSpec.parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void negativeWidthsFromTheBuilder() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.builder(4).hidden(-5, Activation.RELU).output(2, Activation.SOFTMAX).build());
    assertTrue(e.getMessage().contains("found -5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.builder(4).hidden(3, Activation.RELU, -0.1f).output(2, Activation.SOFTMAX).build());
    assertTrue(e.getMessage().contains("it must be in [0, 1)"), e.getMessage());
  }

  @Test
  void mismatchedSizesAreNamed() {
    NetworkSpec spec = NetworkSpec.parse("4-3relu-2softmax");
    DenseNetwork net = new DenseNetwork(spec, Task.MULTICLASS, 2, new NaiveGemm());
    net.batch().setRows(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.accumulateGradient(new float[10], new float[spec.parameterCount()], new LossAccumulator(), 0));
    assertTrue(e.getMessage().contains("parameter vector has 10 values but network 4-3relu-2softmax needs 23"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> net.batch().setRows(3));
    assertTrue(e.getMessage().contains("holds 0..2 rows"), e.getMessage());
    net.batch().targets()[0] = 5;
    e = assertThrows(IllegalArgumentException.class,
        () -> net.evaluate(new float[spec.parameterCount()], new LossAccumulator()));
    assertTrue(e.getMessage().contains("class target 5.0; expected an index in [0, 2)"), e.getMessage());
  }

  @Test
  void tasksThatTheOutputsCannotExpressAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Task.BINARY.checkCompatible(NetworkSpec.parse("4-3softmax")));
    assertTrue(e.getMessage().contains("exactly one sigmoid output"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Task.REGRESSION.checkCompatible(NetworkSpec.parse("4-3softmax")));
    assertTrue(e.getMessage().contains("regression needs loss mse"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Task.MULTICLASS.checkCompatible(NetworkSpec.parse("4-1sigmoid")));
    assertTrue(e.getMessage().contains("at least 2 outputs"), e.getMessage());
  }

  @Test
  void initialisationIsSeededAndScaledPerActivation() {
    NetworkSpec spec = NetworkSpec.parse("400-300relu-200tanh-2softmax");
    float[] a = Initialization.AUTO.initialize(spec, 5);
    float[] b = Initialization.AUTO.initialize(spec, 5);
    assertEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(b));
    // He for the ReLU layer: Var = 2/400; Glorot for tanh: Var = 2/(300+200)
    assertEquals(2.0 / 400, variance(a, spec.weightOffset(0), spec.biasOffset(0)), 2.0 / 400 * 0.03);
    assertEquals(2.0 / 500, variance(a, spec.weightOffset(1), spec.biasOffset(1)), 2.0 / 500 * 0.03);
    for (int i = spec.biasOffset(0); i < spec.weightOffset(1); i++) {
      assertEquals(0f, a[i], "biases start at zero");
    }
    float[] normal = Initialization.HE_NORMAL.initialize(spec, 5);
    assertEquals(2.0 / 400, variance(normal, spec.weightOffset(0), spec.biasOffset(0)), 2.0 / 400 * 0.03);
  }

  private static double variance(float[] a, int start, int end) {
    double sum = 0, squares = 0;
    for (int i = start; i < end; i++) {
      sum += a[i];
      squares += (double) a[i] * a[i];
    }
    int n = end - start;
    return squares / n - Math.pow(sum / n, 2);
  }
}
