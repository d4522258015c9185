package dev.condensenet.model.net;

/**
 * Parameter and FLOP counts by the rules of the authors' {@code measure_model} (docs/design.md §5; the counts
 * behind the paper's tables), computed from the config alone so that even the ImageNet presets are counted
 * without building them. FLOPs are multiply-adds for one image.
 *
 * <ul>
 *   <li>conv: {@code Cin·Cout·kh·kw·Hout·Wout / groups} multiply-adds, params = weight numel;</li>
 *   <li>learned group conv (training form): the same divided by C — its final sparse cost;</li>
 *   <li>ReLU: input numel; avg pool: {@code C·Hout·Wout·k²}; linear: {@code in·out + out};</li>
 *   <li>batch norm: no ops, γ+β params; running statistics, masks and index buffers are not counted.</li>
 * </ul>
 *
 * @param trainParams trainable tensor elements of the training form (dense LGC weights)
 * @param trainParamsOfficial design.md §5 params of the training form (LGC weights counted at 1/C)
 * @param trainFlops design.md §5 multiply-adds of the training form
 * @param convertedParams trainable tensor elements of the condensed form (= its design.md §5 params)
 * @param convertedFlops design.md §5 multiply-adds of the condensed form
 */
public record ModelCounts(long trainParams, long trainParamsOfficial, long trainFlops,
                          long convertedParams, long convertedFlops) {

    /**
     * Multiply-adds the masked training form really executes per image: design.md §5 rules, but every
     * learned group conv at its full dense cost (the mask saves nothing until conversion).
     */
    public static long executedMaskedFlops(CondenseNetConfig config) {
        ModelCounts c = of(config);
        long lgcSparse = 0;
        long lgcDense = 0;
        long ch = config.stemChannels();
        long h = config.stemOutputSize();
        for (int m = 0; m < config.blocks(); m++) {
            if (m > 0) {
                h /= 2;
            }
            long k = config.growth(m);
            for (int l = 0; l < config.stage(m); l++) {
                long dense = ch * config.bottleneck() * k * h * h;
                lgcDense += dense;
                lgcSparse += dense / config.condenseFactor();
                ch += k;
            }
        }
        return c.trainFlops() - lgcSparse + lgcDense;
    }

    /** Counts both forms of the network described by {@code config}; no engine or arrays needed. */
    public static ModelCounts of(CondenseNetConfig config) {
        int g = config.groups();
        int cf = config.condenseFactor();
        int b = config.bottleneck();
        long c = config.stemChannels();
        long h = config.stemOutputSize();

        long stemParams = (long) config.inChannels() * c * 9;
        long raw = stemParams;
        long official = stemParams;
        long flops = stemParams * h * h;
        long convParams = stemParams;
        long convFlops = flops;

        for (int m = 0; m < config.blocks(); m++) {
            if (m > 0) { // transition: 2×2 average pooling, stride 2
                h /= 2;
                long pool = c * h * h * 4;
                flops += pool;
                convFlops += pool;
            }
            long k = config.growth(m);
            for (int l = 0; l < config.stage(m); l++) {
                long r = c;
                long o = b * k;
                // 1×1 learned group conv: BN(R) + ReLU + conv, counted at its final 1/C density.
                raw += 2 * r + r * o;
                official += 2 * r + r * o / cf;
                flops += r * h * h + r * o * h * h / cf;
                // Condensed: gather R' = R·G/C channels, BN(R') + ReLU + grouped conv (G groups).
                long rp = r * g / cf;
                convParams += 2 * rp + o * rp / g;
                convFlops += rp * h * h + rp * o * h * h / g;
                // 3×3 group conv with its BN + ReLU, identical in both forms.
                long p3 = 2 * o + k * (o / g) * 9;
                long f3 = o * h * h + o * k * 9 * h * h / g;
                raw += p3;
                official += p3;
                flops += f3;
                convParams += p3;
                convFlops += f3;
                c += k;
            }
        }
        // Head: BN + ReLU + global average pooling (kernel = spatial size) + linear.
        long headOps = c * h * h + c * h * h;
        long classes = config.classes();
        raw += 2 * c + c * classes + classes;
        official += 2 * c + c * classes + classes;
        flops += headOps + c * classes + classes;
        long kept = CondensedLinear.keptFeatures((int) c);
        convParams += 2 * c + kept * classes + classes;
        convFlops += headOps + kept * classes + classes;
        return new ModelCounts(raw, official, flops, convParams, convFlops);
    }
}
