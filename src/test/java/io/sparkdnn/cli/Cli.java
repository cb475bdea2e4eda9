package io.sparkdnn.cli;

import io.sparkdnn.SparkTestSession;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in this JVM (on the shared test session) and captures what it prints. */
public final class Cli {
  public final int status;
  public final String out;
  public final String err;

  private Cli(int status, String out, String err) {
    this.status = status;
    this.out = out;
    this.err = err;
  }

  public static Cli run(String... args) {
    SparkTestSession.get();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(status, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
  }
}
