package io.stillmotion.store;

import io.stillmotion.model.Names;
import io.stillmotion.model.Task;
import io.stillmotion.model.TaskMedia;
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
import java.util.UUID;

/**
 * The {@code tasks} collection, and the only class that reads or writes it. Every change of state is
 * a compare-and-set on the current status, so concurrent or repeated deliveries can never move a task
 * backwards or let two attempts finish it.
 *
 * <p>Attempts are leases: a claim writes a token unique to that attempt ({@code attempt.token}), and
 * every later write of the attempt (heartbeat, finish, fail, release) is conditioned on that token,
 * never on the worker id, which two attempts can share (a restarted container keeps its hostname).
 * An attempt that lost its task (paused, partitioned, reclaimed by the sweeper) therefore finds out
 * on its next write and changes nothing. A task with a callback URL also carries the webhook owed for
 * it, claimed and settled here, by compare-and-set too, for the webhook outbox. The indexes these
 * queries need are declared in {@link #ensureIndexes()}.
 */
public final class TaskStore {

  private static final String C = Names.TASKS_COLLECTION;
  /** The task's owed webhook ({@link WebhookDelivery}), driven by the webhook outbox. */
  private static final String WEBHOOK = "webhook";
  private static final String WEBHOOK_STATE = WEBHOOK + ".state";
  /** The lease of the attempt holding a PROCESSING task: {@code {token, workerId, since}}. */
  private static final String ATTEMPT = "attempt";
  /** A PENDING task may not be claimed before this time (epoch ms): a retry's backoff. */
  private static final String NOT_BEFORE = "notBefore";
  /** When the task's latest message went onto the work queue (or is due to). */
  private static final String QUEUED_AT = "queuedAt";
  /** The files of the winning attempt ({@link TaskMedia}). */
  private static final String RESULT = "result";
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

  /** Records that the broker confirmed the task's message (the outbox is done with it), and when. */
  public Future<Void> markPublished(String id) {
    return markQueued(id, System.currentTimeMillis());
  }

  /**
   * Records that a message for this PENDING task went onto the work queue at {@code now}: the
   * sweeper takes its message as lost only once it has been queued for long ({@link #lostMessages}).
   */
  public Future<Void> markQueued(String id, long now) {
    return mongo.updateCollection(C, byId(id), set(new JsonObject().put("published", true).put(QUEUED_AT, now)))
        .mapEmpty();
  }

