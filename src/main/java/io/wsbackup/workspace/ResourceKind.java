package io.wsbackup.workspace;

/**
 * What kind of storage a protected resource is: a block volume (EBS) or the shared file
 * system (EFS).
 */
public enum ResourceKind {

	VOLUME, FILE_SYSTEM

}
