package io.stillmotion.store;

/** A GridFS file that should be there is not. */
public class MediaNotFoundException extends RuntimeException {

  public MediaNotFoundException(String what) {
    super("no stored media " + what, null, false, false);
  }
}