  /** How many tasks wait to be rendered (PENDING), for the gateway's back-pressure. */
  public Future<Long> pendingCount() {
    return mongo.count(C, new JsonObject().put("status", TaskStatus.PENDING.name()));
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
   * Starts an attempt: a PENDING task whose {@code notBefore} has passed becomes PROCESSING under a
   * new attempt token, attempts + 1, progress back to 0.
   *
   * @return the claimed task (its {@link Task#attemptToken()} is this attempt's lease), or null when
   *     it was not PENDING (already taken, finished, gone) or its retry is not due yet
   */
  public Future<Task> claim(String id, String workerId, long now) {
    return claim(id, workerId, now, newAttemptToken());
  }

  /** A fresh attempt token, for {@link #claim(String, String, long, String)}. */
  public static String newAttemptToken() {
    return UUID.randomUUID().toString();
  }

  /**
   * {@link #claim(String, String, long)} under a token chosen by the caller, so that a claim can be tried
   * again after its answer was lost (MongoDB went away after applying it): a task already PROCESSING under
   * this very token is this claim's, and is answered as claimed.
   */
  public Future<Task> claim(String id, String workerId, long now, String token) {
    JsonObject query = byId(id).put("status", TaskStatus.PENDING.name())
        .put("$or", new JsonArray()
            .add(new JsonObject().put(NOT_BEFORE, null))
            .add(new JsonObject().put(NOT_BEFORE, new JsonObject().put("$lte", now))));
    JsonObject update = new JsonObject()
        .put("$set", new JsonObject()
            .put("status", TaskStatus.PROCESSING.name())
            .put("progress", 0)
            .put("workerId", workerId)
            .put(ATTEMPT, new JsonObject().put("token", token).put("workerId", workerId).put("since", now))
            .put("heartbeatAt", now)
            .put("updatedAt", now))
        .put("$inc", new JsonObject().put("attempts", 1));
    return mongo.findOneAndUpdateWithOptions(C, query, update, new FindOptions(),
            new UpdateOptions().setReturningNewDocument(true))
        .compose(doc -> doc != null ? Future.succeededFuture(Task.fromDocument(doc)) : find(id)
            .map(task -> task != null && task.status() == TaskStatus.PROCESSING && token.equals(task.attemptToken())
                ? task : null));
  }

  /**
   * Heartbeat and progress of the attempt holding {@code token}. Progress only rises ({@code $max}):
   * a heartbeat that lands after a later one with more progress changes nothing but the heartbeat
   * time, and still finds the task held.
   *
   * @return false only when the attempt no longer holds the task (cancelled, reclaimed, finished)
   */
  public Future<Boolean> heartbeat(String id, String token, int progress, long now) {
    JsonObject update = set(new JsonObject().put("heartbeatAt", now).put("updatedAt", now))
        .put("$max", new JsonObject().put("progress", progress));
    return mongo.updateCollection(C, heldBy(id, token), update).map(r -> r.getDocMatched() > 0);
  }

  /**
   * PROCESSING → FINISHED for the attempt holding {@code token}, recording the files it stored: only
   * through this write do they become the task's.
   *
   * @return the finished task as written (its final state), or null when the attempt no longer holds
   *     the task (its files are then nobody's, and the attempt deletes them)
   */
  public Future<Task> finish(String id, String token, TaskMedia result, long now) {
    JsonObject fields = transitionFields(TaskStatus.FINISHED, 100, null, now,
        new JsonObject().put(RESULT, result.toDocument()));
    return mongo.findOneAndUpdateWithOptions(C, heldBy(id, token), set(fields), new FindOptions(),
            new UpdateOptions().setReturningNewDocument(true))
        .map(doc -> doc == null ? null : Task.fromDocument(doc));
  }

  /** PROCESSING → FAILED with a message for the user; false when the attempt no longer holds the task. */
  public Future<Boolean> fail(String id, String token, String message, long now) {
    return transition(heldBy(id, token), TaskStatus.FAILED, null, message, now, new JsonObject());
  }

  /** PROCESSING → PENDING so another attempt can take it now; false when the attempt no longer holds it. */
  public Future<Boolean> release(String id, String token, String message, long now) {
    return release(id, token, message, now, now);
  }

  /**
   * PROCESSING → PENDING, to be claimed again no sooner than {@code notBefore} (a retry's backoff);
   * false when the attempt no longer holds the task. Counted as queued from {@code notBefore}, when
   * its next message is due, so the sweeper does not take a retry waiting out its backoff for a lost
   * message.
   */
  public Future<Boolean> release(String id, String token, String message, long notBefore, long now) {
    // Its next message is this worker's to publish (a timer), or the sweeper's if the worker dies first.
    return transition(heldBy(id, token), TaskStatus.PENDING, 0, message, now,
        new JsonObject().put(NOT_BEFORE, notBefore).put(QUEUED_AT, notBefore).put("published", true));
  }

  /** PROCESSING tasks whose heartbeat is older than {@code heartbeatBefore}: their attempts stopped. */
  public Future<List<Task>> stale(long heartbeatBefore, int limit) {
    JsonObject query = new JsonObject()
        .put("status", TaskStatus.PROCESSING.name())
        .put("heartbeatAt", new JsonObject().put("$lt", heartbeatBefore));
    return mongo.findWithOptions(C, query, new FindOptions().setLimit(limit))
        .map(docs -> docs.stream().map(Task::fromDocument).toList());
  }

  /**
   * A stale task back to PENDING for another attempt, a compare-and-set on exactly what was read
   * (attempt and heartbeat), so an attempt that comes back to life and the sweeper never both win.
   */
  public Future<Boolean> reclaimStale(Task asRead, long now) {
    return transition(exactlyAsRead(asRead), TaskStatus.PENDING, 0, null, now,
        new JsonObject().put("published", false).put(NOT_BEFORE, null));
  }

  /** A stale task that used all its attempts: FAILED with the message, compare-and-set as {@link #reclaimStale}. */
  public Future<Boolean> failStale(Task asRead, String message, long now) {
    return transition(exactlyAsRead(asRead), TaskStatus.FAILED, null, message, now, new JsonObject());
  }

  /**
   * PENDING tasks whose message looks lost: published, due ({@code notBefore} passed), and queued
   * before {@code queuedBefore} (tasks written before {@code queuedAt} existed: last updated before it).
   */
  public Future<List<Task>> lostMessages(long now, long queuedBefore, int limit) {
    JsonObject queuedLongAgo = new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(QUEUED_AT, new JsonObject().put("$lt", queuedBefore)))
        .add(new JsonObject().put(QUEUED_AT, null).put("updatedAt", new JsonObject().put("$lt", queuedBefore))));
    JsonObject due = new JsonObject().put("$or", new JsonArray()
        .add(new JsonObject().put(NOT_BEFORE, null))
        .add(new JsonObject().put(NOT_BEFORE, new JsonObject().put("$lte", now))));
    JsonObject query = new JsonObject()
        .put("status", TaskStatus.PENDING.name())
        .put("published", true)
        .put("$and", new JsonArray().add(queuedLongAgo).add(due));
    FindOptions oldestFirst = new FindOptions().setLimit(limit).setSort(new JsonObject().put(QUEUED_AT, 1));
    return mongo.findWithOptions(C, query, oldestFirst).map(docs -> docs.stream().map(Task::fromDocument).toList());
  }

  /**
   * After a crash of a single-process deployment (embedded broker, whose queue died with it): every
   * PROCESSING task goes back to PENDING and every PENDING task is marked unpublished, so the outbox
   * publishes them again.
   */
  public Future<Void> resetAfterCrash(long now) {
    JsonObject processing = new JsonObject().put("status", TaskStatus.PROCESSING.name());
    JsonObject toPending = new JsonObject().put("$set", new JsonObject()
        .put("status", TaskStatus.PENDING.name()).put("progress", 0).put("workerId", null).put(ATTEMPT, null)
        .put(NOT_BEFORE, null).put("updatedAt", now));
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
        .put(ATTEMPT, null)
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
        .put(WEBHOOK + ".claim", asRead.claim())
        // Still due as the claim lands: another instance's claim pushed nextAt forward. (The embedded
        // in-memory server can hand a reader a document that a concurrent claim is changing, so the
        // fields above may already show that claim; nextAt is the part of it that says "taken".)
        .put(WEBHOOK + ".nextAt", new JsonObject().put("$lte", System.currentTimeMillis()));
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

  /**
   * The indexes the queries here need; idempotent, run by every instance at start. (The embedded
   * mongo-java-server accepts non-unique indexes without building them; real MongoDB builds them.)
   */
  public Future<Void> ensureIndexes() {
    IndexOptions webhookDue = new IndexOptions().name("webhook_due")
        .partialFilterExpression(new JsonObject().put(WEBHOOK_STATE, WebhookDelivery.State.PENDING.name()));
    // One after the other: index builds are heavy on a real server, and nothing needs them at once.
    return mongo.createIndexWithOptions(C, new JsonObject().put(WEBHOOK_STATE, 1).put("status", 1)
            .put(WEBHOOK + ".nextAt", 1), webhookDue) // dueWebhooks: only the deliveries still owed
        .compose(v -> mongo.createIndexWithOptions(C, new JsonObject().put("status", 1).put("heartbeatAt", 1),
            new IndexOptions().name("status_heartbeat"))) // stale: PROCESSING by heartbeat age
        .compose(v -> mongo.createIndexWithOptions(C, new JsonObject().put("status", 1).put(QUEUED_AT, 1),
            new IndexOptions().name("status_queued"))) // lostMessages and pendingCount (its prefix)
        .compose(v -> mongo.createIndexWithOptions(C, new JsonObject().put("status", 1).put("published", 1)
            .put("createdAt", 1), new IndexOptions().name("status_published_created"))); // the gateway outbox's sweep
  }

  private Future<Boolean> settleWebhook(String id, String claim, JsonObject fields) {
    JsonObject query = byId(id).put(WEBHOOK_STATE, WebhookDelivery.State.PENDING.name()).put(WEBHOOK + ".claim", claim);
    return mongo.updateCollection(C, query, set(fields.put(WEBHOOK + ".claim", null))).map(r -> r.getDocMatched() > 0);
  }

  private Future<Boolean> transition(JsonObject query, TaskStatus to, Integer progress, String message, long now,
      JsonObject more) {
    return mongo.updateCollection(C, query, set(transitionFields(to, progress, message, now, more)))
        .map(r -> r.getDocMatched() > 0);
  }

  private static JsonObject transitionFields(TaskStatus to, Integer progress, String message, long now,
      JsonObject more) {
    JsonObject fields = more.copy()
        .put("status", to.name())
        .put("message", message)
        .put("updatedAt", now)
        .put("workerId", null)
        .put(ATTEMPT, null);
    if (progress != null) {
      fields.put("progress", progress);
    }
    return fields;
  }

  /** The task as long as the attempt with this token holds it. */
  private static JsonObject heldBy(String id, String token) {
    return byId(id).put("status", TaskStatus.PROCESSING.name()).put(ATTEMPT + ".token", token);
  }

  /** The PROCESSING task exactly as read: same attempt, same heartbeat. */
  private static JsonObject exactlyAsRead(Task task) {
    JsonObject query = byId(task.id()).put("status", TaskStatus.PROCESSING.name())
        .put("heartbeatAt", task.heartbeatAt());
    // Tasks claimed before attempts had tokens are matched on their worker id.
    return task.attemptToken() != null
        ? query.put(ATTEMPT + ".token", task.attemptToken())
        : query.put("workerId", task.workerId());
  }

  private static JsonObject byId(String id) {
    return new JsonObject().put("_id", id);
  }

  private static JsonObject set(JsonObject fields) {
    return new JsonObject().put("$set", fields);
  }
}
