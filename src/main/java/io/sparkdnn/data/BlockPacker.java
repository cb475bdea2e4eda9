package io.sparkdnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Reads rows once and caches them as {@link PackedBlock}s:
 *
 * <ol>
 *   <li>read Spark's internal rows (arrays copied whole, nothing boxed), validate and convert them
 *       into chunks that remember their input partition and row positions; cache these;
 *   <li>count the rows of each input partition (from the cache) to number every row in input
 *       order — the ids that every later random choice keys on — and, for a classifier whose
 *       classes are not known yet, bring each partition's labels to the driver to decide them
 *       ({@link LabelDiscovery});
 *   <li>re-cut the chunks at id multiples of {@value PackingOptions#CHUNK_ROWS} (label codes
 *       becoming class indices), split training from
 *       validation rows by a hash of the id, and send chunk k to partition k mod P (a shuffle of
 *       float arrays, not of rows), so that the layout depends only on the ids and P;
 *   <li>merge each partition's chunks, in id order, into blocks and cache them in memory and on disk
 *       (Kryo-serialised when spilled); drop the first cache.
 * </ol>
 */
public final class BlockPacker {
  private BlockPacker() {}

  public static PackedData pack(
      Dataset<Row> data, RowConverter converter, PackingOptions options, String dataName) {
    return pack(data, converter, options, dataName, null);
  }

  /**
   * Packs as {@link #pack(Dataset, RowConverter, PackingOptions, String)} and, in the same pass
   * that counts the blocks, adds every training block to {@code profile} (an empty profile; the
   * result is {@link PackedData#trainingProfile()}), so that statistics cost no job of their own.
   *
   * @param profile an empty profile of the task, or null for none
   */
  public static PackedData pack(
      Dataset<Row> data, RowConverter converter, PackingOptions options, String dataName, DataProfile profile) {
    return pack(data, converter, options, dataName, profile, null);
  }

  /**
   * Packs as {@link #pack(Dataset, RowConverter, PackingOptions, String, DataProfile)} with a
   * converter that {@linkplain RowConverter#discoversLabels discovers the labels}: the classes are
   * decided by {@code discovery} between the read and the cut into blocks, and the targets are their
   * indices ({@link LabelDiscovery#classes()} afterwards).
   *
   * @param discovery how the labels become classes; required when the converter discovers them,
   *     ignored otherwise
   * @throws DataException for labels the discovery refuses, or a bad row under {@link BadRowPolicy#FAIL}
   */
  public static PackedData pack(Dataset<Row> data, RowConverter converter, PackingOptions options, String dataName,
      DataProfile profile, LabelDiscovery discovery) {
    boolean discovering = converter.discoversLabels();
    if (discovering && discovery == null) {
      throw new IllegalArgumentException("a converter without classes needs a LabelDiscovery");
    }
    int labelLimit = discovering ? discovery.limit() : 0;
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    SkippedRows skipped = new SkippedRows(sc.sc());
    Cells.Internal cells = new Cells.Internal(data.schema());
    BadRowPolicy policy = options.badRows();
    JavaRDD<SourceChunk> source = ColumnarBatchSize.internalRows(data, converter.nestedValuesPerRow()).toJavaRDD()
        .mapPartitionsWithIndex((p, rows) -> read(p, rows, converter, cells, policy, skipped, labelLimit), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    source.setName("read " + dataName);
    try {
      List<PartitionEnd> ends = source.mapPartitions(BlockPacker::end).collect();
      long[] offsets = offsets(ends);
      int[][] classOfCode = discovering ? classes(ends, discovery) : null;
      int partitions = options.partitions();
      int blockRows = options.blockRows();
      JavaRDD<PackedBlock> blocks = (sc.sc().isLocal() && !options.shuffled()
          ? new LocalChunkGather(source.rdd(), offsets, options, classOfCode).toJavaRDD()
          : source
              .mapPartitionsWithIndex((p, chunks) -> renumber(chunks, offsets[p], options,
                  classOfCode == null ? null : classOfCode[p], -1), true)
              .mapToPair(chunk -> new Tuple2<>(chunk.rowIds()[0] / PackingOptions.CHUNK_ROWS, chunk))
              .partitionBy(new ChunkPartitioner(partitions))
              .values()
              .mapPartitions(parts -> merge(parts, blockRows), false))
          .persist(StorageLevel.MEMORY_AND_DISK());
      blocks.setName("packed " + dataName);
      Tally tally = blocks.treeAggregate(new Tally(profile), Tally::add, Tally::merge, 2);
      long[] totals = tally.totals;
      return new PackedData(blocks, totals[0], totals[1], totals[2], skipped.counts(), partitions, dataName,
          converter.weighted()).withSparseRows(converter.sparse(), totals[3]).withTrainingProfile(tally.profile)
          .withRowsOfWeight(totals[4], totals[5])
          .withSources(data, dataName, data, dataName)
          .withBadRows(policy);
    } catch (LabelsRefused e) {
      throw e.refusal; // worded whole by the discovery's rule
    } catch (Exception e) { // SparkException is checked to Java
      throw Failures.asDataException(e, data, dataName);
    } finally {
      source.unpersist(false);
    }
  }

  /** Carries a refusal of the labels past the wrapping that names the data in a failed read. */
  private static final class LabelsRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final DataException refusal;

    LabelsRefused(DataException refusal) {
      super(refusal.getMessage(), refusal, false, false);
      this.refusal = refusal;
    }
  }

