package io.wsbackup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The wsbackup runner: the REST API, the jobs and their store. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WsbackupApplication {

	public static void main(String[] args) {
		SpringApplication.run(WsbackupApplication.class, args);
	}

}
