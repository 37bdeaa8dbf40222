package io.stillmotion.model;

/**
 * Where a request value came from, so an error can name it: a form field, a form field's value for
 * one image, or a JSON path in the {@code story} document.
 */
public record FieldRef(String field, Integer index, String path) {

  public static FieldRef of(String field) {
    return new FieldRef(field, null, null);
  }

  /** The value of a per-image form field for the image at {@code index} (0-based). */
  public FieldRef image(int index) {
    return new FieldRef(field, index, path);
  }

  /** A value inside the {@code story} JSON document. */
  public static FieldRef json(String path, Integer index) {
    return new FieldRef(Story.FIELD, index, path);
  }

  public FieldRef child(String name) {
    return path == null ? this : new FieldRef(field, index, path + "." + name);
  }

  /** How a person reads it: {@code effect}, {@code effect of image 3}, {@code story $.shots[2].effect}. */
  public String label() {
    if (path != null) {
      return field + " " + path;
    }
    return index == null ? field : field + " of image " + (index + 1);
  }

  /** The error for a value here that breaks {@code rule} (e.g. "must be one of: a, b"). */
  public InvalidOptionException invalid(String rule) {
    return new InvalidOptionException(field, label() + " " + rule, index, path);
  }
}
