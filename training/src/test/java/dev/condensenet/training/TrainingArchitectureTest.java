package dev.condensenet.training;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The training module's layering: data sets ({@code data}) below the train loop and its listeners
 * ({@code train}); the model-only benchmark ({@code bench}) beside them; the command line ({@code cli}) on top.
 * The model module below all of them is checked by its own architecture test.
 */
class TrainingArchitectureTest {

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
    void commandLineIsOnTop() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("data").definedBy("dev.condensenet.training.data..")
                .layer("train").definedBy("dev.condensenet.training.train..")
                .layer("bench").definedBy("dev.condensenet.training.bench..")
                .layer("cli").definedBy("dev.condensenet.training.cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("train").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("bench").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("data").mayOnlyBeAccessedByLayers("train", "cli")
                .check(classes);
    }

    @Test
    void modelDoesNotReachIntoTraining() {
        noClasses().that().resideInAPackage("dev.condensenet.model..").should().dependOnClassesThat()
                .resideInAPackage("dev.condensenet.training..").check(classes);
    }
}
