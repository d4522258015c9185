/**
 * Training and test data: Fashion-MNIST IDX files, CIFAR-10 binaries and image folders read into memory as
 * DJL data sets, with the augmentation the paper's CIFAR recipe uses (random crop with padding, horizontal flip).
 *
 * <p>May import: DJL (api, basicdataset), {@code model.*}. Must not import {@code train}, {@code bench} or
 * {@code cli}.
 */
package dev.condensenet.training.data;
