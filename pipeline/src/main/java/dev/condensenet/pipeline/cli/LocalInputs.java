package dev.condensenet.pipeline.cli;

import dev.condensenet.model.error.UserError;
import dev.condensenet.pipeline.job.Testdata;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * What the local commands ({@code demo}, {@code bench}, {@code broker}, {@code run}) take from this machine
 * when the user gives nothing: the repository's model and sample images, and free ports. Each problem is one
 * line that says where the command looked and which flag to pass.
 */
final class LocalInputs {

    private LocalInputs() {
    }

    /** {@code --model DIR}, or the repository's shipped model. */
    static Path model(Path given) {
        if (given != null) {
            return given;
        }
        return Testdata.model().orElseThrow(() -> new UserError("no --model given and no model directory in "
                + looked("models") + ": run from the repository root, or pass --model DIR (a directory written "
                + "by condensenet-training train or condense)"));
    }

    /** {@code --images DIR}, or the repository's sample images; the directory must exist. */
    static Path images(Path given) {
        Path dir = given != null ? given : Testdata.fashionMnistSample().orElseThrow(() -> new UserError(
                "no --images given and no sample images in " + looked("fashion-mnist-sample") + ": run from the "
                        + "repository root, or pass --images DIR (PNG/JPEG/BMP/GIF files, optional labels.csv)"));
        if (!Files.isDirectory(dir)) {
            throw new UserError("--images " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                    + ": pass a directory of PNG/JPEG/BMP/GIF files");
        }
        return dir;
    }

    private static String looked(String under) {
        return Testdata.searched().stream().map(p -> p.resolve(under).toString()).collect(Collectors.joining(" or "));
    }

    /**
     * A port a local server will listen on must be free on the loopback address (0: the server picks one).
     * Checked before anything starts, because the servers themselves (Kafka, Flink's Prometheus reporter)
     * answer a taken port with pages of errors, or carry on without it.
     */
    static void requireFreePort(int port, String flag) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.getLocalPort(); // bound: the port is free
        } catch (IOException e) {
            throw new UserError(flag + " " + port + ": the port is in use on this machine; stop what listens there "
                    + "or pick another port");
        }
    }
}
