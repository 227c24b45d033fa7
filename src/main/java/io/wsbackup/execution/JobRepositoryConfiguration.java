package io.wsbackup.execution;

import javax.sql.DataSource;

import org.springframework.batch.core.configuration.support.JdbcDefaultBatchConfiguration;
import org.springframework.batch.core.repository.ExecutionContextSerializer;
import org.springframework.batch.infrastructure.item.database.support.DataFieldMaxValueIncrementerFactory;
import org.springframework.batch.infrastructure.item.database.support.DefaultDataFieldMaxValueIncrementerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.support.incrementer.DataFieldMaxValueIncrementer;
import org.springframework.jdbc.support.incrementer.MySQLMaxValueIncrementer;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Isolation;

/**
 * The JDBC job repository, as Spring Boot's batch auto-configuration makes it (which
 * backs off for this class) but for one thing: on MySQL and MariaDB the ids of job
 * instances, executions and step executions are taken from their sequence tables on the
 * connection of the transaction that creates the record, not on a second connection from
 * the pool. With a second connection, hundreds of jobs creating their steps at once each
 * held one connection and waited for another, until every connection was held by a thread
 * waiting for one and the pool's wait failed the jobs ("Could not obtain
 * last_insert_id()", seen with 60 backups on a pool of 30). The sequence row is locked
 * until that short transaction commits, so creations are one at a time across the
 * runners; a rolled-back creation gives its id back with its rows. H2 (the embedded
 * default) takes them from real sequences, as before.
 * <p>
 * What the auto-configuration read from {@code spring.batch.jdbc.*} is fixed here: the
 * default table prefix, {@code READ_COMMITTED} for creations (as
 * {@code spring.batch.jdbc.isolation-level-for-create} said before), the job executor
 * ({@link BatchTaskExecutor}) and the JSON execution contexts.
 */
@Configuration(proxyBeanMethods = false)
class JobRepositoryConfiguration extends JdbcDefaultBatchConfiguration {

	private final DataSource dataSource;

	private final PlatformTransactionManager transactionManager;

	private final ObjectProvider<TaskExecutor> taskExecutor;

	private final ObjectProvider<ExecutionContextSerializer> serializer;

	JobRepositoryConfiguration(DataSource dataSource, PlatformTransactionManager transactionManager,
			@BatchTaskExecutor ObjectProvider<TaskExecutor> taskExecutor,
			ObjectProvider<ExecutionContextSerializer> serializer) {
		this.dataSource = dataSource;
		this.transactionManager = transactionManager;
		this.taskExecutor = taskExecutor;
		this.serializer = serializer;
	}

	@Override
	protected DataSource getDataSource() {
		return dataSource;
	}

	@Override
	protected PlatformTransactionManager getTransactionManager() {
		return transactionManager;
	}

	@Override
	protected TaskExecutor getTaskExecutor() {
		return taskExecutor.getObject();
	}

	@Override
	protected ExecutionContextSerializer getExecutionContextSerializer() {
		return serializer.getObject();
	}

	@Override
	protected Isolation getIsolationLevelForCreate() {
		return Isolation.READ_COMMITTED;
	}

	@Override
	protected DataFieldMaxValueIncrementerFactory getIncrementerFactory() {
		return new DefaultDataFieldMaxValueIncrementerFactory(dataSource) {

			@Override
			public DataFieldMaxValueIncrementer getIncrementer(String type, String name) {
				if ("MYSQL".equalsIgnoreCase(type) || "MARIADB".equalsIgnoreCase(type)) {
					MySQLMaxValueIncrementer incrementer = new MySQLMaxValueIncrementer(dataSource, name, "ID");
					incrementer.setUseNewConnection(false);
					return incrementer;
				}
				return super.getIncrementer(type, name);
			}

		};
	}

}
