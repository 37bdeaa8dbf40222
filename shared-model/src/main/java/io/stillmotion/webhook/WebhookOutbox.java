package io.stillmotion.webhook;

import io.stillmotion.model.Task;
import io.stillmotion.model.WebhookConfig;
import io.stillmotion.model.WebhookDelivery;
import io.stillmotion.store.TaskStore;
import io.stillmotion.store.TaskStore.DueWebhook;
import io.stillmotion.telemetry.OutageLog;
import io.stillmotion.telemetry.StillmotionMetrics;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the webhooks owed in the {@code tasks} collection, at least once. Every gateway and
 * worker runs one, and any of them may deliver any task's webhook: the delivery was written with
 * the task ({@link WebhookDelivery}) and became due when the task turned terminal, whichever process
 * did that and whatever became of it since.
 *
 * <p>Each attempt is claimed first with a compare-and-set that locks the delivery for
 * {@link WebhookConfig#claimMs()}, so two instances never POST the same delivery at once, while an
 * instance that dies mid-attempt only delays the next one until its claim expires. A failed attempt
 * is due again after a capped exponential backoff; after {@code WEBHOOK_MAX_ATTEMPTS} attempts, or on
 * an answer that retrying cannot change (a 4xx, a refused address), the delivery is ABANDONED: logged,
 * counted, and left in the task document for operators. At most {@code WEBHOOK_CONCURRENCY}
 * attempts run at once per instance.
 *
 * <p>Due deliveries are looked for every second and at once on {@link #nudge()}. All state here is
 * touched on one Vert.x context only.
 */
public final class WebhookOutbox {

  private static final Logger log = TaskMdc.logger(WebhookOutbox.class);
  private static final long POLL_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final TaskStore tasks;
  private final WebhookConfig config;
  private final String owner;
  private final long pollMs;
  private final WebhookSender sender;
  private final StillmotionMetrics metrics;
  private final Set<String> attempting = new HashSet<>();
  private final Promise<Void> idle = Promise.promise();
  private long timer = -1;
  private boolean polling;
  private boolean pollAgain;
  private boolean stopped;

  /** @param owner this instance's name, recorded with each claim (for operators reading the task) */
  private final OutageLog pollLog;

  public WebhookOutbox(Vertx vertx, TaskStore tasks, WebhookConfig config, String owner) {
    this(vertx, tasks, config, owner, POLL_MS);
  }

  WebhookOutbox(Vertx vertx, TaskStore tasks, WebhookConfig config, String owner, long pollMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.tasks = tasks;
    this.config = config;
    this.owner = owner;
    this.pollMs = pollMs;
    this.sender = new WebhookSender(vertx, config);
    this.metrics = StillmotionMetrics.of(vertx);
    this.pollLog = new OutageLog(log, "reading the webhooks due (every " + pollMs + " ms)");
  }

  /** Starts looking for due deliveries (unless {@code WEBHOOK_CONCURRENCY=0}). */
  public Future<Void> start() {
    if (config.concurrency() == 0) {
      log.info("webhooks are left to other instances (WEBHOOK_CONCURRENCY=0)");
      return Future.succeededFuture();
    }
    return onContext(() -> {
      timer = vertx.setPeriodic(pollMs, pollMs, id -> poll());
      poll();
      // The index its query needs is created with the others by each service (TaskStore.ensureIndexes).
      return Future.<Void>succeededFuture();
    });
  }

  /** A task just turned terminal here: look for due deliveries now rather than at the next poll. */
  public void nudge() {
    context.runOnContext(v -> poll());
  }

  /** Stops looking; lets attempts in flight finish (each is bounded by the attempt timeout). */
  public Future<Void> stop() {
    return onContext(() -> {
      stopped = true;
      vertx.cancelTimer(timer);
      if (attempting.isEmpty()) {
        idle.tryComplete();
      }
      return idle.future()
          .timeout(config.timeoutMs() + 1_000, TimeUnit.MILLISECONDS)
          .otherwiseEmpty()
          .eventually(sender::close);
    });
  }

  private void poll() {
    if (stopped || config.concurrency() == 0) {
      return;
    }
    if (polling) {
      pollAgain = true;
      return;
    }
    int free = config.concurrency() - attempting.size();
    if (free <= 0) {
      return;
    }
    polling = true;
    tasks.dueWebhooks(System.currentTimeMillis(), free)
        .onSuccess(due -> due.forEach(this::attempt))
        .onComplete(pollLog::record)
        .onComplete(r -> {
          polling = false;
          if (pollAgain) {
            pollAgain = false;
            poll();
          }
        });
  }

  private void attempt(DueWebhook due) {
    String taskId = due.task().id();
    if (stopped || attempting.size() >= config.concurrency() || !attempting.add(taskId)) {
      return;
    }
    String claim = UUID.randomUUID().toString();
    long lockedUntil = System.currentTimeMillis() + config.claimMs();
    tasks.claimWebhook(taskId, due.delivery(), claim, owner, lockedUntil)
        .compose(won -> won ? deliver(due, claim).map(true) : Future.succeededFuture(false))
        .onComplete(r -> {
          if (r.failed()) {
            log.warn("[{}] webhook attempt not completed ({}); it is due again when its claim expires", taskId,
                r.cause().getMessage());
          }
          attempting.remove(taskId);
          if (stopped && attempting.isEmpty()) {
            idle.tryComplete();
          } else if (r.succeeded() && r.result()) {
            poll();
          }
        });
  }

  private Future<Void> deliver(DueWebhook due, String claim) {
    Task task = due.task();
    WebhookDelivery delivery = due.delivery();
    int attempt = delivery.attempts() + 1;
    return sender.send(task, delivery.id()).compose(outcome -> switch (outcome.kind()) {
      case DELIVERED -> delivered(task, attempt, claim, outcome.detail());
      case RETRY -> attempt < config.maxAttempts()
          ? retryLater(task, attempt, claim, outcome.detail())
          : abandon(task, attempt, claim, outcome.detail() + " (" + attempt + " attempts, the most allowed)");
      case GIVE_UP -> abandon(task, attempt, claim, outcome.detail());
    });
  }

  private Future<Void> delivered(Task task, int attempt, String claim, String detail) {
    return tasks.webhookDelivered(task.id(), claim, System.currentTimeMillis()).map(held -> {
      metrics.webhookDelivered();
      log.info("[{}] webhook {} delivered to {} (attempt {}, {})", task.id(), event(task), url(task), attempt, detail);
      warnIfClaimLost(task, held);
      return null;
    });
  }

  private Future<Void> retryLater(Task task, int attempt, String claim, String detail) {
    long delay = config.retryDelayMs(attempt);
    return tasks.webhookRetryAt(task.id(), claim, System.currentTimeMillis() + delay, detail).map(held -> {
      metrics.webhookRetried();
      log.info("[{}] webhook {} attempt {} to {} failed ({}); next attempt in {} ms", task.id(), event(task), attempt,
          url(task), detail, delay);
      warnIfClaimLost(task, held);
      return null;
    });
  }

  private Future<Void> abandon(Task task, int attempt, String claim, String reason) {
    return tasks.webhookAbandoned(task.id(), claim, System.currentTimeMillis(), reason).map(held -> {
      if (held) {
        metrics.webhookAbandoned();
        log.warn("[{}] webhook {} to {} ABANDONED after {} attempt(s): {}", task.id(), event(task), url(task), attempt,
            reason);
      }
      warnIfClaimLost(task, held);
      return null;
    });
  }

  /** The attempt outlived its claim and another instance has taken the delivery over: it decides now. */
  private static void warnIfClaimLost(Task task, boolean held) {
    if (!held) {
      log.warn("[{}] webhook attempt outlived its claim; the instance that took it over records the outcome",
          task.id());
    }
  }

  private static String event(Task task) {
    return WebhookSender.eventName(task.status());
  }

  private static String url(Task task) {
    return WebhookSender.safe(task.callbackUrl());
  }

  private <T> Future<T> onContext(Callable<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.call().onComplete(promise);
      } catch (Exception e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
