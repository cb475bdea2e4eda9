package io.sparkdnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.SparkEnv;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Fetch;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.MlRelation;
import org.apache.spark.connect.proto.ObjectRef;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.apache.spark.connect.proto.WriteOperation;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkproject.connect.grpc.ManagedChannel;
import org.sparkproject.connect.grpc.StatusRuntimeException;
import org.sparkproject.connect.grpc.netty.NettyChannelBuilder;

/**
 * The ML stages over a real Spark Connect server (Spark's own, started on loopback in this JVM),
 * driven by the Connect protocol's ML commands as a Connect client sends them: fit an estimator by
 * class name with params set by name, call an allowed model method, transform, save, load by class
 * name. The server finds the stages only through META-INF/services and builds them with their
 * public constructors, as on a managed Connect platform.
 */
class SparkConnectTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static ManagedChannel channel;
  static SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub;
  static final String SESSION = UUID.randomUUID().toString();
  static String input;

  @BeforeAll
  static void startServer() {
    spark = SparkTestSession.get();
    SparkEnv.get().conf().set("spark.connect.grpc.binding.address", "127.0.0.1");
    SparkEnv.get().conf().set("spark.connect.grpc.binding.port", "0"); // any free port
    SparkConnectService$.MODULE$.start(spark.sparkContext());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", SparkConnectService$.MODULE$.localPort())
        .usePlaintext().build();
    stub = SparkConnectServiceGrpc.newBlockingStub(channel);
    input = dir.resolve("blobs.parquet").toString();
    TestData.blobs(spark, 1200, 3, 4, 23, 2).write().parquet(input);
  }

  @AfterAll
  static void stopServer() {
    if (channel != null) {
      channel.shutdownNow();
    }
    SparkConnectService$.MODULE$.stop(scala.Option.empty(), scala.Option.empty());
  }

  private static List<ExecutePlanResponse> execute(Plan plan) {
    ExecutePlanRequest request = ExecutePlanRequest.newBuilder().setSessionId(SESSION)
        .setUserContext(UserContext.newBuilder().setUserId("spark-dnn-test")).setPlan(plan).build();
    List<ExecutePlanResponse> responses = new ArrayList<>();
    Iterator<ExecutePlanResponse> stream = stub.executePlan(request);
    stream.forEachRemaining(responses::add);
    return responses;
  }

  private static MlCommandResult ml(MlCommand command) {
    for (ExecutePlanResponse r : execute(Plan.newBuilder().setCommand(Command.newBuilder().setMlCommand(command))
        .build())) {
      if (r.hasMlCommandResult()) {
        return r.getMlCommandResult();
      }
    }
    throw new AssertionError("no ML result for " + command);
  }

  private static Relation parquet(String path) {
    return Relation.newBuilder().setRead(Read.newBuilder().setDataSource(
        Read.DataSource.newBuilder().setFormat("parquet").addPaths(path))).build();
  }

  private static Expression.Literal literal(Object value) {
    Expression.Literal.Builder b = Expression.Literal.newBuilder();
    if (value instanceof Integer) {
      return b.setInteger((Integer) value).build();
    }
    if (value instanceof Long) {
      return b.setLong((Long) value).build();
    }
    if (value instanceof Double) {
      return b.setDouble((Double) value).build();
    }
    return b.setString((String) value).build();
  }

  private static MlCommand fit(String estimator, Object... params) {
    MlParams.Builder p = MlParams.newBuilder();
    for (int i = 0; i < params.length; i += 2) {
      p.putParams((String) params[i], literal(params[i + 1]));
    }
    return MlCommand.newBuilder().setFit(MlCommand.Fit.newBuilder()
        .setEstimator(MlOperator.newBuilder().setName(estimator).setUid("dnnClassifier_overConnect")
            .setType(MlOperator.OperatorType.OPERATOR_TYPE_ESTIMATOR))
        .setParams(p).setDataset(parquet(input))).build();
  }

  private static Expression.Literal fetch(String modelId, String method) {
    return ml(MlCommand.newBuilder().setFetch(Fetch.newBuilder().setObjRef(ObjectRef.newBuilder().setId(modelId))
        .addMethods(Fetch.Method.newBuilder().setMethod(method))).build()).getParam();
  }

  @Test
  void fitTransformSaveAndLoadOverSparkConnect() {
    // Python's and Scala's Connect clients send Python ints as longs, floats as doubles
    MlCommandResult fitted = ml(fit(DnnClassifier.class.getName(), "hiddenLayers", "16relu", "epochs", 4L,
        "learningRate", 0.01, "seed", 7L, "probabilityCol", "p"));
    String model = fitted.getOperatorInfo().getObjRef().getId();
    assertEquals(3, fetch(model, "numClasses").getInteger());
    assertEquals(4, fetch(model, "numFeatures").getInteger());

    String scored = dir.resolve("scored.parquet").toString();
    Relation transformed = Relation.newBuilder().setMlRelation(MlRelation.newBuilder().setTransform(
        MlRelation.Transform.newBuilder().setObjRef(ObjectRef.newBuilder().setId(model))
            .setInput(parquet(input)).setParams(MlParams.getDefaultInstance()))).build();
    execute(Plan.newBuilder().setCommand(Command.newBuilder().setWriteOperation(WriteOperation.newBuilder()
        .setInput(transformed).setSource("parquet").setPath(scored)
        .setMode(WriteOperation.SaveMode.SAVE_MODE_OVERWRITE))).build());

    String saved = dir.resolve("connect-model").toString();
    ml(MlCommand.newBuilder().setWrite(MlCommand.Write.newBuilder().setObjRef(ObjectRef.newBuilder().setId(model))
        .setPath(saved).setShouldOverwrite(true)).build());
    DnnClassificationModel local = DnnClassificationModel.load(saved);
    assertEquals("dnnClassifier_overConnect", local.uid());
    assertEquals("p", local.getProbabilityCol());
    assertEquals(4, local.summary().totalIterations());

    Dataset<Row> data = spark.read().parquet(input);
    List<Row> expected = local.transform(data).select("id", "prediction", "p").orderBy("id").collectAsList();
    List<Row> overConnect = spark.read().parquet(scored).select("id", "prediction", "p").orderBy("id")
        .collectAsList();
    assertEquals(expected.size(), overConnect.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).getInt(0), overConnect.get(i).getInt(0));
      assertEquals(expected.get(i).getDouble(1), overConnect.get(i).getDouble(1), "prediction of row " + i);
      assertArrayEquals(((Vector) expected.get(i).get(2)).toArray(), ((Vector) overConnect.get(i).get(2)).toArray(),
          1e-6, "probability of row " + i);
    }

    MlCommandResult loaded = ml(MlCommand.newBuilder().setRead(MlCommand.Read.newBuilder()
        .setOperator(MlOperator.newBuilder().setName(DnnClassificationModel.class.getName())
            .setType(MlOperator.OperatorType.OPERATOR_TYPE_MODEL)).setPath(saved)).build());
    assertEquals(4, fetch(loaded.getOperatorInfo().getObjRef().getId(), "numFeatures").getInteger());
  }

  @Test
  void aBadParamIsRefusedOverConnectWithTheReason() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> ml(fit(DnnClassifier.class.getName(), "epochs", 0L)));
    assertTrue(e.getMessage().contains("param epochs: epochs must be between 1 and 1000000, found 0"), e.getMessage());
    e = assertThrows(StatusRuntimeException.class, () -> ml(fit(DnnClassifier.class.getName(), "optimizer", "lion")));
    assertTrue(e.getMessage().contains("'lion' is not one of"), e.getMessage());
  }
}
