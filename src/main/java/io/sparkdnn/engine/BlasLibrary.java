package io.sparkdnn.engine;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the BLAS once per JVM and hands out the {@link Gemm} built on it.
 *
 * <p>netlib's JNI shim {@code dlopen}s whatever {@code dev.ludovic.netlib.blas.nativeLibPath} names
 * when its class is first touched (default {@code libblas.so.3}). For the bundled route we let
 * JavaCPP extract and load OpenBLAS from the jar, then point netlib at that file: netlib calls it with
 * Java arrays pinned in place, no copies. OpenBLAS is set to one thread per call, because Spark
 * already runs one task per core and two multi-threaded BLAS calls fighting over two cores were
 * measured 2× slower.
 */
public final class BlasLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(BlasLibrary.class);
  private static final String NATIVE_LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";

  private static Gemm loaded;
  private static BlasBackend loadedFor;

  private BlasLibrary() {}

  /** The process-wide BLAS for {@code requested}; the first call decides, later ones reuse it. */
  public static synchronized Gemm gemm(BlasBackend requested) {
    if (loaded != null) {
      if (requested != loadedFor && requested != BlasBackend.AUTO) {
        LOG.warn("BLAS backend {} requested but {} is already in use in this JVM; keeping it",
            requested.token(), loaded.description());
      }
      return loaded;
    }
    loaded = load(requested);
    loadedFor = requested;
    LOG.info("BLAS: {}", loaded.description());
    return loaded;
  }

  private static Gemm load(BlasBackend requested) {
    switch (requested) {
      case JAVA:
        return javaGemm("requested");
      case SYSTEM:
        return systemGemm();
      case BUNDLED:
        return bundledGemm();
      case AUTO:
        try {
          return bundledGemm();
        } catch (RuntimeException | LinkageError e) {
          LOG.warn("bundled OpenBLAS could not be loaded ({}); falling back to pure-Java BLAS, "
              + "which is several times slower", e.toString());
          return javaGemm("bundled OpenBLAS unavailable");
        }
      default:
        throw new AssertionError(requested);
    }
  }

  private static Gemm bundledGemm() {
    Loader.load(openblas_nolapack.class);
    String path = null;
    for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
      String file = e.getValue();
      if (file != null && file.contains("libopenblas")) {
        path = file;
      }
    }
    if (path == null) {
      throw new IllegalStateException("JavaCPP loaded OpenBLAS but reported no libopenblas file");
    }
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(1);
    String previous = System.getProperty(NATIVE_LIB_PATH);
    if (previous != null && !previous.equals(path)) {
      throw new IllegalStateException(
          NATIVE_LIB_PATH + " is already set to " + previous + "; use training.blas = system");
    }
    System.setProperty(NATIVE_LIB_PATH, path);
    BLAS blas = NativeBLAS.getInstance();
    String core = System.getenv("OPENBLAS_CORETYPE");
    return new BlasGemm(blas, "native " + openblas_nolapack.OPENBLAS_VERSION.trim()
        + " bundled (" + path + ") via netlib " + blas.getClass().getSimpleName()
        + ", 1 thread per call" + (core == null ? "" : ", OPENBLAS_CORETYPE=" + core));
  }

  private static Gemm systemGemm() {
    BLAS blas = NativeBLAS.getInstance();
    String path = System.getProperty(NATIVE_LIB_PATH, "libblas.so.3");
    String threads = System.getenv("OPENBLAS_NUM_THREADS");
    return new BlasGemm(blas, "native system BLAS (" + path + ") via netlib "
        + blas.getClass().getSimpleName()
        + (threads == null ? ", OPENBLAS_NUM_THREADS unset" : ", OPENBLAS_NUM_THREADS=" + threads));
  }

  private static Gemm javaGemm(String why) {
    BLAS blas = JavaBLAS.getInstance();
    return new BlasGemm(blas, "pure Java netlib " + blas.getClass().getSimpleName() + " (" + why + ")");
  }
}
