package dev.condensenet.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The model module's layering (see each package's package-info): {@code error} and {@code engine} at the bottom,
 * then the network blocks ({@code net}), the exact inference folds ({@code fold}), the compiled serving network
 * ({@code compiled}) and the ONNX export ({@code onnx}) beside it, and the model directory ({@code store}) on top. Nothing here knows about training, the streaming job or command lines.
 */
@AnalyzeClasses(packages = "dev.condensenet.model", importOptions = ImportOption.DoNotIncludeTests.class)
class ModelArchitectureTest {

    @ArchTest
    static final ArchRule PACKAGES_ARE_FREE_OF_CYCLES =
            slices().matching("dev.condensenet.model.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule LAYERS_ONLY_LOOK_DOWN = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("error").definedBy("dev.condensenet.model.error..")
            .layer("engine").definedBy("dev.condensenet.model.engine..")
            .layer("net").definedBy("dev.condensenet.model.net..")
            .layer("fold").definedBy("dev.condensenet.model.fold..")
            .layer("compiled").definedBy("dev.condensenet.model.compiled..")
            .layer("store").definedBy("dev.condensenet.model.store..")
            .layer("onnx").definedBy("dev.condensenet.model.onnx..")
            .whereLayer("store").mayNotBeAccessedByAnyLayer()
            .whereLayer("onnx").mayNotBeAccessedByAnyLayer()
            .whereLayer("compiled").mayOnlyBeAccessedByLayers("store")
            .whereLayer("fold").mayOnlyBeAccessedByLayers("compiled", "store", "onnx")
            .whereLayer("net").mayOnlyBeAccessedByLayers("fold", "compiled", "store", "onnx")
            .whereLayer("engine").mayOnlyBeAccessedByLayers("net", "compiled", "store");

    @ArchTest
    static final ArchRule MODEL_KNOWS_NEITHER_TRAINING_NOR_PIPELINE = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("dev.condensenet.training..", "dev.condensenet.pipeline..", "dev.condensenet.cli..",
                    "org.apache.flink..", "org.apache.kafka..", "picocli..", "org.jfree..", "ai.djl.basicdataset..");
}
