package io.stillmotion.gateway;

/**
 * A request that cannot be served, with the HTTP status, a stable machine-readable code and a
 * message for the person who sent it. The failure handler turns it into the JSON error body.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final io.vertx.core.json.JsonObject details = new io.vertx.core.json.JsonObject();

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Extra members of the JSON error beside code and message (e.g. {@code field}, {@code index}). */
  public io.vertx.core.json.JsonObject details() {
    return details;
  }

  /** Adds a member to the JSON error; null values are left out. */
  public ApiException with(String name, Object value) {
    if (value != null) {
      details.put(name, value);
    }
    return this;
  }

  /** The same error about the image at {@code index} (0-based) of several: message and JSON say which. */
  public ApiException ofImage(int index, int count) {
    if (count < 2) {
      return this;
    }
    return new ApiException(status, code, "Image " + (index + 1) + " of " + count + ": " + getMessage())
        .with("field", "file").with("index", index);
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException taskNotFound() {
    return new ApiException(404, "task_not_found", "No task with this id.");
  }

  public static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "file_too_large", message);
  }

  public static ApiException unsupportedMedia(String message) {
    return new ApiException(415, "unsupported_image", message);
  }

  public static ApiException unprocessable(String code, String message) {
    return new ApiException(422, code, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "service_unavailable", message);
  }
}
