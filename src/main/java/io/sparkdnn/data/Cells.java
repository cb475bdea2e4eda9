package io.sparkdnn.data;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * Read access to one row's cells as primitives, whatever Spark representation the row comes in:
 * Spark's internal rows (packing: arrays are copied whole, nothing is boxed) or external
 * {@link Row}s (prediction, which passes other columns through untouched). {@link RowConverter}
 * validates what these return.
 */
public abstract class Cells {
  abstract boolean isNull(int position);

  /**
   * A numeric cell; a text cell is parsed as a number (CSV columns that hold text in some rows).
   *
   * @throws NumberFormatException when a text cell is not a number
   */
  abstract double number(int position);

  /**
   * A label cell as the column holds it: a String, a Boolean, or a Number of the column's own type
   * (an Integer for an int column, a Float for a float column), so that a message can show it as
   * written ({@link LabelIndex#display}).
   */
  abstract Object label(int position);

  /**
   * Copies a vector or numeric-array cell, as floats, to {@code dst[offset, offset + expected)} when
   * it has {@code expected} values (else copies nothing); null elements become NaN (see {@link
   * #nullElement}). Straight into the caller's block or batch: no per-row array in between.
   *
   * @return the number of values the cell holds
   */
  abstract int copyValues(int position, float[] dst, int offset, int expected);

  /** Index of the first null element of an array cell, or −1. */
  abstract int nullElement(int position);

  /**
   * A vector cell stored as a sparse vector, as it is stored (no dense copy, not checked); null
   * when the cell is anything else (a dense vector, an array, a number).
   */
  abstract SparseVectorCell sparseVector(int position);

  /** A sparse vector's size, indices and values as stored; {@link RowConverter} checks them. */
  static final class SparseVectorCell {
    final int size;
    final int[] indices;
    final double[] values;

    SparseVectorCell(int size, int[] indices, double[] values) {
      this.size = size;
      this.indices = indices;
      this.values = values;
    }
  }

  /** Cells of Spark's internal rows, typed by the schema of the columns read. */
  public static final class Internal extends Cells implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final VectorUDT VECTORS = new VectorUDT();
    private final DataType[] types;
    private transient InternalRow row;

    public Internal(StructType schema) {
      this.types = new DataType[schema.fields().length];
      for (int i = 0; i < types.length; i++) {
        types[i] = schema.fields()[i].dataType();
      }
    }

    public Internal on(InternalRow row) {
      this.row = row;
      return this;
    }

    @Override
    boolean isNull(int p) {
      return row.isNullAt(p);
    }

    @Override
    double number(int p) {
      if (types[p] instanceof StringType) {
        return Double.parseDouble(row.getUTF8String(p).toString().trim());
      }
      return numberAt(row, p, types[p]);
    }

    /** Element or column {@code i} of a numeric type, from a row or an array alike. */
    private static double numberAt(SpecializedGetters source, int i, DataType t) {
      if (t instanceof DoubleType) {
        return source.getDouble(i);
      } else if (t instanceof FloatType) {
        return source.getFloat(i);
      } else if (t instanceof IntegerType) {
        return source.getInt(i);
      } else if (t instanceof LongType) {
        return source.getLong(i);
      } else if (t instanceof ShortType) {
        return source.getShort(i);
      } else if (t instanceof ByteType) {
        return source.getByte(i);
      } else if (t instanceof DecimalType) {
        DecimalType d = (DecimalType) t;
        return source.getDecimal(i, d.precision(), d.scale()).toDouble();
      }
      throw new IllegalStateException("value " + i + " of type " + t.simpleString() + " is not numeric");
    }

    @Override
    Object label(int p) {
      DataType t = types[p];
      if (t instanceof StringType) {
        return row.getUTF8String(p).toString();
      }
      if (t instanceof BooleanType) {
        return row.getBoolean(p);
      }
      // the column's own boxed type (Integer, Float, …), as Spark's typed getter gives it
      Object value = row.get(p, t);
      return value instanceof org.apache.spark.sql.types.Decimal d ? d.toJavaBigDecimal() : value;
    }

