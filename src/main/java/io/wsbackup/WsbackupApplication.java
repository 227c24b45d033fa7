package io.wsbackup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import io.wsbackup.system.EmbeddedDefaults;

/** The wsbackup runner: the REST API, the jobs and their store. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WsbackupApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(WsbackupApplication.class);
		application.addListeners(new EmbeddedDefaults());
		application.run(args);
	}

}
