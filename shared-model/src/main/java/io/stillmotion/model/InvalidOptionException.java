package io.stillmotion.model;

/** A render option that is unknown, of the wrong type or out of range. Maps to HTTP 422. */
public class InvalidOptionException extends RuntimeException {

  private final String field;

  public InvalidOptionException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
