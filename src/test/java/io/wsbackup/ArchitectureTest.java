package io.wsbackup;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.step.tasklet.Tasklet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The architecture rules of STYLE.md, as tests. */
class ArchitectureTest {

	private static JavaClasses main;

	@BeforeAll
	static void importMainClasses() {
		main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.wsbackup");
	}

	@Test
	void onlyTheAwsAdapterImportsTheAwsSdk() {
		noClasses().that()
			.resideOutsideOfPackage("io.wsbackup.cloud.aws..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("software.amazon..")
			.allowEmptyShould(true)
			.check(main);
	}

	@Test
	void onlyTheKubernetesAdapterImportsTheKubernetesClient() {
		noClasses().that()
			.resideOutsideOfPackage("io.wsbackup.workspace.kubernetes..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.fabric8..")
			.allowEmptyShould(true)
			.check(main);
	}

	@Test
	void stepsApiAndLauncherDependOnPortsNeverOnAdapters() {
		noClasses().that()
			.resideInAnyPackage("io.wsbackup.backup..", "io.wsbackup.api..", "io.wsbackup.launcher..",
					"io.wsbackup.catalog..", "io.wsbackup.events..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.wsbackup.cloud.local..", "io.wsbackup.cloud.aws..", "io.wsbackup.workspace.none..",
					"io.wsbackup.workspace.kubernetes..")
			.check(main);
	}

	@Test
	void portsDependOnNoAdapter() {
		noClasses().that()
			.resideInAnyPackage("io.wsbackup.cloud", "io.wsbackup.workspace")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.wsbackup.cloud.local..", "io.wsbackup.cloud.aws..", "io.wsbackup.workspace.none..",
					"io.wsbackup.workspace.kubernetes..")
			.check(main);
	}

	@Test
	void adaptersDoNotReachIntoJobsOrTheApi() {
		noClasses().that()
			.resideInAnyPackage("io.wsbackup.cloud..", "io.wsbackup.workspace..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.wsbackup.backup..", "io.wsbackup.api..", "io.wsbackup.launcher..",
					"io.wsbackup.cli..")
			.check(main);
	}

	@Test
	void stepsAreTaskletsNamedAfterWhatTheyDo() {
		classes().that()
			.resideInAPackage("io.wsbackup.backup")
			.and()
			.implement(Tasklet.class)
			.should()
			.haveSimpleNameEndingWith("Tasklet")
			.check(main);
	}

	@Test
	void onlyTheCliWritesToStandardStreamsAndNobodyUsesJavaUtilLogging() {
		noClasses().that().resideOutsideOfPackage("io.wsbackup.cli..").should(ACCESS_STANDARD_STREAMS).check(main);
		NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(main);
	}

	/** Every package of the service: none reaches back to a package that reaches it. */
	@Test
	void noPackageCycles() {
		slices().matching("io.wsbackup.(**)").should().beFreeOfCycles().check(main);
	}

	private static final String[] JOBS = { "io.wsbackup.backup..", "io.wsbackup.restore..", "io.wsbackup.deletion..",
			"io.wsbackup.retention..", "io.wsbackup.verification.." };

	/**
	 * A job's wing never reaches into another job's wing: what they share lives on the
	 * floor below.
	 */
	@Test
	void jobsNeverDependOnEachOther() {
		for (String job : JOBS) {
			String[] others = java.util.Arrays.stream(JOBS)
				.filter((other) -> !other.equals(job))
				.toArray(String[]::new);
			noClasses().that()
				.resideInAPackage(job)
				.should()
				.dependOnClassesThat()
				.resideInAnyPackage(others)
				.allowEmptyShould(true)
				.check(main);
		}
		noClasses().that()
			.resideInAnyPackage(JOBS)
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.wsbackup.launcher..", "io.wsbackup.recovery..", "io.wsbackup.schedule..",
					"io.wsbackup.api..", "io.wsbackup.overview..", "io.wsbackup.cli..")
			.as("a job's wing never reaches up to the doors that start it")
			.check(main);
	}

	/**
	 * The execution floor (runner, ownership, step guard, job context, failures,
	 * launches) and what lies below it know no job and nothing that starts jobs.
	 */
	@Test
	void theExecutionFloorKnowsNoJob() {
		noClasses().that()
			.resideInAnyPackage("io.wsbackup.execution..", "io.wsbackup.catalog..", "io.wsbackup.events..",
					"io.wsbackup.workspace..", "io.wsbackup.cloud..", "io.wsbackup.system..", "io.wsbackup.metrics..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(JOBS)
			.check(main);
		noClasses().that()
			.resideInAnyPackage("io.wsbackup.execution..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.wsbackup.launcher..", "io.wsbackup.recovery..", "io.wsbackup.schedule..",
					"io.wsbackup.api..", "io.wsbackup.overview..")
			.check(main);
	}

}
