package dev.condensenet.model.compiled;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.condensenet.model.compiled.CompiledCondenseNet;
import dev.condensenet.model.compiled.Compiler;
import dev.condensenet.model.fold.LayerPlan;
import dev.condensenet.model.net.CondenseNet;
import dev.condensenet.model.net.CondenseNetConfig;
import dev.condensenet.model.net.CondensedLinear;
import dev.condensenet.model.net.Condenser;
import dev.condensenet.model.net.Converter;

/**
 * End-to-end check of conversion (docs/design.md §11, check 15): train a few SGD steps on random data while the
 * schedule walks through every condensing stage (so masks and BN statistics are real, not initial),
 * convert, and compare the two forms in eval mode on fresh random inputs; then compile the converted
 * network in every layer plan and compare it with the converted tree.
 */
public final class ConversionCheck {

    /**
     * @param maxFeatureDiff max |features(masked) − features(condensed)| before the classifier
     * @param maxLogitDiff max |logits(condensed) − features·W'ᵀ − b| where W' zeroes the dropped columns
     * @param steps training steps taken
     * @param sparsity fraction of learned-group-conv weights masked out at the end
     * @param maxCompiledDiff max |logits(compiled) − logits(converted tree)| over every {@link LayerPlan}
     */
    public record Result(double maxFeatureDiff, double maxLogitDiff, int steps, double sparsity,
                         double maxCompiledDiff) {
    }

    private ConversionCheck() {
    }

    /** Fewest steps that reach the last condensing stage: it starts at half of the schedule. */
    public static final int MIN_STEPS = 2;

    /**
     * Runs the check on the CPU: {@code steps} SGD steps on random NCHW batches with the schedule spread over
     * them (the last stage starts at step {@code steps/2}; fewer steps than stages jump over stages, which
     * condense as if passed one by one, docs/design.md §3.3), then conversion and comparison.
     *
     * @param config the architecture (keep it small: every layer is trained and compiled)
     * @param steps SGD steps on random data, at least {@link #MIN_STEPS}; exactly these are taken
     * @param batch images per step and per comparison
     * @param seed seed of initialisation, data and dropout
     * @return the largest differences found (expected ≤ 1e-5) and what was run
     * @throws IllegalArgumentException if {@code steps < MIN_STEPS} or {@code batch < 1}
     */
    public static Result run(CondenseNetConfig config, int steps, int batch, long seed) {
        if (steps < MIN_STEPS || batch < 1) {
            throw new IllegalArgumentException("need steps >= " + MIN_STEPS + " and batch >= 1, got " + steps
                    + " and " + batch);
        }
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        int total = steps;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock net = CondenseNet.builder().setConfig(config).build();
            net.initialize(manager, DataType.FLOAT32, CondenseNet.inputShape(config, batch));
            Condenser condenser = new Condenser(net);
            ParameterStore ps = new ParameterStore(manager, false);
            Loss loss = Loss.softmaxCrossEntropyLoss();
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
            for (int i = 0; i < total; i++) {
                condenser.update((double) i / total);
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.randomNormal(CondenseNet.inputShape(config, batch));
                    NDArray y = step.randomInteger(0, config.classes(), new Shape(batch), DataType.INT64);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDArray logits = net.forward(ps, new NDList(x), true).singletonOrThrow();
                        gc.backward(loss.evaluate(new NDList(y), new NDList(logits)));
                    }
                    sgdStep(net, sgd);
                }
            }
            double sparsity = condenser.sparsity();

            SequentialBlock condensed = Converter.convert(net, config, manager);
            try (NDManager eval = manager.newSubManager()) {
                NDArray x = eval.randomNormal(CondenseNet.inputShape(config, batch));
                NDArray fMasked = CondenseNet.features(net).forward(ps, new NDList(x), false).singletonOrThrow();
                NDArray fCond = CondenseNet.features(condensed).forward(ps, new NDList(x), false).singletonOrThrow();
                double featureDiff = fMasked.sub(fCond).abs().max().getFloat();

                NDArray logits = CondenseNet.classifier(condensed).forward(ps, new NDList(fCond), false)
                        .singletonOrThrow();
                NDArray reference = referenceLogits(net, condensed, fCond, eval);
                double logitDiff = logits.sub(reference).abs().max().getFloat();
                double compiledDiff = 0;
                for (LayerPlan plan : LayerPlan.values()) {
                    try (CompiledCondenseNet compiled = Compiler.forConfig(config).optPlan(plan)
                            .compile(condensed, eval)) {
                        NDArray y = compiled.forward(ps, new NDList(x), false).singletonOrThrow();
                        compiledDiff = Math.max(compiledDiff, y.sub(logits).abs().max().getFloat());
                    }
                }
                return new Result(featureDiff, logitDiff, total, sparsity, compiledDiff);
            }
        }
    }

    /**
     * features·W'ᵀ + b with the trained FC weight whose dropped columns are zeroed: the masked form's
     * logits under the condensed classifier's feature pruning (docs/design.md §4.3), the one place the two
     * forms are meant to differ.
     */
    public static NDArray referenceLogits(SequentialBlock trained, SequentialBlock condensed, NDArray features,
                                           NDManager manager) {
        ai.djl.nn.core.Linear fc = (ai.djl.nn.core.Linear) CondenseNet.classifier(trained);
        CondensedLinear cl = (CondensedLinear) CondenseNet.classifier(condensed);
        NDArray w = fc.getParameters().get("weight").getArray();
        NDArray b = fc.getParameters().get("bias").getArray();
        float[] keep = new float[(int) w.getShape().get(1)];
        for (int j : cl.index()) {
            keep[j] = 1f;
        }
        // w.mul lands in the model's manager; close the temporaries so repeated checks leave nothing behind
        try (NDArray mask = manager.create(keep);
             NDArray kept = w.mul(mask);
             NDArray keptT = kept.transpose();
             NDArray product = features.matMul(keptT)) {
            return product.add(b);
        }
    }

    private static void sgdStep(SequentialBlock net, Optimizer sgd) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            Parameter param = p.getValue();
            if (param.requiresGradient()) {
                NDArray w = param.getArray();
                try (NDArray grad = w.getGradient()) {
                    sgd.update(param.getId(), w, grad);
                }
            }
        }
    }
}
