package io.stillmotion.model;

/** Lifecycle of a task. The names are those of the seed system's API. */
public enum TaskStatus {
  PENDING,
  PROCESSING,
  FINISHED,
  FAILED,
  CANCELLED;

  /** A terminal task never changes again. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == CANCELLED;
  }
}