  /** A chunk of converted rows of one input partition, before rows have their global ids. */
  public static final class SourceChunk implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows kept; rowIds hold their 0-based positions within the input partition. */
    final PackedBlock rows;
    /** Rows read from the input partition so far, bad ones included. */
    final long inputRows;
    /** The partition's labels and their codes (in the partition's last chunk, when discovering), or null. */
    final DistinctLabels.Coded labels;

    SourceChunk(PackedBlock rows, long inputRows, DistinctLabels.Coded labels) {
      this.rows = rows;
      this.inputRows = inputRows;
      this.labels = labels;
    }
  }

  /** What the end of an input partition's read tells the driver: its rows, and its labels when discovering. */
  public static final class PartitionEnd implements Serializable { // (a class: Kryo cannot write records)
    private static final long serialVersionUID = 1L;
    private final long inputRows;
    private final DistinctLabels.Coded labels;

    PartitionEnd(long inputRows, DistinctLabels.Coded labels) {
      this.inputRows = inputRows;
      this.labels = labels;
    }

    long inputRows() {
      return inputRows;
    }

    DistinctLabels.Coded labels() {
      return labels;
    }
  }

  private static Iterator<PartitionEnd> end(Iterator<SourceChunk> chunks) {
    SourceChunk last = null;
    while (chunks.hasNext()) {
      last = chunks.next();
    }
    return Collections.singletonList(last == null ? new PartitionEnd(0, null) : new PartitionEnd(last.inputRows,
        last.labels)).iterator();
  }

  /**
   * The classes of the labels the partitions found ({@code discovery} decides, or refuses them),
   * then a held row without a label (the first, in partition order), then each partition's
   * code → class map.
   */
  private static int[][] classes(List<PartitionEnd> ends, LabelDiscovery discovery) {
    List<DistinctLabels.Coded> found = new ArrayList<>();
    for (PartitionEnd end : ends) {
      if (end.labels() != null) {
        found.add(end.labels());
      }
    }
    DistinctLabels.Found merged = DistinctLabels.Coded.merged(found);
    LabelIndex classes;
    try {
      classes = discovery.decide(merged);
    } catch (DataException e) {
      throw new LabelsRefused(e);
    }
    if (merged.counts().size() > discovery.limit()) { // rows past the limit have no code
      throw new IllegalStateException("more than " + discovery.limit() + " labels were found, yet made classes");
    }
    for (PartitionEnd end : ends) {
      if (end.labels() != null && end.labels().firstUnlabelled() != null) {
        throw end.labels().firstUnlabelled();
      }
    }
    int[][] classOfCode = new int[ends.size()][];
    for (int p = 0; p < classOfCode.length; p++) {
      classOfCode[p] = ends.get(p).labels() == null ? new int[0] : ends.get(p).labels().classOfCode(classes);
    }
    return classOfCode;
  }

  /**
   * Held-out rows — validation, test or evaluation data — read against columns resolved elsewhere
   * (the training data's, or a model's): the feature and label columns checked present, then the
   * rows read with {@code converter} (its labels, its scaled-range check) and packed as validation
   * blocks, with the row weights of column {@code weightColumn} (or null).
   *
   * @throws DataException for a missing column, or a bad row under {@link BadRowPolicy#FAIL}
   */
  public static PackedData packHeldOut(Dataset<Row> data, InputColumns columns, RowConverter converter,
      String weightColumn, PackingOptions options, String dataName) {
    ColumnResolver.checkFeaturesIn(columns, data, dataName);
    ColumnResolver.checkLabelsIn(columns, data, dataName);
    Dataset<Row> selected = ColumnResolver.selectForPacking(data, columns, weightColumn);
    return pack(selected, ColumnResolver.converterFor(selected, converter, weightColumn), options, dataName);
  }

  /** Step 1, executor side: one input partition into chunks, bad rows refused or counted. */
  private static Iterator<SourceChunk> read(int partition, Iterator<InternalRow> rows, RowConverter converter,
      Cells.Internal cells, BadRowPolicy policy, SkippedRows skipped, int labelLimit) {
    DistinctLabels.Coded labels = converter.discoversLabels() ? new DistinctLabels.Coded(labelLimit) : null;
    int width = converter.width();
    int targetWidth = converter.targetWidth();
    int capacity = PackingOptions.CHUNK_ROWS;
    List<SourceChunk> out = new ArrayList<>();
    boolean sparse = converter.sparse();
    float[] features = sparse ? null : new float[capacity * width];
    SparseRow sparseRow = sparse ? new SparseRow() : null;
    CsrRows.Builder sparseRows = sparse ? new CsrRows.Builder(capacity, capacity * 16) : null;
    float[] targets = new float[capacity * targetWidth];
    long[] positions = new long[capacity];
    float[] weights = converter.weighted() ? new float[capacity] : null;
    int kept = 0;
    long read = 0;
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      long position = read++;
      try {
        cells.on(row);
        if (labels != null) {
          converter.countLabel(cells, labels);
        }
        if (sparse) {
          converter.sparseFeatures(cells, sparseRow);
        } else {
          converter.features(cells, features, kept * width);
        }
        converter.targets(cells, targets, kept * targetWidth, labels);
        if (weights != null) {
          weights[kept] = converter.weight(cells);
        }
      } catch (BadRowException e) {
        if (policy == BadRowPolicy.FAIL) {
          // A row without a label is reported once the labels are checked: if no row has one, the
          // label column is what is wrong, and the refusal says so instead of naming row 1.
          if (labels != null && e.reason() == BadRowReason.NULL_LABEL) {
            labels.holdUnlabelled(e.atPartitionRow(partition, position + 1));
            continue;
          }
          BadRowException held = labels == null ? null : labels.firstUnlabelled();
          throw held != null ? held : e.atPartitionRow(partition, position + 1); // the partition's first bad row
        }
        skipped.add(e.reason());
        continue;
      }
      if (sparse) {
        sparseRows.add(sparseRow);
      }
      positions[kept++] = position;
      if (kept == capacity) {
        float[] w = weights == null ? null : weights.clone();
        out.add(new SourceChunk(sparse
            ? new PackedBlock(kept, width, targetWidth, sparseRows.build(), targets.clone(), positions.clone(), w, false)
            : new PackedBlock(kept, width, targetWidth, features.clone(), targets.clone(), positions.clone(), w, false),
            read, null));
        kept = 0;
      }
    }
    float[] lastTargets = java.util.Arrays.copyOf(targets, kept * targetWidth);
    long[] lastPositions = java.util.Arrays.copyOf(positions, kept);
    float[] lastWeights = weights == null ? null : java.util.Arrays.copyOf(weights, kept);
    out.add(new SourceChunk(sparse
        ? new PackedBlock(kept, width, targetWidth, sparseRows.build(), lastTargets, lastPositions, lastWeights, false)
        : new PackedBlock(kept, width, targetWidth, java.util.Arrays.copyOf(features, kept * width), lastTargets,
            lastPositions, lastWeights, false), read, labels));
    return out.iterator();
  }

  /** Step 2: the id of each input partition's first row, from the ends of the cached chunks. */
  private static long[] offsets(List<PartitionEnd> ends) {
    long[] offsets = new long[ends.size()];
    for (int p = 1; p < offsets.length; p++) {
      offsets[p] = offsets[p - 1] + ends.get(p - 1).inputRows();
    }
    return offsets;
  }

  /**
   * Step 3: global ids, the validation split, and chunks cut at id multiples of CHUNK_ROWS; with
   * {@code classOfCode}, the targets (label codes) become class indices.
   *
   * @param onlyFor the packed partition whose chunks (k mod P = onlyFor) to keep, or -1 for all
   */
  static Iterator<PackedBlock> renumber(Iterator<SourceChunk> chunks, long offset, PackingOptions options,
      int[] classOfCode, int onlyFor) {
    List<PackedBlock> out = new ArrayList<>();
    ChunkCutter[] parts = {null, null};
    long currentChunk = -1;
    while (chunks.hasNext()) {
      PackedBlock rows = chunks.next().rows;
      for (int i = 0; i < rows.rows(); i++) {
        long id = offset + rows.rowIds()[i];
        long chunk = id / PackingOptions.CHUNK_ROWS;
        if (onlyFor >= 0 && Math.floorMod(chunk, (long) options.partitions()) != onlyFor) {
          continue;
        }
        if (chunk != currentChunk) {
          flush(parts, out);
          currentChunk = chunk;
        }
        boolean validation = options.isValidation(id);
        int k = validation ? 1 : 0;
        if (parts[k] == null) {
          parts[k] = new ChunkCutter(rows.width(), rows.targetWidth(), rows.weights() != null, validation,
              rows.isSparse());
        }
        parts[k].add(rows, i, id, classOfCode);
      }
    }
    flush(parts, out);
    return out.iterator();
  }

  private static void flush(ChunkCutter[] parts, List<PackedBlock> out) {
    for (int k = 0; k < parts.length; k++) {
      if (parts[k] != null && parts[k].rows > 0) {
        out.add(parts[k].toBlock());
      }
    }
  }

  /** Accumulates up to CHUNK_ROWS rows of one kind (training or validation). */
  private static final class ChunkCutter {
    final int width;
    final int targetWidth;
    final boolean validation;
    final float[] features;
    /** The rows' non-zeros when the blocks are sparse (then features is null). */
    final CsrRows.Builder sparseRows;
    final float[] targets;
    final long[] ids;
    final float[] weights;
    int rows;

    ChunkCutter(int width, int targetWidth, boolean weighted, boolean validation, boolean sparse) {
      this.width = width;
      this.targetWidth = targetWidth;
      this.validation = validation;
      this.features = sparse ? null : new float[PackingOptions.CHUNK_ROWS * width];
      this.sparseRows = sparse ? new CsrRows.Builder(PackingOptions.CHUNK_ROWS, 16 * PackingOptions.CHUNK_ROWS) : null;
      this.targets = new float[PackingOptions.CHUNK_ROWS * targetWidth];
      this.ids = new long[PackingOptions.CHUNK_ROWS];
      this.weights = weighted ? new float[PackingOptions.CHUNK_ROWS] : null;
    }

    void add(PackedBlock from, int row, long id, int[] classOfCode) {
      if (sparseRows != null) {
        sparseRows.add(from.sparseFeatures(), row);
      } else {
        System.arraycopy(from.features(), row * width, features, rows * width, width);
      }
      if (classOfCode != null) { // one target, a label code
        targets[rows] = classOfCode[(int) from.targets()[row]];
      } else {
        System.arraycopy(from.targets(), row * targetWidth, targets, rows * targetWidth, targetWidth);
      }
      if (weights != null) {
        weights[rows] = from.weights()[row];
      }
      ids[rows++] = id;
    }

    PackedBlock toBlock() {
      float[] t = java.util.Arrays.copyOf(targets, rows * targetWidth);
      long[] i = java.util.Arrays.copyOf(ids, rows);
      float[] w = weights == null ? null : java.util.Arrays.copyOf(weights, rows);
      PackedBlock block = sparseRows != null
          ? new PackedBlock(rows, width, targetWidth, sparseRows.build(), t, i, w, validation)
          : new PackedBlock(rows, width, targetWidth, java.util.Arrays.copyOf(features, rows * width), t, i, w,
              validation);
      rows = 0;
      return block;
    }
  }

  /**
   * What one pass over the packed blocks finds: training and validation rows, payload bytes,
   * stored non-zeros, the rows of each that weigh something, and (when asked for) the training rows'
   * profile.
   */
  public static final class Tally implements Serializable {
    /** Training rows, validation rows, payload bytes, non-zeros, training and validation rows of weight > 0. */
    final long[] totals = new long[6];
    final DataProfile profile;

    Tally(DataProfile profile) {
      this.profile = profile;
    }

    Tally add(PackedBlock block) {
      totals[block.isValidation() ? 1 : 0] += block.rows();
      totals[2] += block.payloadBytes();
      totals[3] += block.isSparse() ? block.sparseFeatures().nonZeros() : 0;
      int weighing = block.rows();
      float[] weights = block.weights();
      if (weights != null) {
        weighing = 0;
        for (int i = 0; i < block.rows(); i++) {
          weighing += weights[i] > 0 ? 1 : 0;
        }
      }
      totals[block.isValidation() ? 5 : 4] += weighing;
      if (profile != null && !block.isValidation()) {
        profile.add(block);
      }
      return this;
    }

    Tally merge(Tally other) {
      for (int i = 0; i < totals.length; i++) {
        totals[i] += other.totals[i];
      }
      if (profile != null) {
        profile.merge(other.profile);
      }
      return this;
    }
  }

  /** Concatenates a partition's chunks, in id order, into blocks of up to {@code blockRows}. */
  static Iterator<PackedBlock> merge(Iterator<PackedBlock> chunks, int blockRows) {
    List<PackedBlock> all = new ArrayList<>();
    chunks.forEachRemaining(all::add);
    all.sort((a, b) -> Long.compare(a.rowIds()[0], b.rowIds()[0]));
    List<PackedBlock> blocks = new ArrayList<>();
    for (boolean validation : new boolean[] {false, true}) {
      List<PackedBlock> group = new ArrayList<>();
      int rows = 0;
      for (PackedBlock chunk : all) {
        if (chunk.isValidation() != validation) {
          continue;
        }
        if (rows + chunk.rows() > blockRows && rows > 0) {
          blocks.add(concat(group, rows, validation));
          group.clear();
          rows = 0;
        }
        group.add(chunk);
        rows += chunk.rows();
      }
      if (rows > 0) {
        blocks.add(concat(group, rows, validation));
      }
    }
    return blocks.iterator();
  }

  private static PackedBlock concat(List<PackedBlock> parts, int rows, boolean validation) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    PackedBlock first = parts.get(0);
    int width = first.width();
    int targetWidth = first.targetWidth();
    boolean sparse = first.isSparse();
    List<CsrRows> sparseParts = new ArrayList<>();
    float[] features = sparse ? null : new float[rows * width];
    float[] targets = new float[rows * targetWidth];
    long[] ids = new long[rows];
    float[] weights = first.weights() == null ? null : new float[rows];
    int at = 0;
    for (PackedBlock p : parts) {
      if (sparse) {
        sparseParts.add(p.sparseFeatures());
      } else {
        System.arraycopy(p.features(), 0, features, at * width, p.rows() * width);
      }
      System.arraycopy(p.targets(), 0, targets, at * targetWidth, p.rows() * targetWidth);
      System.arraycopy(p.rowIds(), 0, ids, at, p.rows());
      if (weights != null) {
        System.arraycopy(p.weights(), 0, weights, at, p.rows());
      }
      at += p.rows();
    }
    return sparse
        ? new PackedBlock(rows, width, targetWidth, CsrRows.concat(sparseParts), targets, ids, weights, validation)
        : new PackedBlock(rows, width, targetWidth, features, targets, ids, weights, validation);
  }

  /** Chunk k goes to partition k mod P. */
  static final class ChunkPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ChunkPartitioner(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) Math.floorMod((Long) key, (long) partitions);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ChunkPartitioner && ((ChunkPartitioner) o).partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }
}
