package io.sparkdnn.data;

/**
 * One row that fails validation. Thrown by {@link RowConverter} without a location; the caller
 * attaches where the row is — its 1-based number in the input, or, while the input is read in
 * parallel, its position within an input partition (which the driver turns into a row number).
 */
public final class BadRowException extends DataException {
  private static final long serialVersionUID = 1L;

  private final BadRowReason reason;
  private final String column;
  private final String problem;
  private final int partition;
  private final long row;
  /** Where the row is, as the message names it ("row 7", "row 5 of file …"); null until located. */
  private final String location;

  /** @param column the column the problem is in, or null for a problem with the whole row */
  public BadRowException(BadRowReason reason, String column, String problem) {
    this(reason, column, problem, -1, -1, null, where(column) + problem);
  }

  private static String where(String column) {
    return column == null ? "" : "column '" + column + "' ";
  }

  private BadRowException(BadRowReason reason, String column, String problem, int partition, long row,
      String location, String message) {
    super(message);
    this.location = location;
    this.reason = reason;
    this.column = column;
    this.problem = problem;
    this.partition = partition;
    this.row = row;
  }

  /**
   * A bad row known only by the text Spark kept of it (the task's exception could not be
   * deserialised on the driver): {@link #reason()} is null.
   */
  static BadRowException recovered(String message) {
    return new BadRowException(null, null, null, -1, -1, null, message);
  }

  @Override
  public BadRowException in(String context) {
    return new BadRowException(reason, column, problem, partition, row, location, context + ": " + getMessage());
  }

  /** This failure with {@code remedy} (what the user can do, e.g. "; set … to skip such rows") after its message. */
  public BadRowException withRemedy(String remedy) {
    return new BadRowException(reason, column, problem, partition, row, location, getMessage() + remedy);
  }

  /** This failure at row {@code rowNumber} (1-based, in input order). */
  public BadRowException atRow(long rowNumber) {
    return located(-1, rowNumber, "row " + rowNumber);
  }

  private BadRowException located(int inPartition, long rowNumber, String where) {
    return new BadRowException(reason, column, problem, inPartition, rowNumber, where,
        where + ": " + where(column) + problem);
  }

  /**
   * This failure at row {@code rowNumber} (1-based, in input order), which is row {@code rowInFile}
   * of the input file {@code file}: for input read from several files, where the file and the row
   * in it are what the user can look up.
   */
  public BadRowException atRow(long rowNumber, long rowInFile, String file) {
    return located(-1, rowNumber, "row " + rowInFile + " of file " + file + " (row " + rowNumber + " of the input)");
  }

  /** This failure at row {@code rowInPartition} (1-based) of input partition {@code partition}. */
  public BadRowException atPartitionRow(int partition, long rowInPartition) {
    return located(partition, rowInPartition, "row " + rowInPartition + " of input partition " + partition);
  }

  /**
   * Where the row is, as the message names it: "row 7", "row 5 of file F (row 47 of the input)" or
   * "row 3 of input partition 1"; null before it is located.
   */
  public String location() {
    return location;
  }

  /** The column the problem is in, or null (a problem with the whole row, or {@linkplain #recovered recovered}). */
  String column() {
    return column;
  }

  /** What is wrong with the row, without its location or column; null when {@linkplain #recovered recovered}. */
  String problem() {
    return problem;
  }

  /** Why the row was refused; null for a failure {@linkplain #recovered recovered} from text. */
  public BadRowReason reason() {
    return reason;
  }

  /** The input partition, or −1 when {@link #row()} is already a row number in the whole input. */
  public int partition() {
    return partition;
  }

  /** 1-based row number (in the input, or in {@link #partition()}), −1 if not located. */
  public long row() {
    return row;
  }
}
