package io.stillmotion.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values from environment variables, collecting every bad value so that startup can
 * name them all at once instead of failing on the first.
 */
public final class EnvReader {

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public EnvReader(Map<String, String> env) {
    this.env = env;
  }

  /** The trimmed value, or null when unset or blank. */
  public String optional(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String string(String name, String fallback) {
    String v = optional(name);
    return v == null ? fallback : v;
  }

  public int integer(String name, int fallback, int min, int max) {
    return (int) longValue(name, fallback, min, max);
  }

  public long longValue(String name, long fallback, long min, long max) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(v);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below together with range errors
    }
    problems.add(name + "=" + v + " is not a whole number from " + min + " to " + max);
    return fallback;
  }

  public boolean bool(String name, boolean fallback) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    switch (v.toLowerCase()) {
      case "true", "1", "yes", "on":
        return true;
      case "false", "0", "no", "off":
        return false;
      default:
        problems.add(name + "=" + v + " is not a boolean (true or false)");
        return fallback;
    }
  }

  /** One of the allowed words (case-insensitive), or the fallback when unset. */
  public String oneOf(String name, String fallback, String... allowed) {
    String v = optional(name);
    if (v == null) {
      return fallback;
    }
    for (String a : allowed) {
      if (a.equalsIgnoreCase(v)) {
        return a;
      }
    }
    problems.add(name + "=" + v + " must be one of: " + String.join(", ", allowed));
    return fallback;
  }

  /** A URI that must start with one of the given schemes, or null when unset. */
  public String uri(String name, String... schemes) {
    String v = optional(name);
    if (v == null) {
      return null;
    }
    for (String scheme : schemes) {
      if (v.startsWith(scheme + "://")) {
        return v;
      }
    }
    problems.add(name + " must start with " + String.join(":// or ", schemes) + "://");
    return null;
  }

  public void problem(String message) {
    problems.add(message);
  }

  /** @throws ConfigException listing every invalid variable seen so far */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigException("Invalid configuration: " + String.join("; ", problems));
    }
  }
}
