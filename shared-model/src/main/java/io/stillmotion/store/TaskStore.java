package io.stillmotion.store;

import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.stillmotion.model.WebhookDelivery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;

import java.util.List;

/**
 * The {@code tasks} collection. Every change of state is a compare-and-set on the current status
 * (and, while processing, on the worker holding the task), so concurrent or repeated deliveries can
 * never move a task backwards or let two workers finish it. A task with a callback URL also carries
 * the webhook owed for it, claimed and settled here, by compare-and-set too, for the webhook outbox.
 */
public final class TaskStore {

  private static final String C = Names.TASKS_COLLECTION;
  /** The task's owed webhook ({@link WebhookDelivery}), driven by the webhook outbox. */
  private static final String WEBHOOK = "webhook";
  private static final String WEBHOOK_STATE = WEBHOOK + ".state";
  private final MongoClient mongo;

  public TaskStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> insert(Task task) {
    JsonObject doc = task.toDocument().put("published", false);
    if (task.callbackUrl() != null) {
      // Owed from the start: whichever transition ends the task is what makes it due.
      doc.put(WEBHOOK, WebhookDelivery.owed().toDocument());
    }
    return mongo.insert(C, doc).mapEmpty();
  }

  /** The task, or null when there is none with this id. */
  public Future<Task> find(String id) {
    return mongo.findOne(C, byId(id), null).map(doc -> doc == null ? null : Task.fromDocument(doc));
  }

