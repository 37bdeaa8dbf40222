package io.stillmotion.store;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/**
 * Which failures of a database call mean "MongoDB is not reachable right now" (restarting, a network
 * cut, a replica set electing a new primary) rather than "this request is wrong": the one place that
 * knows. Such a failure says nothing about the task or the upload, so the gateway answers it with 503
 * and a worker keeps what it has and tries again, instead of charging a render attempt.
 *
 * <p>A write that failed this way may still have been applied (the reply was lost with the connection):
 * whoever retries must make the retry harmless, as the task's compare-and-set transitions are.
 */
public final class StoreErrors {

  private StoreErrors() {
  }

  /** True when {@code failure}, or one of its causes, is the database being out of reach. */
  public static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MongoTimeoutException
          || t instanceof MongoSocketException
          || t instanceof MongoConnectionPoolClearedException
          || t instanceof MongoServerUnavailableException
          || t instanceof MongoNotPrimaryException
          || t instanceof MongoNodeIsRecoveringException
          || t instanceof MongoException mongo && mongo.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)) {
        return true;
      }
    }
    return false;
  }
}
