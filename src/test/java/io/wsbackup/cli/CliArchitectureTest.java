package io.wsbackup.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.wsbackup", importOptions = ImportOption.DoNotIncludeTests.class)
class CliArchitectureTest {

	@ArchTest
	static final ArchRule cliTalksToTheRunnerOnlyOverHttp = classes().that()
		.resideInAPackage("io.wsbackup.cli..")
		.should()
		.onlyDependOnClassesThat()
		.resideInAnyPackage("io.wsbackup.cli..", "java..", "picocli..", "tools.jackson..")
		.because("the CLI talks to the runner only over HTTP and must start without Spring");

}
