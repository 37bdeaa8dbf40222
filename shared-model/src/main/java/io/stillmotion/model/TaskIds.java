package io.stillmotion.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** Task ids are random UUID v4 in canonical lower-case form. */
public final class TaskIds {

  private static final Pattern UUID_V4 =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

  private TaskIds() {
  }

  /** An id as we issue and store it: lower case. */
  public static boolean isValid(String id) {
    return id != null && id.length() == 36 && UUID_V4.matcher(id).matches();
  }

  /**
   * The id a client named, in the form we store it, or null when it is not a task id. UUIDs are
   * case-insensitive on input (RFC 9562, section 4): {@code F8232CF0-…} names the same task as
   * {@code f8232cf0-…}.
   */
  public static String canonical(String id) {
    if (id == null || id.length() != 36) {
      return null;
    }
    String lower = id.toLowerCase(Locale.ROOT);
    return isValid(lower) ? lower : null;
  }
}
