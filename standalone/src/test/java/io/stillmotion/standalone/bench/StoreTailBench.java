package io.stillmotion.standalone.bench;

import io.stillmotion.infra.EmbeddedMongo;
import io.stillmotion.render.bench.BenchMachine;
import io.stillmotion.store.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the worker has left to store once a render is over, against the embedded MongoDB of the
 * standalone jar (H2 file store): the video, poster and thumbnail at once (as before the stills were
 * stored during the render) or the video alone. Alternating A B B A, the CPU time of all of this JVM's
 * threads per step (the client, the event loop and the embedded server), medians: on a loaded
 * machine the wall time of a few milliseconds' work means little. {@code -Dtail.rounds=40
 * -Dtail.video=560000 -Dtail.poster=150000} (bytes; a 720p video of the path photo and its poster).
 */
public final class StoreTailBench {
  static long cpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : mx.getAllThreadIds()) {
      long c = mx.getThreadCpuTime(id);
      if (c > 0) {
        sum += c;
      }
    }
    return sum;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("tail");
    Vertx vertx = Vertx.vertx();
    try (EmbeddedMongo server = EmbeddedMongo.startPersistent(dir.resolve("mongo"), 0)) {
      MongoClient mongo = MongoClient.create(vertx, new JsonObject().put("connection_string", server.connectionString())
          .put("db_name", "tail"));
      MediaStore media = new MediaStore(vertx, mongo);
      Random r = new Random(1);
      byte[] video = new byte[Integer.getInteger("tail.video", 560_000)];
      byte[] poster = new byte[Integer.getInteger("tail.poster", 150_000)];
      byte[] thumb = new byte[12_000];
      r.nextBytes(video);
      r.nextBytes(poster);
      r.nextBytes(thumb);
      Path file = dir.resolve("v.mp4");
      Files.write(file, video);
      List<Double> all = new ArrayList<>();
      List<Double> alone = new ArrayList<>();
      int rounds = Integer.getInteger("tail.rounds", 40);
      for (int i = 0; i < rounds + 10; i++) {
        boolean three = (i % 4 == 0 || i % 4 == 3);
        long t = System.nanoTime();
        long c0 = cpu();
        String n = "t" + i;
        Future<?> f = three
            ? Future.join(media.putFile("videos", n + ".mp4", file), media.putBytes("videos", n + ".poster", poster),
                media.putBytes("videos", n + ".thumb", thumb))
            : media.putFile("videos", n + ".mp4", file);
        f.await(60, TimeUnit.SECONDS);
        Thread.sleep(30);
        double ms = (cpu() - c0) / 1e6;
        if (i >= 10) {
          (three ? all : alone).add(ms);
        }
        Thread.sleep(50);
      }
      System.out.printf(Locale.ROOT, "CPU of all threads: three at once: median %.1f ms (n=%d); video alone: median %.1f ms (n=%d); ratio %.2f; load %s%n",
          EndToEnd.median(all), all.size(), EndToEnd.median(alone), alone.size(), EndToEnd.median(alone) / EndToEnd.median(all),
          BenchMachine.loadAverage());
      mongo.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
