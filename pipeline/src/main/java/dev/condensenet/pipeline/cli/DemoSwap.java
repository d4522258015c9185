package dev.condensenet.pipeline.cli;

import dev.condensenet.model.store.ModelRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code demo --model-root}: publishes {@code --swap-to} as the next version half-way through the stream and
 * measures what the swap costs the stream: output rate in the second before and after the first prediction of
 * the new version, and the longest gap between two outputs around it against the usual (p99) gap.
 */
final class DemoSwap {
    /** Window either side of the swap, ns. */
    private static final long WINDOW_NS = 1_000_000_000L;

    private final List<long[]> outputs = new ArrayList<>(); // {arrival ns, model version}
    final Map<Long, Integer> perVersion = new TreeMap<>();
    long publishedVersion;

    /** Copies the model directory {@code dir} into {@code root} as its next version (temporary name, rename). */
    void publish(Path root, Path dir) throws IOException {
        publishedVersion = ModelRoot.publish(root, d -> {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f)) {
                        Files.copy(f, d.resolve(f.getFileName()));
                    }
                }
            }
        });
    }

    void prediction(long arrivalNs, long version) {
        outputs.add(new long[] {arrivalNs, version});
        perVersion.merge(version, 1, Integer::sum);
    }

    /** One line per measure, or an empty string when no prediction of a second version arrived. */
    String report() {
        if (outputs.size() < 3) {
            return "";
        }
        outputs.sort((a, b) -> Long.compare(a[0], b[0]));
        long first = outputs.get(0)[1];
        int swapAt = -1;
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i)[1] != first) {
                swapAt = i;
                break;
            }
        }
        if (swapAt < 1) {
            return "";
        }
        long t = outputs.get(swapAt)[0];
        int before = 0;
        int after = 0;
        long maxGapNear = 0;
        long[] gaps = new long[outputs.size() - 1];
        for (int i = 0; i < outputs.size(); i++) {
            long at = outputs.get(i)[0];
            if (at >= t - WINDOW_NS && at < t) {
                before++;
            } else if (at >= t && at < t + WINDOW_NS) {
                after++;
            }
            if (i > 0) {
                long gap = at - outputs.get(i - 1)[0];
                gaps[i - 1] = gap;
                if (at >= t - WINDOW_NS && at < t + WINDOW_NS) {
                    maxGapNear = Math.max(maxGapNear, gap);
                }
            }
        }
        Arrays.sort(gaps);
        long p99 = gaps[Math.max(0, (int) Math.ceil(0.99 * gaps.length) - 1)];
        return String.format(Locale.ROOT, "swap             version %d -> %d: %d frames/s in the second before the "
                        + "first version-%d prediction, %d in the second after; longest gap between outputs within "
                        + "1 s of it %.1f ms (p99 gap of the run %.1f ms)%n", first, outputs.get(swapAt)[1], before,
                outputs.get(swapAt)[1], after, maxGapNear / 1e6, p99 / 1e6);
    }
}
