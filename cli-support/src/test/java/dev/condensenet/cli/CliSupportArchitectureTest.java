package dev.condensenet.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The command-line support sits between the model and the two command lines and knows neither jar: it may use
 * picocli, the model's error type and device syntax, and the JDK.
 */
@AnalyzeClasses(packages = "dev.condensenet.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class CliSupportArchitectureTest {

    @ArchTest
    static final ArchRule IMPORTS_ONLY_PICOCLI_AND_THE_MODELS_ERROR_AND_ENGINE = classes().should()
            .onlyDependOnClassesThat().resideInAnyPackage("dev.condensenet.cli..", "picocli..",
                    "dev.condensenet.model.error..", "dev.condensenet.model.engine..", "java..", "ai.djl");
}
