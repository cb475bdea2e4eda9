package io.sparkdnn.engine;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
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
 *
 * <p>The thread count is set without JavaCPP's {@code blas_set_num_threads}: that looks up MKL's names
 * with {@code Loader.addressof}, which calls {@code dlsym} inside a {@code dl_iterate_phdr} callback
 * when a name is not in the global scope. glibc takes its two loader locks there in the opposite order
 * from {@code dlopen}, so a library load on any other thread at that moment (the JVM loading
 * {@code libjaas.so} for Spark, an executor's own threads) hung both threads for good (seen, with gdb,
 * on a local run). Here OpenBLAS is first made global ({@code dlopen(RTLD_GLOBAL)}), so the one name
 * looked up is found by {@code dlsym(RTLD_DEFAULT, …)} and no iteration happens.
 */
public final class BlasLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(BlasLibrary.class);
  private static final String NATIVE_LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
  /**
   * netlib announces its choice through java.util.logging, in that logger's own two-line format on
   * stderr, before every command's output ("INFO: Using dev.ludovic.netlib.blas.JNIBLAS"); our "BLAS:"
   * line says the same. Held here because java.util.logging keeps loggers only weakly, with their level.
   */
  private static final java.util.logging.Logger NETLIB_LOG =
      quiet(java.util.logging.Logger.getLogger("dev.ludovic.netlib"));

  private static Gemm loaded;
  private static BlasBackend loadedFor;

  private BlasLibrary() {}

  private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

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
    setOneThreadPerCall(path);
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

  /**
   * Sets OpenBLAS to one thread per call.
   *
   * @throws UnsatisfiedLinkError if {@code library} cannot be opened again
   * @throws IllegalStateException if it does not export {@code openblas_set_num_threads}
   */
  private static void setOneThreadPerCall(String library) {
    // The library is loaded already; this only adds it to the global scope, where dlsym(RTLD_DEFAULT)
    // finds its symbols. A library loaded after it that needs a BLAS symbol may now bind to OpenBLAS.
    Loader.loadGlobal(library);
    Pointer address = Loader.addressof("openblas_set_num_threads");
    if (address == null || address.isNull()) {
      throw new IllegalStateException(library + " exports no openblas_set_num_threads");
    }
    new SetNumThreads().put(address).call(1);
  }

  /** OpenBLAS's {@code void openblas_set_num_threads(int)}, called through the presets' binding. */
  private static final class SetNumThreads
      extends org.bytedeco.openblas.presets.openblas_nolapack.SetNumThreads {
    SetNumThreads() {
      super();
    }
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
