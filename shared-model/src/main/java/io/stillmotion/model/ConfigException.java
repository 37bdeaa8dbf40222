package io.stillmotion.model;

/** An environment variable with a value the services cannot run with. Startup stops with its message. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
