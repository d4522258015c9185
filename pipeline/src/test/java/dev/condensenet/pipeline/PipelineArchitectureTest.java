package dev.condensenet.pipeline;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streaming job's layering follows its data flow, Kafka -> decode -> batch -> infer -> sink: the wire
 * format ({@code wire}) at the bottom, decoding ({@code frames}) and inference ({@code inference}) above it, the
 * job graph ({@code job}) wiring them to Kafka ({@code kafka}), and the command line ({@code cli}), its
 * benchmark ({@code bench}) and producer-side helpers ({@code produce}) on top. Flink functions never see CLI code.
 */
class PipelineArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.condensenet");
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.condensenet.(*).(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void dataFlowsOneWay() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("wire").definedBy("dev.condensenet.pipeline.wire..")
                .layer("frames").definedBy("dev.condensenet.pipeline.frames..")
                .layer("inference").definedBy("dev.condensenet.pipeline.inference..")
                .layer("kafka").definedBy("dev.condensenet.pipeline.kafka..")
                .layer("job").definedBy("dev.condensenet.pipeline.job..")
                .layer("produce").definedBy("dev.condensenet.pipeline.produce..")
                .layer("bench").definedBy("dev.condensenet.pipeline.bench..")
                .layer("cli").definedBy("dev.condensenet.pipeline.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("produce").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("job").mayOnlyBeAccessedByLayers("bench", "cli")
                .whereLayer("kafka").mayOnlyBeAccessedByLayers("job", "bench", "cli")
                .whereLayer("inference").mayOnlyBeAccessedByLayers("job", "bench", "cli")
                .whereLayer("frames").mayOnlyBeAccessedByLayers("inference", "job", "bench", "cli")
                .check(classes);
    }

    @Test
    void flinkFunctionsDoNotImportCliCode() {
        noClasses().that().resideInAnyPackage("dev.condensenet.pipeline.frames..",
                        "dev.condensenet.pipeline.inference..", "dev.condensenet.pipeline.wire..",
                        "dev.condensenet.pipeline.kafka..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.condensenet.pipeline.cli..", "picocli..")
                .check(classes);
    }

    @Test
    void pipelineNeedsNoTrainingCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.condensenet.training..",
                "ai.djl.basicdataset..").check(classes);
    }
}
