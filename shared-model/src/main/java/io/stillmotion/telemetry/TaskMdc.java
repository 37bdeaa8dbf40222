package io.stillmotion.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.Callable;

/**
 * Puts the task id in the SLF4J MDC (key {@value #KEY}) of every log line about a task, so the JSON
 * log has it as a field. Vert.x callbacks hop threads, so the id is set for the duration of one log
 * call rather than carried along: {@link #logger(Class)} gives a logger that does this for any
 * message starting with the {@code "[{}]"} task prefix the code already writes, and
 * {@link #wrap(String, Callable)} covers whatever runs on a render thread.
 */
public final class TaskMdc {

  public static final String KEY = "taskId";
  private static final String PREFIX = "[{}]";

  private TaskMdc() {
  }

  public static Logger logger(Class<?> type) {
    return wrap(LoggerFactory.getLogger(type));
  }

  /** A logger that sets {@value #KEY} around each call whose message starts with {@code "[{}]"}. */
  public static Logger wrap(Logger delegate) {
    return (Logger) Proxy.newProxyInstance(TaskMdc.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          String taskId = taskIdOf(args);
          String previous = taskId == null ? null : MDC.get(KEY);
          if (taskId != null) {
            MDC.put(KEY, taskId);
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (taskId != null) {
              restore(previous);
            }
          }
        });
  }

  /** Runs {@code work} with {@value #KEY} set on whichever thread runs it. */
  public static <T> Callable<T> wrap(String taskId, Callable<T> work) {
    return () -> {
      String previous = MDC.get(KEY);
      MDC.put(KEY, taskId);
      try {
        return work.call();
      } finally {
        restore(previous);
      }
    };
  }

  private static String taskIdOf(Object[] args) {
    if (args == null || args.length < 2 || !(args[0] instanceof String format) || !format.startsWith(PREFIX)) {
      return null;
    }
    Object first = args[1] instanceof Object[] varargs ? (varargs.length > 0 ? varargs[0] : null) : args[1];
    return first instanceof String id ? id : null;
  }

  private static void restore(String previous) {
    if (previous == null) {
      MDC.remove(KEY);
    } else {
      MDC.put(KEY, previous);
    }
  }
}
