package io.stillmotion.model;

import java.util.regex.Pattern;

/** Task ids are random UUID v4 in canonical lower-case form. */
public final class TaskIds {

  private static final Pattern UUID_V4 =
      Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

  private TaskIds() {
  }

  public static boolean isValid(String id) {
    return id != null && id.length() == 36 && UUID_V4.matcher(id).matches();
  }
}
