package io.stillmotion.broker;

import io.vertx.core.Future;

/**
 * One delivery of a task message, bound to the connection it came on: {@link #ack()} and
 * {@link #nack(boolean)} after that connection is gone are dropped (the broker has already put the
 * message back), never sent with a delivery tag that the new channel does not know.
 *
 * @param generation the connection's number (see {@link BrokerLink#generation()})
 * @param deliveries how many times this message, and the earlier ones it replaced, were delivered
 */
public record TaskDelivery(BrokerLink link, long generation, long deliveryTag, String taskId, int deliveries,
                           String messageId) {

  /** Done with the message. Completes with false when the ack was dropped. */
  public Future<Boolean> ack() {
    return link.settle(generation, deliveryTag, true, false, "ack");
  }

  /** Hands the message back ({@code requeue}) or drops it. Completes with false when the nack was dropped. */
  public Future<Boolean> nack(boolean requeue) {
    return link.settle(generation, deliveryTag, false, requeue, "nack");
  }

  /**
   * Hands the message back for a fault that is not the message's (MongoDB unreachable, this worker
   * stopping): its redelivery does not count towards the delivery limit that parks looping messages.
   */
  public Future<Boolean> retryLater() {
    link.forgive(messageId);
    return nack(true);
  }

  @Override
  public String toString() {
    return "delivery " + deliveryTag + " of connection " + generation + " (task " + taskId + ")";
  }
}
