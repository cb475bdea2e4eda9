package io.sparkdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DataUnitsTest {

  private static PackedBlock block(float[][] rows) {
    int width = rows[0].length;
    float[] features = new float[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, features, r * width, width);
    }
    return new PackedBlock(rows.length, width, 1, features, new float[rows.length], new long[rows.length], false);
  }

  /** Statistics merged from partitions equal one pass over everything (parallel variance). */
  @Test
  void statisticsMergeLikeOnePass() {
    SplittableRandom random = new SplittableRandom(3);
    float[][] rows = new float[1000][3];
    for (float[] row : rows) {
      row[0] = (float) random.nextDouble(-5, 5);
      row[1] = (float) (100 + random.nextDouble());
      row[2] = 7f;
    }
    FeatureStatistics whole = new FeatureStatistics().add(block(rows));
    FeatureStatistics merged = new FeatureStatistics()
        .merge(new FeatureStatistics().add(block(java.util.Arrays.copyOfRange(rows, 0, 300))))
        .merge(new FeatureStatistics())
        .merge(new FeatureStatistics().add(block(java.util.Arrays.copyOfRange(rows, 300, 1000))));
    assertEquals(whole.count(), merged.count());
    for (int j = 0; j < 3; j++) {
      assertEquals(whole.mean(j), merged.mean(j), 1e-9);
      assertEquals(whole.std(j), merged.std(j), 1e-9);
      assertEquals(whole.min(j), merged.min(j));
      assertEquals(whole.max(j), merged.max(j));
    }
  }

  /** The log's description counts the features auto scaling leaves alone, in the singular for one. */
  @Test
  void autoScalingDescribesTheFeaturesItLeavesAlone() {
    FeatureScaling one = new FeatureScaling(ScalingMode.AUTO, new float[] {0.5f, 1f}, new float[] {-1f, 0f});
    assertEquals("auto: 1 of 2 features standardised, the other 1 already lies in [0, 1] and is left as it is",
        one.describe());
    FeatureScaling two = new FeatureScaling(ScalingMode.AUTO, new float[] {0.5f, 1f, 1f}, new float[] {0f, 0f, 0f});
    assertEquals("auto, keeping zeros zero: 1 of 3 features divided by their largest |value|, the other 2 already "
        + "lie in [0, 1] and are left as they are", two.describe());
  }

  @Test
  void standardAndMinMaxScaling() {
    float[][] rows = {{1f, 10f, 5f}, {3f, 20f, 5f}};
    FeatureStatistics stats = new FeatureStatistics().add(block(rows));
    float[] out = new float[3];
    FeatureScaling standard = FeatureScaling.fit(ScalingMode.STANDARD, stats, 3);
    standard.apply(rows[0], 0, out, 0);
    assertArrayEquals(new float[] {-1f, -1f, 0f}, out, 1e-6f, "constant features are only centred");
    FeatureScaling minmax = FeatureScaling.fit(ScalingMode.MINMAX, stats, 3);
    minmax.apply(rows[1], 0, out, 0);
    assertArrayEquals(new float[] {1f, 1f, 0f}, out, 1e-6f);
    FeatureScaling.none(3).apply(rows[1], 0, out, 0);
    assertArrayEquals(rows[1], out);
  }

  @Test
  void scalingCopiesBetweenOffsetsExactlyForAnyWidth() {
    java.util.Random random = new java.util.Random(3);
    for (int width : new int[] {3, 1000, 5, 784}) { // the thread's scratch row grows, then is reused
      float[] scale = new float[width];
      float[] shift = new float[width];
      float[] src = new float[3 * width + 7];
      for (int j = 0; j < width; j++) {
        scale[j] = random.nextFloat() * 4 - 2;
        shift[j] = random.nextFloat() - 0.5f;
      }
      for (int i = 0; i < src.length; i++) {
        src[i] = random.nextFloat() * 255;
      }
      float[] dst = new float[2 * width + 3];
      java.util.Arrays.fill(dst, -7f);
      new FeatureScaling(ScalingMode.STANDARD, scale, shift).apply(src, width + 7, dst, width + 1);
      for (int j = 0; j < width; j++) {
        assertEquals(src[width + 7 + j] * scale[j] + shift[j], dst[width + 1 + j], 0f, "feature " + j);
      }
      for (int i = 0; i < width + 1; i++) {
        assertEquals(-7f, dst[i], "before the row: untouched");
      }
      assertEquals(-7f, dst[2 * width + 1], "after the row: untouched");
    }
  }

  @Test
  void labelIndexes() {
    LabelIndex identity = LabelIndex.forClasses(true, new String[] {"2", "0", "1"}, 4, false);
    assertArrayEquals(new String[] {"0", "1", "2", "3"}, identity.labels(), "0..K−1 keep their places");
    assertEquals(2, identity.indexOf(2.0));
    assertEquals(2, identity.indexOf(2));
    assertEquals(-1, identity.indexOf(7));
    LabelIndex signs = LabelIndex.forClasses(true, new String[] {"1", "-1"}, 2, false);
    assertArrayEquals(new String[] {"-1", "1"}, signs.labels());
    assertEquals(1.0, signs.valueOf(1));
    LabelIndex strings = LabelIndex.forClasses(false, new String[] {"yes", "no"}, 2, false);
    assertArrayEquals(new String[] {"no", "yes"}, strings.labels());
    assertEquals("yes", strings.valueOf(1));
    assertEquals("2.5", LabelIndex.canonical(2.5));
    // The mapping of class indices does not depend on which labels a sample holds: {1, 2} with three
    // classes is classes 0..2 (0 unseen), and {1, 2, 3} needs four, rather than becoming 1-based.
    assertArrayEquals(new String[] {"0", "1", "2"}, LabelIndex.forClasses(true, new String[] {"1", "2"}, 3, false)
        .labels());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelIndex.forClasses(true, new String[] {"1", "2", "3"}, 3, false));
    assertTrue(e.getMessage().contains("go up to 3, so the network needs 4 classes"), e.getMessage());
    assertTrue(e.getMessage().contains("end network.layers with 4softmax, or index the labels from 0"), e.getMessage());
    // Binary takes its two values in order; other labels must fill the classes exactly.
    assertArrayEquals(new String[] {"1", "2"}, LabelIndex.forClasses(true, new String[] {"2", "1"}, 2, true).labels());
    e = assertThrows(IllegalArgumentException.class,
        () -> LabelIndex.forClasses(false, new String[] {"a", "b"}, 3, false));
    assertTrue(e.getMessage().contains("2 distinct labels [a, b] but the network has 3 classes; end network.layers "
        + "with 2softmax"), e.getMessage());
    assertEquals("3", LabelIndex.canonical(3.0));
  }

  /**
   * A label is named in messages as the data holds it: an int column's 0 as 0 (not 0.0), a float
   * column's 0.37 as 0.37 (not the double nearest it), text as written; and a number matches the
   * text class that spells it, as a text cell matches the numeric class it spells.
   */
  @Test
  void labelsAreShownAndMatchedAsTheDataHoldsThem() {
    assertEquals("0", LabelIndex.display(0));
    assertEquals("0", LabelIndex.display(0.0));
    assertEquals("-1", LabelIndex.display(-1.0));
    assertEquals("12345678901", LabelIndex.display(12345678901L));
    assertEquals("0.37", LabelIndex.display(0.37f));
    assertEquals("2", LabelIndex.display(2f));
    assertEquals("1.52", LabelIndex.display(1.52));
    assertEquals("1.5", LabelIndex.display(new java.math.BigDecimal("1.50")));
    assertEquals("0", LabelIndex.display(new java.math.BigDecimal("0.000")));
    assertEquals("cat", LabelIndex.display("cat"));
    assertEquals("1.0", LabelIndex.display("1.0"), "text as written");
    assertEquals("0.37", LabelIndex.displayWidened(0.37f), "a float that Spark ML widened to double");
    assertEquals("0.37", LabelIndex.displayWidened(0.37));
    assertEquals("-1", LabelIndex.displayWidened(-1.0));
    assertEquals("0.1234567890123", LabelIndex.displayWidened(0.1234567890123), "a double that is not a float");

    LabelIndex text = LabelIndex.forClasses(false, new String[] {"1", "2"}, 2, false);
    assertEquals(0, text.indexOf(1));
    assertEquals(0, text.indexOf(1.0));
    assertEquals(-1, text.indexOf(0.5));
    LabelIndex textSpelledAsJava = new LabelIndex(false, new String[] {"1.0", "2.0"});
    assertEquals(1, textSpelledAsJava.indexOf(2.0), "a text class spelled 2.0 still matches the double 2.0");
    LabelIndex numbers = LabelIndex.identity(2);
    assertEquals(1, numbers.indexOf("1"));
    assertEquals(1, numbers.indexOf(" 1.0 "));
    assertEquals(-1, numbers.indexOf("one"));
    assertEquals(-1, numbers.indexOf("1f"), "Java's float suffix is not how a data file writes 1");

    // The unknown-label line of a row read from Spark's internal rows, for each kind of column
    InputColumns columns = new InputColumns(new String[] {"f"}, InputColumns.Shape.SCALARS, 1,
        new String[] {"label"}, InputColumns.Shape.SCALARS, false);
    RowConverter animals = new RowConverter(columns, io.sparkdnn.engine.Task.MULTICLASS,
        LabelIndex.forClasses(false, new String[] {"cat", "dog"}, 2, false), 1);
    Object[][] kinds = {
        {org.apache.spark.sql.types.DataTypes.IntegerType, 0, "'0'"},
        {org.apache.spark.sql.types.DataTypes.LongType, 7L, "'7'"},
        {org.apache.spark.sql.types.DataTypes.DoubleType, 0.0, "'0'"},
        {org.apache.spark.sql.types.DataTypes.DoubleType, 2.5, "'2.5'"},
        {org.apache.spark.sql.types.DataTypes.FloatType, 0.37f, "'0.37'"},
        {org.apache.spark.sql.types.DataTypes.createDecimalType(5, 2),
            org.apache.spark.sql.types.Decimal.apply(new java.math.BigDecimal("1.50")), "'1.5'"},
        {org.apache.spark.sql.types.DataTypes.StringType,
            org.apache.spark.unsafe.types.UTF8String.fromString("bird"), "'bird'"}};
    for (Object[] kind : kinds) {
      org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
          .add("f", org.apache.spark.sql.types.DataTypes.DoubleType)
          .add("label", (org.apache.spark.sql.types.DataType) kind[0]);
      Cells cells = new Cells.Internal(schema).on(
          new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {1.0, kind[1]}));
      BadRowException e = assertThrows(BadRowException.class, () -> animals.targets(cells, new float[1], 0));
      assertTrue(e.getMessage().contains("column 'label' has label " + kind[2]
          + ", which is not one of the model's classes [cat, dog]"), kind[0] + ": " + e.getMessage());
    }
  }

  /**
   * Labels with a fractional part that do not fill the classes are measurements: the hint is a
   * regression network, not a classifier of as many classes as the sample holds. Whole-number and
   * text labels keep the class-count hint.
   */
  @Test
  void fractionalLabelsThatDoNotFitPointToRegression() {
    String[] fractions = {"2.9", "0.37", "1.52", "4", "7.25"};
    for (boolean binary : new boolean[] {false, true}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LabelIndex.forClasses(true, fractions, binary ? 2 : 8, binary));
      assertTrue(e.getMessage().contains("5 distinct labels [0.37, 1.52, 2.9, 4, 7.25] but the network has "
          + (binary ? 2 : 8) + " classes; the labels look like continuous values (e.g. 0.37, 1.52): for regression "
          + "end network.layers with 1identity (see conf/regression.conf)"), e.getMessage());
      assertTrue(!e.getMessage().contains("5softmax"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelIndex.forClasses(true, new String[] {"-1", "1", "2"}, 4, false));
    assertTrue(e.getMessage().endsWith("3 distinct labels [-1, 1, 2] but the network has 4 classes; "
        + "end network.layers with 3softmax"), e.getMessage());
    // a float column's labels are keyed by the doubles nearest them and shown as the floats read
    String[] floats = {LabelIndex.canonical(0.37f), LabelIndex.canonical(1.52f), LabelIndex.canonical(3f)};
    e = assertThrows(IllegalArgumentException.class, () -> LabelIndex.forClasses(true, floats, 5, false));
    assertTrue(e.getMessage().contains("3 distinct labels [0.37, 1.52, 3] but the network has 5 classes; the labels "
        + "look like continuous values (e.g. 0.37, 1.52)"), e.getMessage());
    // fractional labels that fill the classes exactly are still classes (README: sorted and numbered)
    assertArrayEquals(new String[] {"0.5", "1.5"}, LabelIndex.forClasses(true, new String[] {"1.5", "0.5"}, 2, false)
        .labels());
  }

  /**
   * Array cells in Spark's binary format are bulk-copied: floats and doubles land at the offset
   * asked for, and a destination too short for them is refused before any byte is written.
   */
  @Test
  void binaryArraysAreCopiedWholeAndWithinBounds() {
    float[] floats = {1.5f, -2f, 3.25f, 0f, 7f};
    double[] doubles = {0.1, -2.5, 1e30, 4, -0.0};
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("f", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType, false))
        .add("d", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.DoubleType, false));
    org.apache.spark.sql.catalyst.InternalRow row = new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(
        new Object[] {org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.fromPrimitiveArray(floats),
            org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.fromPrimitiveArray(doubles)});
    Cells.Internal cells = new Cells.Internal(schema).on(row);
    float[] dst = new float[8];
    assertEquals(5, cells.copyValues(0, dst, 2, 5));
    assertArrayEquals(new float[] {0, 0, 1.5f, -2f, 3.25f, 0f, 7f, 0}, dst);
    assertEquals(5, cells.copyValues(1, dst, 3, 5));
    assertArrayEquals(new float[] {0, 0, 1.5f, 0.1f, -2.5f, 1e30f, 4f, -0.0f}, dst);
    float[] shorter = new float[6];
    assertThrows(IndexOutOfBoundsException.class, () -> cells.copyValues(0, shorter, 2, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> cells.copyValues(1, shorter, 2, 5));
    assertArrayEquals(new float[6], shorter, "nothing written past or before the refusal");
  }

  /**
   * Arrays typed as holding nulls (as Spark reads parquet arrays) take the bulk copy when their
   * null bits are all clear, and element by element, a null as NaN, when one is set: in the first,
   * a middle or the last 64-element word of the bits.
   */
  @Test
  void arraysThatMayHoldNullsAreCopiedWholeUnlessOneIsNull() {
    int n = 130; // three words of null bits
    float[] floats = new float[n];
    double[] doubles = new double[n];
    for (int i = 0; i < n; i++) {
      floats[i] = i * 0.5f - 7;
      doubles[i] = i * -0.25 + 3;
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
        .add("f", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType, true))
        .add("d", org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.DoubleType, true));
    for (int nullAt : new int[] {-1, 0, 100, 129}) {
      org.apache.spark.sql.catalyst.expressions.UnsafeArrayData f =
          org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.fromPrimitiveArray(floats);
      org.apache.spark.sql.catalyst.expressions.UnsafeArrayData d =
          org.apache.spark.sql.catalyst.expressions.UnsafeArrayData.fromPrimitiveArray(doubles);
      if (nullAt >= 0) {
        f.setNullAt(nullAt);
        d.setNullAt(nullAt);
      }
      assertEquals(nullAt < 0, Cells.Internal.noNullElements(f, n), "null at " + nullAt);
      Cells.Internal cells = new Cells.Internal(schema).on(
          new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {f, d}));
      float[] dst = new float[n + 1];
      assertEquals(n, cells.copyValues(0, dst, 1, n));
      float[] dstDoubles = new float[n];
      assertEquals(n, cells.copyValues(1, dstDoubles, 0, n));
      for (int i = 0; i < n; i++) {
        assertEquals(i == nullAt ? Float.NaN : floats[i], dst[1 + i], "float " + i + ", null at " + nullAt);
        assertEquals(i == nullAt ? Float.NaN : (float) doubles[i], dstDoubles[i], "double " + i + ", null at " + nullAt);
      }
    }
  }

  /** The finiteness check finds a NaN or an infinity in any lane of its unrolled loop and in the tail. */
  @Test
  void theFinitenessCheckFindsEveryPosition() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      for (int n : new int[] {1, 7, 8, 21}) {
        for (int at = 0; at < n; at++) {
          float[] values = new float[n + 4];
          java.util.Arrays.fill(values, 3f);
          values[2 + at] = bad;
          assertTrue(!RowConverter.finite(values, 2, n), bad + " at " + at + " of " + n);
          assertTrue(RowConverter.finite(values, 2 + at + 1, n - at - 1), "after it");
        }
      }
    }
    assertTrue(RowConverter.finite(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE}, 0, 3));
  }

  /**
   * Prediction's converter hands back features scaled as the network gets them, equal to the
   * model's own FeatureScaling.apply; it refuses the same rows as the check-only converter that
   * evaluation uses, each for its own reason: a raw NaN or null as such, a finite value for what
   * the scaling makes of it (1e9 × 1e30 is beyond float's range).
   */
  @Test
  void scalingConverterScalesAndRefusesLikeTheCheck() {
    FeatureScaling scaling = new FeatureScaling(ScalingMode.STANDARD, new float[] {2f, 1e30f, 0f},
        new float[] {1f, 0f, 5f});
    InputColumns scalars = new InputColumns(new String[] {"a", "b", "c"}, InputColumns.Shape.SCALARS, 3,
        new String[] {"label"}, InputColumns.Shape.SCALARS, false);
    InputColumns array = new InputColumns(new String[] {"f"}, InputColumns.Shape.ARRAY, 3,
        new String[] {"label"}, InputColumns.Shape.SCALARS, false);
    Cells.External cells = new Cells.External();
    for (InputColumns columns : new InputColumns[] {scalars, array}) {
      boolean byColumn = columns == scalars;
      RowConverter base = new RowConverter(columns, io.sparkdnn.engine.Task.REGRESSION, null, 1);
      RowConverter scaled = base.scalingBy(scaling);
      RowConverter checked = base.checkingScaledBy(scaling);
      assertTrue(scaled.scales() && !checked.scales() && !base.scales());
      java.util.function.Function<Double[], org.apache.spark.sql.Row> row = v -> byColumn
          ? org.apache.spark.sql.RowFactory.create(v[0], v[1], v[2], 0.0)
          : org.apache.spark.sql.RowFactory.create(scala.jdk.javaapi.CollectionConverters.asScala(
              java.util.Arrays.asList((Object[]) v)).toSeq(), 0.0);

      float[] raw = {1f, 2f, 3f};
      float[] expected = new float[5];
      scaling.apply(raw, 0, expected, 2);
      float[] got = new float[5];
      scaled.features(cells.on(row.apply(new Double[] {1.0, 2.0, 3.0})), got, 2);
      assertArrayEquals(expected, got, columns.featureShape() + ": scaled as FeatureScaling.apply scales");
      checked.features(cells.on(row.apply(new Double[] {1.0, 2.0, 3.0})), got, 2);
      assertArrayEquals(new float[] {expected[0], expected[1], 1f, 2f, 3f}, got, "the check leaves them raw");

      for (RowConverter c : new RowConverter[] {scaled, checked}) {
        String where = columns.featureShape() + (c.scales() ? " scaling" : " checking") + ": ";
        BadRowException far = assertThrows(BadRowException.class,
            () -> c.features(cells.on(row.apply(new Double[] {1.0, 1e9, 3.0})), new float[3], 0));
        assertTrue(far.getMessage().contains(byColumn ? "column 'b' has 1.0E9" : "column 'f' has 1.0E9 at position 1")
            && far.getMessage().contains("beyond float's range"), where + far.getMessage());
        BadRowException nan = assertThrows(BadRowException.class,
            () -> c.features(cells.on(row.apply(new Double[] {1.0, 2.0, Double.NaN})), new float[3], 0));
        assertEquals(BadRowReason.NON_FINITE_FEATURE, nan.reason());
        assertTrue(nan.getMessage().contains("NaN") && !nan.getMessage().contains("scaling"), where + nan.getMessage());
        BadRowException none = assertThrows(BadRowException.class,
            () -> c.features(cells.on(row.apply(new Double[] {null, 2.0, 3.0})), new float[3], 0));
        assertEquals(BadRowReason.NULL_FEATURE, none.reason(), where + none.getMessage());
      }
    }
  }
}
