package dev.condensenet.model.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why PyTorch sees no GPU, in one line a user can act on. DJL 0.36 counts GPUs through libcudart (JNA
 * "cudart") and loads the CPU build of libtorch whenever pytorch-native-cpu is on the classpath, whatever
 * PYTORCH_FLAVOR says (docs/deployment.md): so "0 GPUs" has three different causes, told apart here.
 */
public final class GpuVisibility {
    /** DJL's cache directory name: VERSION[-BUILD DATE]-FLAVOR-CLASSIFIER, e.g. 2.7.1-cu128-linux-x86_64. */
    private static final Pattern CACHE_DIR = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-\\d{8})?-(.+)-(linux|osx|win)-[a-z0-9_]+");

    private GpuVisibility() {
    }

    /**
     * Explains zero visible GPUs after the engine is initialised. Mentions "CPU build" when the loaded
     * libtorch is DJL's CPU flavour, "libcudart" when the CUDA runtime cannot be loaded, and otherwise
     * says "no GPU visible" (CUDA libtorch and runtime present, but no device or driver).
     */
    public static String explainNoGpu() {
        Engine engine = Engine.getEngine("PyTorch");
        String dir = LibUtils.getLibtorchPath();
        String flavor = flavor(dir);
        String libtorch = "libtorch " + engine.getVersion() + " (" + flavor + ") from " + dir;
        if (!flavor.startsWith("cu")) {
            return "this is the CPU build of " + libtorch + ": with pytorch-native-cpu on the classpath DJL always"
                    + " loads it; use the GPU image or a classpath without that jar (docs/deployment.md), or --device cpu";
        }
        try {
            NativeLibrary.getInstance("cudart");
        } catch (UnsatisfiedLinkError e) {
            return "libcudart is not on the library path (LD_LIBRARY_PATH=" + System.getenv("LD_LIBRARY_PATH")
                    + "), so DJL counts 0 GPUs with " + libtorch + "; add its directory to LD_LIBRARY_PATH or "
                    + "-Djna.library.path";
        }
        return "no GPU visible to " + libtorch + " (the CUDA runtime loaded, but it reports no device): give the"
                + " container a GPU (--gpus / a compose device reservation / nvidia.com/gpu) on a node with the"
                + " NVIDIA driver, or use --device cpu";
    }

    /** The flavour DJL resolved: from its cache directory name, else PYTORCH_FLAVOR (a PYTORCH_LIBRARY_PATH run). */
    static String flavor(String libtorchDir) {
        Matcher m = CACHE_DIR.matcher(Path.of(libtorchDir).getFileName().toString());
        if (m.matches()) {
            return m.group(1);
        }
        String env = System.getenv("PYTORCH_FLAVOR");
        return env == null || env.isBlank() ? "unknown flavour" : env;
    }
}