  /** The tasks with these ids that exist, in one query (the SSE resync of all open streams). */
  public Future<List<Task>> findAll(java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new io.vertx.core.json.JsonArray(
        List.copyOf(ids))));
    return mongo.find(C, query).map(docs -> docs.stream().map(Task::fromDocument).toList());
  }

  /** Records that the broker confirmed the task's message (the outbox is done with it). */
  public Future<Void> markPublished(String id) {
    return mongo.updateCollection(C, byId(id), set(new JsonObject().put("published", true))).mapEmpty();
  }

  /** PENDING tasks created before {@code createdBefore} whose message the broker never confirmed. */
  public Future<List<Task>> unpublished(long createdBefore, int limit) {
    JsonObject query = new JsonObject()
        .put("status", TaskStatus.PENDING.name())
        .put("published", new JsonObject().put("$ne", true))
        .put("createdAt", new JsonObject().put("$lt", createdBefore));
    FindOptions options = new FindOptions().setLimit(limit).setSort(new JsonObject().put("createdAt", 1));
    return mongo.findWithOptions(C, query, options).map(docs -> docs.stream().map(Task::fromDocument).toList());
  }

  /**
   * Takes a PENDING task for a worker: PROCESSING, attempts + 1, progress back to 0.
   *
   * @return the claimed task, or null when it was not PENDING (already taken, finished or gone)
   */
  public Future<Task> claim(String id, String workerId, long now) {
    JsonObject query = byId(id).put("status", TaskStatus.PENDING.name());
    JsonObject update = new JsonObject()
        .put("$set", new JsonObject()
            .put("status", TaskStatus.PROCESSING.name())
            .put("progress", 0)
            .put("workerId", workerId)
            .put("heartbeatAt", now)
            .put("updatedAt", now))
        .put("$inc", new JsonObject().put("attempts", 1));
    return mongo.findOneAndUpdateWithOptions(C, query, update, new FindOptions(),
            new UpdateOptions().setReturningNewDocument(true))
        .map(doc -> doc == null ? null : Task.fromDocument(doc));
  }

  /** Progress and heartbeat of a task this worker holds; false when it no longer holds it. */
  public Future<Boolean> progress(String id, String workerId, int progress, long now) {
    JsonObject query = heldBy(id, workerId).put("progress", new JsonObject().put("$lte", progress));
    return mongo.updateCollection(C, query,
            set(new JsonObject().put("progress", progress).put("heartbeatAt", now).put("updatedAt", now)))
        .map(r -> r.getDocMatched() > 0);
  }

  /** PROCESSING → FINISHED; false when the worker no longer holds the task. */
  public Future<Boolean> finish(String id, String workerId, long now) {
    return transition(heldBy(id, workerId), TaskStatus.FINISHED, 100, null, now);
  }

  /** PROCESSING → FAILED with a message for the user; false when the worker no longer holds the task. */
  public Future<Boolean> fail(String id, String workerId, String message, long now) {
    return transition(heldBy(id, workerId), TaskStatus.FAILED, null, message, now);
  }

  /** PROCESSING → PENDING so another attempt can take it; false when the worker no longer holds it. */
  public Future<Boolean> release(String id, String workerId, String message, long now) {
    return transition(heldBy(id, workerId), TaskStatus.PENDING, 0, message, now);
  }

  /**
   * After a crash of a single-process deployment (embedded broker, whose queue died with it): every
   * PROCESSING task goes back to PENDING and every PENDING task is marked unpublished, so the outbox
   * publishes them again.
   */
  public Future<Void> resetAfterCrash(long now) {
    JsonObject processing = new JsonObject().put("status", TaskStatus.PROCESSING.name());
    JsonObject toPending = new JsonObject().put("$set", new JsonObject()
        .put("status", TaskStatus.PENDING.name()).put("progress", 0).put("workerId", null)
        .put("updatedAt", now));
    JsonObject pending = new JsonObject().put("status", TaskStatus.PENDING.name());
    UpdateOptions many = new UpdateOptions().setMulti(true);
    return mongo.updateCollectionWithOptions(C, processing, toPending, many)
        .compose(r -> mongo.updateCollectionWithOptions(C, pending,
            set(new JsonObject().put("published", false)), many))
        .mapEmpty();
  }

  /** Cancels a task unless it is already terminal; the updated task, or null if it was terminal/unknown. */
  public Future<Task> cancel(String id, long now) {
    JsonObject query = byId(id).put("status", new JsonObject().put("$in",
        new JsonArray().add(TaskStatus.PENDING.name()).add(TaskStatus.PROCESSING.name())));
    JsonObject update = set(new JsonObject()
        .put("status", TaskStatus.CANCELLED.name())
        .put("message", "Cancelled on request.")
        .put("updatedAt", now));
    return mongo.findOneAndUpdateWithOptions(C, query, update, new FindOptions(),
            new UpdateOptions().setReturningNewDocument(true))
        .map(doc -> doc == null ? null : Task.fromDocument(doc));
  }

  /** A terminal task and the webhook owed for it, as the outbox reads them. */
  public record DueWebhook(Task task, WebhookDelivery delivery) {
  }

  /**
   * Webhooks that may be attempted now: task terminal, delivery PENDING and not before its
   * {@code nextAt} (which a claim pushes forward, so a delivery being attempted is not due). Oldest first.
   */
  public Future<List<DueWebhook>> dueWebhooks(long now, int limit) {
    JsonObject query = new JsonObject()
        .put(WEBHOOK_STATE, WebhookDelivery.State.PENDING.name())
        .put("status", new JsonObject().put("$in", new JsonArray()
            .add(TaskStatus.FINISHED.name()).add(TaskStatus.FAILED.name()).add(TaskStatus.CANCELLED.name())))
        .put(WEBHOOK + ".nextAt", new JsonObject().put("$lte", now));
    FindOptions options = new FindOptions().setLimit(limit).setSort(new JsonObject().put(WEBHOOK + ".nextAt", 1));
    return mongo.findWithOptions(C, query, options).map(docs -> docs.stream()
        .map(doc -> new DueWebhook(Task.fromDocument(doc), WebhookDelivery.fromDocument(doc.getJsonObject(WEBHOOK))))
        .toList());
  }

  /**
   * Takes a due webhook for one attempt: a compare-and-set on the delivery exactly as read (its
   * attempts and previous claim), so of two instances that read it only one wins. The claim locks it
   * until {@code lockedUntil}; if its holder dies, the next instance takes it over then.
   */
  public Future<Boolean> claimWebhook(String id, WebhookDelivery asRead, String claim, String owner,
      long lockedUntil) {
    JsonObject query = byId(id)
        .put(WEBHOOK_STATE, WebhookDelivery.State.PENDING.name())
        .put(WEBHOOK + ".attempts", asRead.attempts())
        .put(WEBHOOK + ".claim", asRead.claim());
    JsonObject update = set(new JsonObject()
        .put(WEBHOOK + ".claim", claim)
        .put(WEBHOOK + ".claimedBy", owner)
        .put(WEBHOOK + ".nextAt", lockedUntil))
        .put("$inc", new JsonObject().put(WEBHOOK + ".attempts", 1));
    return mongo.updateCollection(C, query, update).map(r -> r.getDocMatched() > 0);
  }

  /** The attempt under this claim was answered 2xx; false when the claim had passed on meanwhile. */
  public Future<Boolean> webhookDelivered(String id, String claim, long now) {
    return settleWebhook(id, claim, new JsonObject()
        .put(WEBHOOK_STATE, WebhookDelivery.State.DELIVERED.name())
        .put(WEBHOOK + ".deliveredAt", now));
  }

  /** The attempt under this claim failed; the next one may start at {@code nextAt}. */
  public Future<Boolean> webhookRetryAt(String id, String claim, long nextAt, String error) {
    return settleWebhook(id, claim, new JsonObject()
        .put(WEBHOOK + ".nextAt", nextAt)
        .put(WEBHOOK + ".lastError", error));
  }

  /** Given up for good: ABANDONED, with the reason, where operators can find it. */
  public Future<Boolean> webhookAbandoned(String id, String claim, long now, String error) {
    return settleWebhook(id, claim, new JsonObject()
        .put(WEBHOOK_STATE, WebhookDelivery.State.ABANDONED.name())
        .put(WEBHOOK + ".abandonedAt", now)
        .put(WEBHOOK + ".lastError", error));
  }

  /** The index {@link #dueWebhooks} needs; it holds only the deliveries still owed. Idempotent. */
  public Future<Void> ensureWebhookIndex() {
    JsonObject keys = new JsonObject().put(WEBHOOK_STATE, 1).put("status", 1).put(WEBHOOK + ".nextAt", 1);
    IndexOptions options = new IndexOptions().name("webhook_due")
        .partialFilterExpression(new JsonObject().put(WEBHOOK_STATE, WebhookDelivery.State.PENDING.name()));
    return mongo.createIndexWithOptions(C, keys, options);
  }

  private Future<Boolean> settleWebhook(String id, String claim, JsonObject fields) {
    JsonObject query = byId(id).put(WEBHOOK_STATE, WebhookDelivery.State.PENDING.name()).put(WEBHOOK + ".claim", claim);
    return mongo.updateCollection(C, query, set(fields.put(WEBHOOK + ".claim", null))).map(r -> r.getDocMatched() > 0);
  }

  private Future<Boolean> transition(JsonObject query, TaskStatus to, Integer progress, String message, long now) {
    JsonObject fields = new JsonObject()
        .put("status", to.name())
        .put("message", message)
        .put("updatedAt", now)
        .put("workerId", null);
    if (progress != null) {
      fields.put("progress", progress);
    }
    return mongo.updateCollection(C, query, set(fields)).map(r -> r.getDocMatched() > 0);
  }

  private static JsonObject heldBy(String id, String workerId) {
    return byId(id).put("status", TaskStatus.PROCESSING.name()).put("workerId", workerId);
  }

  private static JsonObject byId(String id) {
    return new JsonObject().put("_id", id);
  }

  private static JsonObject set(JsonObject fields) {
    return new JsonObject().put("$set", fields);
  }
}
