package io.wsbackup.metrics;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import io.wsbackup.cloud.CloudPort;

/**
 * A cloud port that counts each call of a port method into
 * {@code wsbackup_cloud_requests_total{provider,service=provider,operation=<method>,throttled="no"}}
 * before handing it to the adapter. For adapters without requests of their own to count
 * (the {@code local} one); the {@code aws} adapter counts its SDK requests instead.
 */
public final class CountedCloudPort {

	private CountedCloudPort() {
	}

	/** The port, counted; still {@link AutoCloseable} when the adapter is. */
	public static CloudPort of(CloudPort port, String provider, WsbackupMetrics metrics) {
		List<Class<?>> interfaces = new ArrayList<>(List.of(CloudPort.class));
		if (port instanceof AutoCloseable) {
			interfaces.add(AutoCloseable.class);
		}
		InvocationHandler handler = (proxy, method, args) -> {
			if (method.getDeclaringClass() == CloudPort.class) {
				metrics.cloudRequest(provider, provider, method.getName(), false);
			}
			try {
				return method.invoke(port, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		};
		return (CloudPort) Proxy.newProxyInstance(CloudPort.class.getClassLoader(), interfaces.toArray(Class<?>[]::new),
				handler);
	}

}
