package dev.condensenet.training;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The training module's layering: data sets ({@code data}) below the train loop and its listeners
 * ({@code train}); the model-only benchmark ({@code bench}) beside them; the command line ({@code cli}) on top.
 * The model module below all of them has its own architecture test.
 */
@AnalyzeClasses(packages = "dev.condensenet", importOptions = ImportOption.DoNotIncludeTests.class)
class TrainingArchitectureTest {

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES_ACROSS_MODULES =
            slices().matching("dev.condensenet.(*).(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule COMMAND_LINE_IS_ON_TOP = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("data").definedBy("dev.condensenet.training.data..")
            .layer("train").definedBy("dev.condensenet.training.train..")
            .layer("bench").definedBy("dev.condensenet.training.bench..")
            .layer("cli").definedBy("dev.condensenet.training.cli..")
            .whereLayer("cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("train").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
            .whereLayer("data").mayOnlyBeAccessedByLayers("train", "cli");

    @ArchTest
    static final ArchRule MODEL_DOES_NOT_REACH_INTO_TRAINING = noClasses().that()
            .resideInAPackage("dev.condensenet.model..").should().dependOnClassesThat()
            .resideInAPackage("dev.condensenet.training..");

    @ArchTest
    static final ArchRule ONLY_THE_COMMAND_LINE_PARSES_FLAGS = noClasses().that()
            .resideInAnyPackage("dev.condensenet.training.data..", "dev.condensenet.training.train..",
                    "dev.condensenet.training.bench..")
            .should().dependOnClassesThat().resideInAnyPackage("picocli..", "dev.condensenet.cli..");
}
