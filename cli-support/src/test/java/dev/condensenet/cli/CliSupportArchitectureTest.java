package dev.condensenet.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The command-line support sits between the model and the two command lines and knows neither jar. */
class CliSupportArchitectureTest {

    @Test
    void importsOnlyPicocliTheModelsErrorAndEngineAndTheJdk() {
        JavaClasses cli = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.condensenet.cli");
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("dev.condensenet.cli..", "picocli..",
                "dev.condensenet.model.error..", "dev.condensenet.model.engine..", "java..", "ai.djl")
                .check(cli);
    }
}
