package dev.condensenet.model.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide PyTorch engine setup that every entry point (CLI, Flink operator, tests) applies once,
 * before the first DJL call, so that plain {@code java -jar} runs at full speed and quietly
 * (docs/design.md §8.2–§8.5):
 *
 * <ul>
 *   <li><b>offline</b>: {@code ai.djl.offline=true} (unless set) so a missing native jar fails fast
 *       instead of trying to download;</li>
 *   <li><b>threads</b>: libtorch reads its intra-/inter-op thread counts when the engine loads, from
 *       DJL's {@code ai.djl.pytorch.num_threads} / {@code num_interop_threads};</li>
 *   <li><b>malloc</b>: glibc can give large activation buffers back to the OS after a call, so the next
 *       call first-touches fresh pages, each a page fault (docs/design.md §8.2). {@code mallopt} fixes
 *       the mmap and trim thresholds from inside the JVM, so no launcher flag is needed;</li>
 *   <li><b>NNPACK</b>: libtorch 2.7.1 logs "Could not initialize NNPACK" on every ungrouped conv on
 *       CPUs it does not support; turning NNPACK off through {@code at::Context} silences it.</li>
 * </ul>
 */
public final class TorchRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static volatile boolean initialized;
    private static int threads;

    private TorchRuntime() {
    }

    /**
     * Applies the settings and loads the engine. Later calls are no-ops (libtorch's thread pool is
     * fixed once loaded); a different thread count is reported, not silently ignored.
     *
     * @param intraOpThreads libtorch intra-op threads; 0 keeps libtorch's default (one per core)
     * @return the PyTorch engine
     */
    public static synchronized Engine init(int intraOpThreads) {
        if (initialized) {
            if (intraOpThreads > 0 && intraOpThreads != threads) {
                LOG.warn("PyTorch already runs with {} threads in this JVM; ignoring request for {}",
                        threads, intraOpThreads);
            }
            return Engine.getEngine("PyTorch");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (intraOpThreads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        tuneMalloc();
        Engine engine = Engine.getEngine("PyTorch");
        disableNnpack();
        threads = intraOpThreads;
        initialized = true;
        return engine;
    }

    /** Equivalent to {@code init(0)} unless already initialised: libtorch's default thread count. */
    public static Engine init() {
        return init(0);
    }

    private static void tuneMalloc() {
        if (!isLinuxGlibc()) {
            return;
        }
        try {
            Function mallopt = NativeLibrary.getInstance("c").getFunction("mallopt");
            int a = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, 32 << 20});
            int b = mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, 1 << 30});
            if (a != 1 || b != 1) {
                LOG.warn("mallopt refused the malloc thresholds; inference may be several times slower. "
                        + "Run with LD_PRELOAD=libjemalloc.so.2 instead (see README)");
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.warn("could not tune malloc ({}); inference may be slower", e.getMessage());
        }
    }

    private static void disableNnpack() {
        try {
            String path = LibUtils.getLibtorchPath();
            NativeLibrary torchCpu = NativeLibrary.getInstance(path + "/libtorch_cpu.so");
            Pointer context = torchCpu.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
            torchCpu.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] {context, false});
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("NNPACK left enabled: {}", e.getMessage());
        }
    }

    private static boolean isLinuxGlibc() {
        return System.getProperty("os.name", "").toLowerCase().contains("linux");
    }
}
