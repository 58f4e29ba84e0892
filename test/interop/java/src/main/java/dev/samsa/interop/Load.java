package dev.samsa.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A producer under load that keeps sending until its stdin closes, for the
 * restart and crash tests. Configuration (JSON):
 * {"topic", "partitions": n, "keyPrefix", "valueBytes"?, "window"?, "maxRecords"?,
 *  "producer": {as for produce, plus "deliveryTimeoutMs"?}}.
 *
 * Record i has key keyPrefix + i (eight digits), goes to partition i % n, and
 * its value is the text "key|" repeated to valueBytes bytes. At most window
 * records are unacknowledged at once. Prints one JSON line per event:
 * {"event": "started"}, {"event": "ack", "seq", "key", "partition", "offset"},
 * {"event": "error", "seq", "key", "error"}, and at the end
 * {"event": "done", "sent", "acked", "failed"}.
 */
final class Load {
  private Load() {}

  static String key(String prefix, long seq) {
    return prefix + String.format("%08d", seq);
  }

  static byte[] value(String key, int valueBytes) {
    StringBuilder text = new StringBuilder(valueBytes + key.length() + 1);
    while (text.length() < valueBytes) text.append(key).append('|');
    return text.substring(0, valueBytes).getBytes(StandardCharsets.UTF_8);
  }

  static void run(String bootstrap, Map<String, Object> config, PrintStream out) throws Exception {
    String topic = Json.str(config, "topic");
    int partitions = (int) Json.num(config, "partitions", 1);
    String prefix = Json.str(config, "keyPrefix", "k-");
    int valueBytes = (int) Json.num(config, "valueBytes", 32);
    long maxRecords = Json.num(config, "maxRecords", 1_000_000);
    Semaphore window = new Semaphore((int) Json.num(config, "window", 100));
    Map<String, Object> producerConfig = Json.object(config, "producer");
    Properties props = Clients.producerProps(bootstrap, producerConfig);
    long deliveryTimeoutMs = Json.num(producerConfig, "deliveryTimeoutMs", 120_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(deliveryTimeoutMs));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(deliveryTimeoutMs));
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    props.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "200");

    AtomicBoolean stop = new AtomicBoolean(false);
    Thread stdinWatcher = new Thread(() -> {
      drain(System.in);
      stop.set(true);
    }, "stdin-watcher");
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();

    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      emit(out, Json.obj("event", "started"));
      while (!stop.get() && sent < maxRecords) {
        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
        long seq = sent++;
        String key = key(prefix, seq);
        int partition = (int) (seq % partitions);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
            key.getBytes(StandardCharsets.UTF_8), value(key, valueBytes));
        producer.send(record, (metadata, error) -> {
          window.release();
          if (error == null) {
            acked.incrementAndGet();
            emit(out, Json.obj("event", "ack", "seq", seq, "key", key, "partition", metadata.partition(),
                "offset", metadata.offset()));
          } else {
            failed.incrementAndGet();
            emit(out, Json.obj("event", "error", "seq", seq, "key", key, "error", Harness.errorOf(error)));
          }
        });
      }
      producer.flush();
      producer.close(Duration.ofMillis(deliveryTimeoutMs));
    }
    emit(out, Json.obj("event", "done", "sent", sent, "acked", acked.get(), "failed", failed.get()));
  }

  private static void drain(InputStream in) {
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // Only the end of input matters.
      }
    } catch (IOException e) {
      // A broken stdin means the parent is gone: stop as if it closed.
    }
  }

  private static synchronized void emit(PrintStream out, Map<String, Object> event) {
    out.println(Json.write(event));
    out.flush();
  }
}
