package dev.condensenet.pipeline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The streaming job's layering follows its data flow, Kafka -> decode -> batch -> infer -> sink: the wire format
 * ({@code wire}) at the bottom, decoding ({@code frames}) and inference ({@code inference}) above it, the job
 * ({@code job}) wiring them to Kafka ({@code kafka}), and the command line ({@code cli}), its benchmark
 * ({@code bench}) and producer-side helpers ({@code produce}) on top. The job and its Flink functions never see
 * command-line code, and nothing of training is on the pipeline's classpath.
 */
@AnalyzeClasses(packages = "dev.condensenet", importOptions = ImportOption.DoNotIncludeTests.class)
class PipelineArchitectureTest {

    @ArchTest
    static final ArchRule PACKAGES_ACROSS_MODULES_ARE_FREE_OF_CYCLES =
            slices().matching("dev.condensenet.(*).(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule DATA_FLOWS_ONE_WAY = layeredArchitecture().consideringOnlyDependenciesInLayers()
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
            .whereLayer("frames").mayOnlyBeAccessedByLayers("inference", "job", "bench", "cli");

    @ArchTest
    static final ArchRule JOB_AND_FLINK_FUNCTIONS_DO_NOT_IMPORT_CLI_CODE = noClasses().that()
            .resideInAnyPackage("dev.condensenet.pipeline.frames..", "dev.condensenet.pipeline.inference..",
                    "dev.condensenet.pipeline.wire..", "dev.condensenet.pipeline.kafka..",
                    "dev.condensenet.pipeline.job..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.condensenet.pipeline.cli..", "picocli..",
                    "dev.condensenet.cli..");

    @ArchTest
    static final ArchRule ONLY_THE_COMMAND_LINE_PARSES_FLAGS = noClasses().that()
            .resideInAnyPackage("dev.condensenet.pipeline..").and().resideOutsideOfPackage("dev.condensenet.pipeline.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("picocli..", "dev.condensenet.cli..");

    @ArchTest
    static final ArchRule PIPELINE_NEEDS_NO_TRAINING_CODE = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("dev.condensenet.training..", "ai.djl.basicdataset..");
}
