package io.stillmotion.gateway;

/**
 * A request that cannot be served, with the HTTP status, a stable machine-readable code and a
 * message for the person who sent it. The failure handler turns it into the JSON error body.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;

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
