package io.wsbackup.retention;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The retention wing stands on its own: the schedules use it, it starts deletes through
 * {@link BackupDeletes}, and it knows neither the schedules, the launcher nor another
 * job's wing.
 */
class RetentionDependenciesTest {

	@Test
	void retentionDependsOnNoScheduleLauncherOrOtherJobWing() {
		JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.wsbackup");
		noClasses().that()
			.resideInAPackage("io.wsbackup.retention..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.wsbackup.schedule..", "io.wsbackup.launcher..", "io.wsbackup.backup..",
					"io.wsbackup.restore..", "io.wsbackup.deletion..")
			.check(main);
	}

}
