/**
 * CondenseNet as DJL {@link ai.djl.nn.Block}s (Huang et al., CVPR 2018, arXiv:1711.09224; docs/design.md §2–§5):
 * the configuration and presets ({@link dev.condensenet.model.net.CondenseNetConfig},
 * {@link dev.condensenet.model.net.Presets}), the training form with learned group convolutions and their masks
 * ({@link dev.condensenet.model.net.LearnedGroupConv}), the condensing schedule, criterion and group lasso
 * ({@link dev.condensenet.model.net.Condenser}; paper, "Learned Group Convolution": "Condensation criterion",
 * "Group lasso", "Condensation procedure"), conversion into the condensed form — channel gather (the paper's
 * index layer), grouped 1×1 convolution, channel shuffle, half-width classifier
 * ({@link dev.condensenet.model.net.Converter}; paper, Fig. 1 right and Fig. 3 right) — and parameter/FLOP
 * counting ({@link dev.condensenet.model.net.ModelCounts}). All tensors are float32 NCHW.
 *
 * <p>May import: DJL's api, {@code model.engine}, {@code model.error}, the JDK. Must not import
 * {@code model.compiled} or {@code model.store} (they build on this package), nor anything of training, the
 * pipeline, Flink or Kafka; {@code ModelArchitectureTest} enforces this.
 */
package dev.condensenet.model.net;
