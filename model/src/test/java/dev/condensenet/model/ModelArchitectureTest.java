package dev.condensenet.model;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model module's layering (see the package-info of each package): {@code error} and {@code engine} at the
 * bottom, then the network blocks ({@code net}), the compiled serving network ({@code compiled}), and the model
 * directory ({@code store}) on top. Nothing here knows about training or the streaming job.
 */
class ModelArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.condensenet.model");
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.condensenet.model.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void layersOnlyLookDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("error").definedBy("dev.condensenet.model.error..")
                .layer("engine").definedBy("dev.condensenet.model.engine..")
                .layer("net").definedBy("dev.condensenet.model.net..")
                .layer("compiled").definedBy("dev.condensenet.model.compiled..")
                .layer("store").definedBy("dev.condensenet.model.store..")
                .whereLayer("store").mayNotBeAccessedByAnyLayer()
                .whereLayer("compiled").mayOnlyBeAccessedByLayers("store")
                .whereLayer("net").mayOnlyBeAccessedByLayers("compiled", "store")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("net", "compiled", "store")
                .check(classes);
    }

    @Test
    void modelKnowsNeitherTrainingNorPipeline() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.condensenet.training..", "dev.condensenet.pipeline..", "org.apache.flink..",
                        "org.apache.kafka..", "picocli..", "org.jfree..", "ai.djl.basicdataset..")
                .check(classes);
    }
}
