package io.stillmotion.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import io.stillmotion.model.Names;
import io.stillmotion.model.TaskEvent;
import io.stillmotion.model.TaskMessage;
import io.stillmotion.telemetry.TaskMdc;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one owner of a service's AMQP side: the connection and its recovery, the topology (task queue,
 * parking queue, events exchange), the task-queue consumer, the event subscription, confirmed
 * publishing, and acks.
 *
 * <p>The client library's own recovery stays off (automatic recovery, topology recovery and the
 * Vert.x client's consumer restarts each re-create consumers behind our back, which is how one
 * worker ended up with four). Instead every connection is a numbered <em>generation</em>: when it
 * goes, a capped backoff loop opens a new one and declares everything again, and the consumer is
 * created once on it, here and nowhere else. A {@link TaskDelivery} remembers its generation; its
 * ack or nack on a later generation is dropped, because delivery tags belong to the channel they
 * came on (an old tag on a new channel closes it, or acks somebody else's message).
 *
 * <p>Messages that can never be processed (not a task message, or delivered more than
 * {@link Options#maxDeliveries} times) are moved to {@link Names#PARKING_QUEUE} and acked, so they
 * neither loop nor vanish. No broker-specific queue arguments are used: the same code runs on
 * RabbitMQ and on the embedded Qpid broker.
 *
 * <p>Create it on the event-loop context it is used from (a verticle's {@code start}); all its
 * callbacks run there.
 */
public final class BrokerLink {

  /** Header counting how often earlier messages for the same task were delivered (re-publish). */
  public static final String DELIVERIES_HEADER = "x-stillmotion-deliveries";
  /** How long a message that could not be parked is held before it goes back to the queue. */
  private static final long PARK_RETRY_MS = 5_000;
  /** Header on a parked message: why it was parked. */
  public static final String PARKED_REASON_HEADER = "x-stillmotion-parked-reason";

  private static final Logger log = TaskMdc.logger(BrokerLink.class);
  private static final int REMEMBERED_REDELIVERIES = 10_000;

  /**
   * @param uri              the broker's AMQP URI
   * @param name             shown in the broker's connection list ("gateway", "worker w1")
   * @param prefetch         unacked task messages this process holds; 0 = consume no tasks
   * @param events           subscribe to every task event (gateways)
   * @param maxDeliveries    a task message delivered more often than this is parked
   * @param minBackoffMs     first reconnect delay; it doubles per failed attempt
   * @param maxBackoffMs     the reconnect delay's cap
   * @param confirmTimeoutMs a publish not confirmed within this fails
   */
  public record Options(String uri, String name, int prefetch, boolean events, int maxDeliveries, long minBackoffMs,
                        long maxBackoffMs, long confirmTimeoutMs) {

    public static Options of(String uri, String name) {
      return new Options(uri, name, 0, false, 20, 500, 10_000, 10_000);
    }

    public Options consumingTasks(int prefetch, int maxDeliveries) {
      return new Options(uri, name, prefetch, events, maxDeliveries, minBackoffMs, maxBackoffMs, confirmTimeoutMs);
    }

    public Options withEvents() {
      return new Options(uri, name, prefetch, true, maxDeliveries, minBackoffMs, maxBackoffMs, confirmTimeoutMs);
    }

    public Options withBackoff(long minMs, long maxMs) {
      return new Options(uri, name, prefetch, events, maxDeliveries, minMs, maxMs, confirmTimeoutMs);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Options options;
  private final AtomicReference<Session> current = new AtomicReference<>();
  private final AtomicLong generations = new AtomicLong();
  /** Redeliveries seen per message id (event loop only): catches a message that loops through nacks. */
  private final Map<String, Integer> redeliveries = new java.util.LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > REMEMBERED_REDELIVERIES;
    }
  };
  private Handler<TaskDelivery> taskHandler;
  private Handler<Buffer> eventHandler;
  private Runnable subscribedHandler = () -> { };
  private Runnable connectedHandler = () -> { };
  private boolean started;
  private boolean stopping;
  private volatile boolean taskConsumerWanted;
  /** False from the first failed connection attempt of an outage until a connection is back. */
  private boolean up = true;
  private int failedAttempts;
  private long retryTimer = -1;

  public BrokerLink(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
  }

  /** Where task messages go; set before {@link #start()} when {@link Options#prefetch} is above 0. */
  public BrokerLink onTask(Handler<TaskDelivery> handler) {
    this.taskHandler = handler;
    return this;
  }

  /** Where task events go (raw bodies); set before {@link #start()} when {@link Options#events} is on. */
  public BrokerLink onEvent(Handler<Buffer> handler) {
    this.eventHandler = handler;
    return this;
  }

  /**
   * Called on this link's context each time the event subscription is in place on a new connection:
   * events published while there was none are lost, so whatever was derived from events is suspect.
   */
  public BrokerLink onSubscribed(Runnable handler) {
    this.subscribedHandler = handler;
    return this;
  }

  /**
   * Called on this link's context each time a new connection is up and everything is declared on
   * it: the first one after {@link #start()} and each one after an outage. Set before {@link #start()}.
   */
  public BrokerLink onConnected(Runnable handler) {
    this.connectedHandler = handler;
    return this;
  }

  /** Connects in the background and keeps reconnecting for ever; completes at once. */
  public Future<Void> start() {
    if (options.prefetch() > 0 && taskHandler == null) {
      throw new IllegalStateException("consuming tasks needs onTask(...) before start()");
    }
    started = true;
    taskConsumerWanted = options.prefetch() > 0;
    context.runOnContext(v -> connect());
    return Future.succeededFuture();
  }

  /** Stops taking task messages (deliveries in flight can still be acked); for a graceful stop. */
  public Future<Void> stopConsuming() {
    taskConsumerWanted = false;
    Session session = current.get();
    if (session == null || session.taskConsumerTag == null) {
      return Future.succeededFuture();
    }
    return blocking(() -> {
      session.taskConsumerAlive = false;
      session.channel.basicCancel(session.taskConsumerTag);
      return null;
    }).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Closes the connection; no reconnect follows. */
  public Future<Void> stop() {
    stopping = true;
    taskConsumerWanted = false;
    vertx.cancelTimer(retryTimer);
    Session session = current.getAndSet(null);
    if (session == null) {
      return Future.succeededFuture();
    }
    session.failConfirms("the broker link is stopping");
    return blocking(() -> {
      if (session.connection.isOpen()) {
        session.connection.close(2_000);
      }
      return null;
    }).<Void>mapEmpty().otherwiseEmpty();
  }

  public boolean isConnected() {
    Session session = current.get();
    return session != null && session.connection.isOpen();
  }

  /** A live task consumer on the current connection. */
  public boolean consuming() {
    Session session = current.get();
    return session != null && session.taskConsumerAlive && session.channel.isOpen();
  }

  /** A live event subscription on the current connection. */
  public boolean subscribed() {
    Session session = current.get();
    return session != null && session.eventQueue != null && session.channel.isOpen();
  }

  /** The number of the current connection (1 for the first), 0 while there is none. */
  public long generation() {
    Session session = current.get();
    return session == null ? 0 : session.generation;
  }

  /** The server-named queue this process reads events from (null when not subscribed). */
  public String eventQueue() {
    Session session = current.get();
    return session == null ? null : session.eventQueue;
  }

  /** Puts "look at task X" on the work queue; completes when the broker confirmed it. */
  public Future<Void> publishTask(String taskId) {
    return publishTask(new TaskMessage(taskId).toBuffer(), 0);
  }

  /** Puts a task message body on the work queue; completes when the broker confirmed it. */
  public Future<Void> publishTask(Buffer body) {
    return publishTask(body, 0);
  }

  private Future<Void> publishTask(Buffer body, int earlierDeliveries) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(DELIVERIES_HEADER, earlierDeliveries);
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
        .deliveryMode(2).messageId(UUID.randomUUID().toString()).headers(headers).build();
    return publishConfirmed("", Names.TASK_QUEUE, props, body);
  }

  /** Tells every gateway about a task's change; a hint only, so it is neither persistent nor confirmed. */
  public Future<Void> publishEvent(TaskEvent event) {
    Session session = current.get();
    if (session == null) {
      return Future.failedFuture("broker not connected");
    }
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json").build();
    return blocking(() -> {
      synchronized (session.publishLock) {
        session.channel.basicPublish(Names.EVENTS_EXCHANGE, Names.eventRoutingKey(event.taskId()), props,
            event.toBuffer().getBytes());
      }
      return null;
    }).mapEmpty();
  }

  /**
   * A start-up warm-up of the publishing side: a persistent message published and confirmed as a task's
   * is, into a server-named queue of this connection's own, deleted again with it. Nobody reads it and
   * nothing stays behind (the broker would delete the queue with the connection anyway).
   *
   * @return the name the queue had
   */
  public Future<String> publishToScratchQueue() {
    Session session = current.get();
    if (session == null) {
      return Future.failedFuture("broker not connected");
    }
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
        .deliveryMode(2).messageId(UUID.randomUUID().toString()).build();
    return blocking(() -> session.channel.queueDeclare().getQueue())
        .compose(queue -> publishConfirmed("", queue, props, new TaskMessage(UUID.randomUUID().toString()).toBuffer())
            .eventually(() -> blocking(() -> session.channel.queueDelete(queue)))
            .map(queue));
  }

  /** Messages waiting in the work queue (asked on a channel of its own, so a failure closes only that). */
  public Future<Long> queueDepth() {
    Session session = current.get();
    if (session == null) {
      return Future.failedFuture("broker not connected");
    }
    return blocking(() -> {
      try (Channel channel = session.connection.createChannel()) {
        return channel.messageCount(Names.TASK_QUEUE);
      }
    });
  }

  /**
   * Puts a fresh message for the delivery's task on the work queue, counting the deliveries so far,
   * then acks the delivery (never the reverse: a crash in between leaves a duplicate, which the claim
   * absorbs, instead of nothing).
   */
  public Future<Void> republish(TaskDelivery delivery) {
    return publishTask(new TaskMessage(delivery.taskId()).toBuffer(), delivery.deliveries())
        .compose(v -> delivery.ack(), e -> delivery.nack(true).compose(x -> Future.failedFuture(e)))
        .mapEmpty();
  }

  Future<Boolean> settle(long generation, long tag, boolean ack, boolean requeue, String what) {
    Session session = current.get();
    if (session == null || session.generation != generation) {
      log.debug("dropping the {} of delivery {} of connection {}: that connection is gone (now {}); the broker "
          + "redelivers the message", what, tag, generation, session == null ? "none" : session.generation);
      return Future.succeededFuture(false);
    }
    return blocking(() -> {
      if (ack) {
        session.channel.basicAck(tag, false);
      } else {
        session.channel.basicNack(tag, false, requeue);
      }
      return true;
    }).recover(e -> {
      log.debug("{} of delivery {} not sent ({}); the broker redelivers the message", what, tag, e.getMessage());
      return Future.succeededFuture(false);
    });
  }

  /** Moves a message that can never be processed to the parking queue, then acks it. */
  Future<Void> park(long generation, long tag, byte[] body, AMQP.BasicProperties original, String reason) {
    Map<String, Object> headers = new HashMap<>();
    if (original.getHeaders() != null) {
      headers.putAll(original.getHeaders());
    }
    headers.put(PARKED_REASON_HEADER, reason);
    headers.put("x-stillmotion-parked-at", System.currentTimeMillis());
    AMQP.BasicProperties props = original.builder().deliveryMode(2).headers(headers).expiration(null).build();
    return publishConfirmed("", Names.PARKING_QUEUE, props, Buffer.buffer(body))
        .compose(v -> settle(generation, tag, true, false, "ack of a parked message"),
            e -> {
              // Not handed back at once: a publish that fails at once (the broker blocks publishing)
              // would have the message redelivered and parked again in a tight loop.
              Promise<Boolean> later = Promise.promise();
              vertx.setTimer(PARK_RETRY_MS,
                  t -> settle(generation, tag, false, true, "nack of an unparkable message").onComplete(later));
              return later.future();
            })
        .mapEmpty();
  }

  private Future<Void> publishConfirmed(String exchange, String routingKey, AMQP.BasicProperties props, Buffer body) {
    Session session = current.get();
    if (session == null) {
      return Future.failedFuture("broker not connected");
    }
    String blocked = session.blocked;
    if (blocked != null) {
      // A publish now would wait out its confirm timeout and, with many, fill the socket and hold the
      // worker threads: callers keep their fallbacks (the outbox sweeper publishes stored tasks later).
      return Future.failedFuture("the broker blocks publishing (" + blocked + ")");
    }
    Promise<Void> confirmed = Promise.promise();
    long timer = vertx.setTimer(options.confirmTimeoutMs(),
        t -> confirmed.tryFail("not confirmed by the broker within " + options.confirmTimeoutMs() + " ms"));
    blocking(() -> {
      synchronized (session.publishLock) {
        long seq = session.channel.getNextPublishSeqNo();
        session.confirms.put(seq, confirmed);
        session.channel.basicPublish(exchange, routingKey, props, body.getBytes());
      }
      return null;
    }).onFailure(confirmed::tryFail);
    // Confirms arrive on the client's thread: callers continue on their own event loop.
    Promise<Void> onContext = Promise.promise();
    confirmed.future().onComplete(r -> context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      onContext.handle(r);
    }));
    return onContext.future();
  }

  private void connect() {
    if (stopping) {
      return;
    }
    blocking(this::open).onComplete(r -> {
      if (r.succeeded()) {
        connected(r.result());
      } else {
        connectFailed(r.cause());
      }
    });
  }

  /** Opens a connection and builds everything on it (worker thread). */
  private Session open() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(options.uri());
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    factory.setRequestedHeartbeat(30);
    factory.setExceptionHandler(new QuietExceptionHandler());
    Connection connection = factory.newConnection("stillmotion " + options.name());
    // Numbered only once it exists: one loop opens connections, one at a time.
    long generation = generations.incrementAndGet();
    Session session = null;
    try {
      Channel channel = connection.createChannel();
      session = new Session(generation, connection, channel);
      Session opened = session;
      connection.addShutdownListener(cause -> context.runOnContext(v -> lost(opened, cause)));
      // A resource alarm (the broker's disk or memory short): it stops reading what publishers send.
      connection.addBlockedListener(reason -> {
        opened.blocked = reason == null || reason.isBlank() ? "no reason given" : reason;
        log.warn("{}: the broker blocks publishing ({}); publishes fail at once until it lifts the block",
            options.name(), opened.blocked);
        // The publish that met the block is not read until the block lifts: its caller falls back now
        // instead of after the confirm timeout. Should the broker take it later, the fallback's copy is a
        // duplicate, which the consumers already take in their stride (a task is claimed once).
        opened.failConfirms("the broker blocks publishing (" + opened.blocked + ")");
      }, () -> {
        opened.blocked = null;
        log.info("{}: the broker takes publishes again", options.name());
      });
      channel.addShutdownListener(cause -> closeAfterChannelError(opened, cause));
      channel.confirmSelect();
      channel.addConfirmListener(session);
      channel.queueDeclare(Names.TASK_QUEUE, true, false, false, null);
      channel.queueDeclare(Names.PARKING_QUEUE, true, false, false, null);
      channel.exchangeDeclare(Names.EVENTS_EXCHANGE, "topic", true, false, null);
      // Installed before any consumer starts, so that the first delivery can already be acked.
      current.set(session);
      if (options.events()) {
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, Names.EVENTS_EXCHANGE, "task.*");
        channel.basicConsume(queue, true, new EventConsumer(channel));
        session.eventQueue = queue;
      }
      if (taskConsumerWanted) {
        channel.basicQos(options.prefetch());
        session.taskConsumerTag = channel.basicConsume(Names.TASK_QUEUE, false, new TaskConsumer(session));
        session.taskConsumerAlive = true;
      }
      return session;
    } catch (Exception e) {
      if (session != null) {
        current.compareAndSet(session, null);
      }
      abortQuietly(connection);
      throw e;
    }
  }

  private void connected(Session session) {
    if (stopping || current.get() != session) {
      abortQuietly(session.connection);
      return;
    }
    if (!up || failedAttempts > 0) {
      log.info("broker connection back after {} failed attempt(s) (connection {}){}", failedAttempts,
          session.generation, describe(session));
    } else {
      log.info("connected to the broker (connection {}){}", session.generation, describe(session));
    }
    up = true;
    failedAttempts = 0;
    if (session.eventQueue != null) {
      subscribedHandler.run();
    }
    connectedHandler.run();
  }

  private static String describe(Session session) {
    return (session.taskConsumerTag != null ? ", consuming " + Names.TASK_QUEUE : "")
        + (session.eventQueue != null ? ", events through " + session.eventQueue : "");
  }

  private void connectFailed(Throwable cause) {
    failedAttempts++;
    if (up) {
      up = false;
      log.warn("broker not reachable ({}); retrying in the background", message(cause));
    } else {
      log.debug("broker still not reachable (attempt {}): {}", failedAttempts, message(cause));
    }
    scheduleReconnect();
  }

  private void lost(Session session, ShutdownSignalException cause) {
    if (!current.compareAndSet(session, null)) {
      return;
    }
    session.taskConsumerAlive = false;
    session.failConfirms("the broker connection was lost");
    if (stopping) {
      return;
    }
    up = false;
    log.warn("broker connection {} lost ({}); reconnecting", session.generation, message(cause));
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (stopping || !started) {
      return;
    }
    long delay = Math.min(options.maxBackoffMs(),
        options.minBackoffMs() << Math.min(20, Math.max(0, failedAttempts - 1)));
    retryTimer = vertx.setTimer(delay, t -> connect());
  }

  /** A channel error (e.g. a refused declare) leaves a connection without consumer: rebuild it all. */
  private void closeAfterChannelError(Session session, ShutdownSignalException cause) {
    if (!cause.isInitiatedByApplication() && !cause.isHardError() && session.connection.isOpen()) {
      log.warn("broker channel of connection {} closed ({}); reconnecting", session.generation, message(cause));
      abortQuietly(session.connection);
    }
  }

  private static void abortQuietly(Connection connection) {
    try {
      connection.abort(2_000);
    } catch (RuntimeException e) {
      log.debug("closing a broken connection: {}", e.getMessage());
    }
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return context.executeBlocking(work, false);
  }

  private static String message(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getMessage() == null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /** Task deliveries (client thread) handed to the event loop, with their connection's number. */
  private final class TaskConsumer extends DefaultConsumer {
    private final Session session;

    TaskConsumer(Session session) {
      super(session.channel);
      this.session = session;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      long tag = envelope.getDeliveryTag();
      boolean redelivered = envelope.isRedeliver();
      AMQP.BasicProperties props = properties != null ? properties : new AMQP.BasicProperties();
      context.runOnContext(v -> dispatchTask(session.generation, tag, redelivered, props, body));
    }

    @Override
    public void handleCancel(String consumerTag) {
      // The broker cancelled us (queue deleted): rebuilding the connection declares it and consumes again.
      log.warn("the broker cancelled the consumer on {}; reconnecting", Names.TASK_QUEUE);
      session.taskConsumerAlive = false;
      abortQuietly(session.connection);
    }
  }

  private void dispatchTask(long generation, long tag, boolean redelivered, AMQP.BasicProperties props, byte[] body) {
    TaskMessage message;
    try {
      message = TaskMessage.fromBuffer(Buffer.buffer(body));
    } catch (IllegalArgumentException e) {
      log.warn("parking a message that is not a task ({}) in {}: {}", e.getMessage(), Names.PARKING_QUEUE,
          abbreviate(body));
      park(generation, tag, body, props, "not a task message: " + e.getMessage());
      return;
    }
    int deliveries = deliveries(props, redelivered);
    if (deliveries > options.maxDeliveries()) {
      log.warn("[{}] parking its message in {}: delivered {} times", message.taskId(), Names.PARKING_QUEUE,
          deliveries);
      park(generation, tag, body, props, "delivered " + deliveries + " times");
      return;
    }
    taskHandler.handle(new TaskDelivery(this, generation, tag, message.taskId(), deliveries, props.getMessageId()));
  }

  /** This delivery's number among all deliveries of this message and of the earlier ones it replaced. */
  private int deliveries(AMQP.BasicProperties props, boolean redelivered) {
    int earlier = 0;
    Object header = props.getHeaders() == null ? null : props.getHeaders().get(DELIVERIES_HEADER);
    if (header instanceof Number n) {
      earlier = Math.max(0, n.intValue());
    }
    int own = 1;
    if (redelivered) {
      // A redelivery this process has not seen before (another consumer died holding it) counts once.
      String id = props.getMessageId();
      own += id == null ? 1 : redeliveries.merge(id, 1, Integer::sum);
    }
    return earlier + own;
  }

  /** The next redelivery of this message does not count (see {@link TaskDelivery#retryLater()}). */
  void forgive(String messageId) {
    if (messageId != null) {
      context.runOnContext(v -> redeliveries.computeIfPresent(messageId, (id, n) -> n <= 1 ? null : n - 1));
    }
  }

  private static String abbreviate(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
    return body.length > 200 ? s + "..." : s;
  }

  private final class EventConsumer extends DefaultConsumer {
    EventConsumer(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      Handler<Buffer> handler = eventHandler;
      if (handler != null) {
        context.runOnContext(v -> handler.handle(Buffer.buffer(body)));
      }
    }
  }

  /** One connection and its channel; confirms of publishes made on it. */
  private final class Session implements ConfirmListener {
    final long generation;
    final Connection connection;
    final Channel channel;
    final Object publishLock = new Object();
    final ConcurrentNavigableMap<Long, Promise<Void>> confirms = new ConcurrentSkipListMap<>();
    volatile String taskConsumerTag;
    volatile boolean taskConsumerAlive;
    volatile String eventQueue;
    /** Why the broker blocks this connection's publishes (connection.blocked), or null. */
    volatile String blocked;

    Session(long generation, Connection connection, Channel channel) {
      this.generation = generation;
      this.connection = connection;
      this.channel = channel;
    }

    @Override
    public void handleAck(long seq, boolean multiple) {
      settleConfirms(seq, multiple, null);
    }

    @Override
    public void handleNack(long seq, boolean multiple) {
      settleConfirms(seq, multiple, "the broker refused the message (nack)");
    }

    private void settleConfirms(long seq, boolean multiple, String failure) {
      Map<Long, Promise<Void>> done = multiple ? confirms.headMap(seq, true) : confirms.subMap(seq, true, seq, true);
      for (Long key : new java.util.ArrayList<>(done.keySet())) {
        Promise<Void> promise = confirms.remove(key);
        if (promise != null) {
          if (failure == null) {
            promise.tryComplete();
          } else {
            promise.tryFail(failure);
          }
        }
      }
    }

    void failConfirms(String why) {
      for (Long key : new java.util.ArrayList<>(confirms.keySet())) {
        Promise<Void> promise = confirms.remove(key);
        if (promise != null) {
          promise.tryFail(why);
        }
      }
    }
  }

  /** The client library logs a dropped connection at ERROR with a stack trace; the link reports it once. */
  private static final class QuietExceptionHandler extends ForgivingExceptionHandler {
    @Override
    protected void log(String message, Throwable e) {
      log.debug("{}: {}", message, e.toString());
    }
  }
}
