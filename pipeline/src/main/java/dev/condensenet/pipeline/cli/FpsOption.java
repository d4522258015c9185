package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.Flags;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --fps R} of the commands that send frames ({@code demo}, {@code produce}): the send rate. */
final class FpsOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--fps", paramLabel = "R",
            description = "Frames per second; 0 sends as fast as possible (default: ${DEFAULT-VALUE})")
    double fps = 0;

    /**
     * @return frames per second, 0 for as fast as possible
     * @throws ParameterException for a negative, infinite or NaN rate
     */
    double get() {
        Flags.require(fps >= 0 && Double.isFinite(fps), spec, "--fps", "must be >= 0 (0 = as fast as possible)");
        return fps;
    }
}
