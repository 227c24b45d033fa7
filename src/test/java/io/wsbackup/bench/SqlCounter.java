package io.wsbackup.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Counts the statements executed and the transactions committed through the runner's data
 * source (a proxy around the pool), so that a benchmark can say how much database work
 * one job does.
 */
final class SqlCounter implements BeanPostProcessor {

	private final AtomicLong statements = new AtomicLong();

	private final AtomicLong commits = new AtomicLong();

	volatile java.util.Map<String, Integer> recording;

	/** {statements executed, commits (explicit, and writes in auto-commit)}. */
	long[] counts() {
		return new long[] { statements.get(), commits.get() };
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String name) {
		if (!(bean instanceof DataSource dataSource) || !"dataSource".equals(name)) {
			return bean;
		}
		return wrap(dataSource, DataSource.class, bean.getClass().getInterfaces());
	}

	private Object wrap(Object target, Class<?> main, Class<?>... more) {
		java.util.Set<Class<?>> types = new java.util.LinkedHashSet<>();
		types.add(main);
		types.addAll(java.util.List.of(more));
		InvocationHandler handler = (proxy, method, args) -> {
			String m = method.getName();
			if (target instanceof Connection && m.equals("commit")) {
				commits.incrementAndGet();
			}
			if (target instanceof Statement st && m.startsWith("execute")) {
				statements.incrementAndGet();
				if (st.getConnection().getAutoCommit()
						&& !(args != null && args.length > 0
								&& String.valueOf(args[0]).trim().toUpperCase().startsWith("SELECT"))
						&& !(st instanceof PreparedStatement ps && ps.toString().contains("SELECT"))) {
					commits.incrementAndGet();
				}
			}
			if (recording != null && (m.equals("prepareStatement")
					|| (target instanceof Statement && m.startsWith("execute") && args != null && args.length > 0))) {
				String sql = String.valueOf(args[0]);
				recording.merge(sql.length() > 90 ? sql.substring(0, 90) : sql, 1, Integer::sum);
			}
			Object result = invoke(target, method, args);
			if (result instanceof PreparedStatement p) {
				return wrap(p, PreparedStatement.class);
			}
			if (result instanceof Statement st) {
				return wrap(st, Statement.class);
			}
			if (result instanceof Connection c) {
				return wrap(c, Connection.class);
			}
			return result;
		};
		return Proxy.newProxyInstance(getClass().getClassLoader(), types.toArray(Class<?>[]::new), handler);
	}

	private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
