package dev.condensenet.model.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import dev.condensenet.model.error.UserError;
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
 *   <li><b>TF32</b> ({@link #setTf32}, {@code --exact-fp32}): on NVIDIA GPUs since Ampere, cuDNN runs float32
 *       convolutions in TF32 (10-bit mantissa) unless PyTorch's {@code at::Context} says otherwise (PyTorch's
 *       "TensorFloat-32 (TF32) on Ampere (and later) devices" notes: {@code torch.backends.cudnn.allow_tf32},
 *       {@code torch.backends.cuda.matmul.allow_tf32}). DJL 0.36 has no setting for it, so it is set in
 *       {@code at::Context} through JNA like NNPACK.</li>
 * </ul>
 */
public final class TorchRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;

    private static final String CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_TF32_CUDNN = "_ZN2at7Context17setAllowTF32CuDNNEb";
    private static final String SET_TF32_CUBLAS = "_ZN2at7Context18setAllowTF32CuBLASEb";
    /**
     * The cuDNN getter changed its signature: {@code allowTF32CuDNN()} up to PyTorch 2.7, then with a defaulted
     * {@code std::optional<at::Float32Op>} (passed by value in one register: 0 is "no op given"). The setters
     * and the cuBLAS getter kept theirs.
     */
    private static final String GET_TF32_CUDNN = "_ZNK2at7Context14allowTF32CuDNNEv";
    private static final String GET_TF32_CUDNN_OP = "_ZNK2at7Context14allowTF32CuDNNESt8optionalINS_9Float32OpEE";
    private static final String GET_TF32_CUBLAS = "_ZNK2at7Context15allowTF32CuBLASEv";
    /** PyTorch's documented defaults, for a libtorch whose getters cannot be called from here. */
    private static final Tf32 PYTORCH_DEFAULTS = new Tf32(true, false);

    private static volatile boolean initialized;
    private static int threads;
    private static Tf32 tf32Defaults;
    private static Tf32 tf32Set;

    /**
     * Whether PyTorch may run float32 work in TF32 on NVIDIA GPUs (Ampere and later); process-wide
     * {@code at::Context} flags, read by every later CUDA call. No effect on the CPU, which never uses TF32.
     *
     * @param cudnn convolutions through cuDNN ({@code torch.backends.cudnn.allow_tf32}; PyTorch's default: true)
     * @param cublas matrix multiplications through cuBLAS ({@code torch.backends.cuda.matmul.allow_tf32};
     *     PyTorch's default: false)
     */
    public record Tf32(boolean cudnn, boolean cublas) {
        /** Both off: float32 convolutions and matmuls in full float32 ({@code --exact-fp32}). */
        public static final Tf32 OFF = new Tf32(false, false);
    }

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

    /**
     * The TF32 flags of the loaded libtorch (loads it with {@link #init()} if no entry point did yet). Where this
     * libtorch's getters cannot be called (a signature not known here), the flags last set through
     * {@link #setTf32}, else PyTorch's documented defaults.
     *
     * @throws UserError when this libtorch has no {@code at::globalContext}
     */
    public static synchronized Tf32 tf32() {
        Tf32 read = readTf32();
        return read != null ? read : tf32Set != null ? tf32Set : PYTORCH_DEFAULTS;
    }

    /**
     * Sets the TF32 flags for every later forward in this JVM (all models and threads: they are libtorch
     * globals), and reads them back where the getters can be called. The values found before the first change
     * are kept for {@link #tf32Defaults()}.
     *
     * @throws UserError when this libtorch has no {@code setAllowTF32CuDNN}/{@code setAllowTF32CuBLAS}, or the
     *     flags read back differ
     */
    public static synchronized void setTf32(Tf32 tf32) {
        Pointer context = globalContext();
        if (tf32Defaults == null) {
            tf32Defaults = tf32();
        }
        function(SET_TF32_CUDNN).invokeVoid(new Object[] {context, tf32.cudnn()});
        function(SET_TF32_CUBLAS).invokeVoid(new Object[] {context, tf32.cublas()});
        tf32Set = tf32;
        Tf32 now = readTf32();
        if (now != null && !now.equals(tf32)) {
            throw new UserError("libtorch at " + LibUtils.getLibtorchPath() + " kept TF32 at " + now + " when set to "
                    + tf32 + ": --exact-fp32 cannot be honoured with this PyTorch");
        }
    }

    /** libtorch's TF32 flags as they were before the first {@link #setTf32} (or as they are now). */
    public static synchronized Tf32 tf32Defaults() {
        return tf32Defaults != null ? tf32Defaults : tf32();
    }

    /** Whether {@link #setTf32} ran in this JVM (until then libtorch's flags are its defaults). */
    public static synchronized boolean tf32Changed() {
        return tf32Set != null;
    }

    /** The flags from libtorch's getters, or null where neither known cuDNN getter is exported. */
    private static Tf32 readTf32() {
        Pointer context = globalContext();
        String path = LibUtils.getLibtorchPath();
        NativeLibrary torchCpu = NativeLibrary.getInstance(path + "/libtorch_cpu.so");
        int cudnn;
        try {
            cudnn = torchCpu.getFunction(GET_TF32_CUDNN).invokeInt(new Object[] {context});
        } catch (UnsatisfiedLinkError e) {
            try {
                cudnn = torchCpu.getFunction(GET_TF32_CUDNN_OP).invokeInt(new Object[] {context, 0L});
            } catch (UnsatisfiedLinkError e2) {
                return null;
            }
        }
        // A C++ bool comes back in the low byte of the return register only.
        return new Tf32((cudnn & 0xFF) != 0, (function(GET_TF32_CUBLAS).invokeInt(new Object[] {context}) & 0xFF) != 0);
    }

    private static Pointer globalContext() {
        return function(CONTEXT).invokePointer(new Object[0]);
    }

    private static Function function(String symbol) {
        if (!initialized) {
            init();
        }
        String path = LibUtils.getLibtorchPath();
        try {
            return NativeLibrary.getInstance(path + "/libtorch_cpu.so").getFunction(symbol);
        } catch (UnsatisfiedLinkError e) {
            throw new UserError("libtorch at " + path + " (PyTorch " + Engine.getEngine("PyTorch").getVersion()
                    + ") has no " + symbol + ", needed to switch TF32 (--exact-fp32): " + e.getMessage());
        }
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
