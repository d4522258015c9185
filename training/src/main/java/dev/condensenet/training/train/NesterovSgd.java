package dev.condensenet.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashMap;
import java.util.Map;

/**
 * SGD with (Nesterov) momentum and coupled weight decay, as PyTorch's {@code torch.optim.SGD}
 * (DJL's PyTorch engine does not implement {@code Nag}):
 *
 * <pre>
 * d = g + wd·w;   v = μ·v + d  (v = d on the first step);   w −= lr · (nesterov ? d + μ·v : v)
 * </pre>
 *
 * The learning rate is the tracker's value at the global iteration the training loop sets with
 * {@link #setIteration}, not a per-parameter update count, so a resumed run follows the same
 * schedule. Momentum buffers are exported in parameter order for checkpoints.
 */
public final class NesterovSgd extends Optimizer {

    private final Tracker learningRate;
    private final float momentum;
    private final boolean nesterov;
    private final Map<String, NDArray> velocity = new HashMap<>();
    private int iteration;

    private NesterovSgd(Builder b) {
        super(b);
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The global iteration {@code epoch·nBatch + i} whose learning rate the next updates use. */
    public void setIteration(int iteration) {
        this.iteration = iteration;
    }

    public float learningRate() {
        return learningRate.getNewValue(iteration);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(iteration);
        float wd = getWeightDecay();
        NDArray d = grad.mul(rescaleGrad);
        if (wd != 0f) {
            try (NDArray decay = weight.mul(wd)) {
                d.addi(decay);
            }
        }
        NDArray v = velocity.get(parameterId);
        if (v == null) {
            // Lives as long as the weight: attached to the weight's (model) manager.
            v = d.duplicate();
            v.attach(weight.getManager());
            velocity.put(parameterId, v);
        } else {
            v.muli(momentum).addi(d);
        }
        if (nesterov) {
            try (NDArray mv = v.mul(momentum)) {
                d.addi(mv);
            }
        } else {
            d.close();
            d = v.duplicate();
        }
        d.muli(lr);
        weight.subi(d);
        d.close();
    }

    /**
     * Copies of the momentum buffers, each named by its parameter's path in {@code params} and owned
     * by {@code manager} (the live buffers stay untouched). Names, unlike parameter ids, survive a
     * rebuild of the network.
     */
    public NDList exportState(ParameterList params, NDManager manager) {
        NDList out = new NDList();
        for (Pair<String, Parameter> p : params) {
            NDArray v = velocity.get(p.getValue().getId());
            if (v != null) {
                NDArray copy = v.duplicate();
                copy.attach(manager);
                copy.setName(p.getKey());
                out.add(copy);
            }
        }
        return out;
    }

    /** Restores buffers written by {@link #exportState} into the parameters of the same names. */
    public void importState(ParameterList params, NDList state) {
        for (NDArray v : state) {
            Parameter p = params.get(v.getName());
            if (p == null) {
                throw new IllegalArgumentException("optimizer state for unknown parameter " + v.getName());
            }
            NDArray w = p.getArray();
            if (!v.getShape().equals(w.getShape())) {
                throw new IllegalArgumentException("optimizer buffer " + v.getName() + " has shape " + v.getShape()
                        + ", the parameter has " + w.getShape());
            }
            // A real clone on the weight's device: decoded arrays may alias the decoder's buffer.
            NDArray onDevice = v.toDevice(w.getDevice(), false);
            NDArray copy = onDevice.duplicate();
            copy.attach(w.getManager());
            NDArray old = velocity.put(p.getId(), copy);
            if (old != null) {
                old.close();
            }
        }
    }

    /** Builder: {@link #setLearningRate} is required. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private Tracker learningRate;
        private float momentum = 0.9f;
        private boolean nesterov = true;

        public Builder setLearningRate(Tracker learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder optMomentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder optNesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public NesterovSgd build() {
            if (learningRate == null) {
                throw new IllegalStateException("NesterovSgd needs setLearningRate(...)");
            }
            return new NesterovSgd(this);
        }
    }
}
