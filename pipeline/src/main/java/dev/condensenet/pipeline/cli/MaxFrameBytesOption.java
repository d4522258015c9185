package dev.condensenet.pipeline.cli;

import dev.condensenet.cli.Flags;
import dev.condensenet.pipeline.frames.DecoderSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --max-frame-bytes N} of the commands that create the frames topic or write to it ({@code broker},
 * {@code demo}, {@code produce}): the job's limit on a frame (record value) in bytes. The topic's
 * {@code max.message.bytes} and the producer's {@code max.request.size} are this plus
 * {@link dev.condensenet.pipeline.wire.Topics#frameRecordLimit headroom}, so every frame the job accepts can
 * be sent.
 */
final class MaxFrameBytesOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--max-frame-bytes", paramLabel = "BYTES", description = "Largest frame in bytes, as the job's --max-frame-bytes: the frames topic and "
            + "the producer take it plus 64 KiB of record overhead; larger frames are refused (default: ${DEFAULT-VALUE})")
    int maxFrameBytes = DecoderSettings.DEFAULT_MAX_BYTES;

    /**
     * @return the limit in bytes, at least 1
     * @throws ParameterException for a value below 1
     */
    int get() {
        Flags.require(maxFrameBytes >= 1, spec, "--max-frame-bytes", "must be at least 1");
        return maxFrameBytes;
    }
}
