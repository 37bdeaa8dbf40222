package io.stillmotion.store;

import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;

import java.util.List;

/**
 * The {@code tasks} collection. Every change of state is a compare-and-set on the current status
 * (and, while processing, on the worker holding the task), so concurrent or repeated deliveries can
 * never move a task backwards or let two workers finish it.
 */
public final class TaskStore {

  private static final String C = Names.TASKS_COLLECTION;
  private final MongoClient mongo;

  public TaskStore(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> insert(Task task) {
    return mongo.insert(C, task.toDocument().put("published", false)).mapEmpty();
  }

  /** The task, or null when there is none with this id. */
  public Future<Task> find(String id) {
    return mongo.findOne(C, byId(id), null).map(doc -> doc == null ? null : Task.fromDocument(doc));
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