    @Override
    int copyValues(int p, float[] dst, int offset, int expected) {
      DataType t = types[p];
      if (t.equals(SQLDataTypes.VectorType())) {
        InternalRow struct = row.getStruct(p, 4);
        if (struct.getByte(0) == 1) { // VectorUDT: type 1 = dense, its values at field 3
          ArrayData values = struct.getArray(3);
          int n = values.numElements();
          if (n == expected) {
            if (values instanceof UnsafeArrayData) {
              copyDoubles((UnsafeArrayData) values, n, dst, offset);
            } else {
              for (int i = 0; i < n; i++) {
                dst[offset + i] = (float) values.getDouble(i);
              }
            }
          }
          return n;
        }
        return copy(VECTORS.deserialize(struct).toArray(), dst, offset, expected);
      }
      ArrayData array = row.getArray(p);
      int n = array.numElements();
      if (n != expected) {
        return n;
      }
      DataType element = ((ArrayType) t).elementType();
      // Arrays Spark reads from parquet may hold nulls by type (containsNull) and hardly ever do:
      // their null bits, a word per 64 elements, say so at once, and the bulk copies below apply.
      boolean noNulls = !((ArrayType) t).containsNull()
          || array instanceof UnsafeArrayData && noNullElements((UnsafeArrayData) array, n);
      if (element instanceof FloatType && noNulls) {
        if (array instanceof UnsafeArrayData) { // the bytes are the floats: one bulk copy
          UnsafeArrayData unsafe = (UnsafeArrayData) array;
          java.util.Objects.checkFromIndexSize(offset, n, dst.length); // a raw copy checks no bounds itself
          Platform.copyMemory(unsafe.getBaseObject(), unsafe.getBaseOffset()
              + UnsafeArrayData.calculateHeaderPortionInBytes(n), dst, Platform.FLOAT_ARRAY_OFFSET + 4L * offset, 4L * n);
        } else {
          for (int i = 0; i < n; i++) {
            dst[offset + i] = array.getFloat(i);
          }
        }
        return n;
      }
      if (element instanceof DoubleType && noNulls && array instanceof UnsafeArrayData) {
        copyDoubles((UnsafeArrayData) array, n, dst, offset);
        return n;
      }
      for (int i = 0; i < n; i++) {
        dst[offset + i] = array.isNullAt(i) ? Float.NaN : (float) numberAt(array, i, element);
      }
      return n;
    }

    /**
     * True when none of the n elements of an array in Spark's binary format is null: its header is
     * the element count (8 bytes), then one null bit per element in 8-byte words.
     */
    static boolean noNullElements(UnsafeArrayData array, int n) {
      Object base = array.getBaseObject();
      long bits = array.getBaseOffset() + 8;
      for (int w = 0; w < (n + 63) / 64; w++) {
        if (Platform.getLong(base, bits + 8L * w) != 0) {
          return false;
        }
      }
      return true;
    }

    /**
     * Copies the n doubles of an array in Spark's binary format as floats, read straight from its
     * bytes: reading element by element through {@code ArrayData} was the largest Java cost of a
     * transform in a JFR profile (with the old finiteness check, 277 samples; now 92).
     */
    private static void copyDoubles(UnsafeArrayData values, int n, float[] dst, int offset) {
      java.util.Objects.checkFromIndexSize(offset, n, dst.length); // all or nothing
      Object base = values.getBaseObject();
      long at = values.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(n);
      for (int i = 0; i < n; i++) {
        dst[offset + i] = (float) Platform.getDouble(base, at + 8L * i);
      }
    }

    /** Reads VectorUDT's struct (type 0 = sparse, size, indices, values) without building a Vector. */
    @Override
    SparseVectorCell sparseVector(int p) {
      if (!types[p].equals(SQLDataTypes.VectorType())) {
        return null;
      }
      InternalRow struct = row.getStruct(p, 4);
      if (struct.getByte(0) != 0) {
        return null;
      }
      return new SparseVectorCell(struct.getInt(1), struct.getArray(2).toIntArray(), struct.getArray(3).toDoubleArray());
    }

    @Override
    int nullElement(int p) {
      if (!(types[p] instanceof ArrayType) || !((ArrayType) types[p]).containsNull()) {
        return -1;
      }
      ArrayData array = row.getArray(p);
      for (int i = 0; i < array.numElements(); i++) {
        if (array.isNullAt(i)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Cells of external rows: ML vectors, Scala sequences and boxed numbers. */
  public static final class External extends Cells {
    private Row row;

    public External on(Row row) {
      this.row = row;
      return this;
    }

    @Override
    boolean isNull(int p) {
      return row.isNullAt(p);
    }

    @Override
    double number(int p) {
      Object value = row.get(p);
      if (value instanceof String) {
        return Double.parseDouble(((String) value).trim());
      }
      return ((Number) value).doubleValue();
    }

    @Override
    Object label(int p) {
      return row.get(p);
    }

    @Override
    int copyValues(int p, float[] dst, int offset, int expected) {
      Object value = row.get(p);
      if (value instanceof DenseVector) {
        return copy(((DenseVector) value).values(), dst, offset, expected);
      }
      if (value instanceof Vector) {
        return copy(((Vector) value).toArray(), dst, offset, expected);
      }
      List<Object> list = row.getList(p);
      int n = list.size();
      if (n == expected) {
        for (int i = 0; i < n; i++) {
          Object element = list.get(i);
          dst[offset + i] = element == null ? Float.NaN : ((Number) element).floatValue();
        }
      }
      return n;
    }

    @Override
    SparseVectorCell sparseVector(int p) {
      Object value = row.get(p);
      if (value instanceof SparseVector) {
        SparseVector v = (SparseVector) value;
        return new SparseVectorCell(v.size(), v.indices(), v.values());
      }
      return null;
    }

    @Override
    int nullElement(int p) {
      Object value = row.get(p);
      if (value instanceof Vector) {
        return -1;
      }
      List<Object> list = row.getList(p);
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) == null) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Copies {@code values} as floats when there are {@code expected} of them; returns how many there are. */
  static int copy(double[] values, float[] dst, int offset, int expected) {
    if (values.length == expected) {
      for (int i = 0; i < expected; i++) {
        dst[offset + i] = (float) values[i];
      }
    }
    return values.length;
  }
}
