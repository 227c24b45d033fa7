# The runner's image, from the packaged jar (docs/deploy.md):
#   ./mvnw -q -DskipTests package && docker build -t wsbackup:0.1.0 .
# Runs as the non-root user 10001 (k8s/deployment.yaml runs it so, with a read-only root file system); the working
# directory /app holds the jar and the job settings (./jobs, the jar's spring.config.import). Schedules are not in the
# image: the cluster mounts them (k8s/schedules/).
FROM eclipse-temurin:25-jre

ARG JAR=target/wsbackup-0.1.0.jar

RUN groupadd --system --gid 10001 wsbackup \
	&& useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin wsbackup

WORKDIR /app
COPY --chown=10001:10001 ${JAR} /app/wsbackup.jar
COPY --chown=10001:10001 jobs/backup-workspace.properties /app/jobs/backup-workspace.properties
RUN mkdir -p /app/data /app/schedules && chown 10001:10001 /app/data /app/schedules

USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/wsbackup.jar"]
