package io.sparkdnn.files;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Which existing directories a {@link StagedDirectory} may replace: only those spark-dnn wrote
 * itself, each kind recognised its own way. A directory that is not ours is never deleted, with or
 * without an overwrite setting.
 */
public interface Ownership {
  /** The kind recorded in the writer marker of every staging directory: {@code model}, {@code predictions}. */
  String kind();

  /** What a directory that may be replaced is, for messages: {@code a spark-dnn model}. */
  String what();

  /**
   * Null when the existing directory {@code dir} may be replaced; otherwise what makes it not
   * ours, for the message: {@code it has no metadata.json}.
   *
   * @throws IOException when the filesystem cannot be read
   */
  String whyNotOurs(FileSystem fs, Path dir) throws IOException;

  /**
   * Ours when the directory holds the writer marker ({@value WriterMarker#FILE}) of {@code kind}:
   * for outputs that have no metadata of their own, such as predictions.
   */
  static Ownership byMarker(String kind, String what) {
    return new Ownership() {
      @Override
      public String kind() {
        return kind;
      }

      @Override
      public String what() {
        return what;
      }

      @Override
      public String whyNotOurs(FileSystem fs, Path dir) {
        WriterMarker marker = WriterMarker.read(fs, dir);
        if (marker == null) {
          return "it has no " + WriterMarker.FILE + ", which spark-dnn writes into every output directory";
        }
        return marker.kind.equals(kind) ? null
            : "its " + WriterMarker.FILE + " says it holds spark-dnn " + marker.kind + ", not " + kind;
      }
    };
  }
}
