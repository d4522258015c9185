/**
 * CondenseNet as DJL {@link ai.djl.nn.Block}s (Huang et al., CVPR 2018, arXiv:1711.09224; docs/design.md): the
 * configuration and presets, the training form with learned group convolutions and their masks, condensing
 * (paper §3.1, "Condensation criterion" and "Group lasso"), conversion into the condensed inference form
 * (paper §3.1, Figure 3: index layer + grouped convolution, channel shuffle), and parameter/FLOP counting.
 *
 * <p>May import: DJL, {@code model.engine}, {@code model.error}. Must not import {@code model.compiled} or
 * {@code model.store} (they build on this package), nor anything of training or the pipeline.
 */
package dev.condensenet.model.net;
