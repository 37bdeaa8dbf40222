package io.stillmotion.model;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The webhook owed for a task with a {@code callbackUrl}, kept in the task's own document (field
 * {@code webhook}). It is written with the task, so no process can die between "the task ended" and
 * "its webhook is owed": a delivery is due when its task is terminal, its state is PENDING and
 * {@code nextAt} has passed.
 *
 * @param id        the {@code X-Stillmotion-Delivery} header, the same for every attempt
 * @param attempts  POSTs started so far (a claim counts one)
 * @param nextAt    not before this time (epoch ms): the backoff after a failure, or the end of a claim
 * @param claim     token of the attempt in progress, null when none is
 * @param lastError why the last attempt failed, for operators
 */
public record WebhookDelivery(String id, State state, int attempts, long nextAt, String claim, String lastError) {

  /** PENDING until answered 2xx (DELIVERED) or given up (ABANDONED); both ends are final. */
  public enum State { PENDING, DELIVERED, ABANDONED }

  /** A new delivery, owed as soon as its task is terminal. */
  public static WebhookDelivery owed() {
    return new WebhookDelivery(UUID.randomUUID().toString(), State.PENDING, 0, 0, null, null);
  }

  public JsonObject toDocument() {
    return new JsonObject()
        .put("id", id)
        .put("state", state.name())
        .put("attempts", attempts)
        .put("nextAt", nextAt)
        .put("claim", claim)
        .put("lastError", lastError);
  }

  public static WebhookDelivery fromDocument(JsonObject doc) {
    return new WebhookDelivery(
        doc.getString("id"),
        State.valueOf(doc.getString("state")),
        doc.getInteger("attempts", 0),
        doc.getLong("nextAt", 0L),
        doc.getString("claim"),
        doc.getString("lastError"));
  }
}
