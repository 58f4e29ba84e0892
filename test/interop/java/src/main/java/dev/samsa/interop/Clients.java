package dev.samsa.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The produce and consume operations: a fresh client per request, closed before answering. */
final class Clients {
  private Clients() {}

  /**
   * {"producer": {"acks": "0"|"1"|"all", "compression": codec, "idempotence": bool,
   * "lingerMs", "batchSize", "props": {...}}, "records": [{"topic", "partition"?,
   * "key"?, "value"?, "headers"?: [{"key", "value"}], "timestamp"?}]}
   * answers {"acks": [{"partition", "offset", "timestamp"} or {"error"}]} in record order.
   */
  static Map<String, Object> produce(String bootstrap, Map<String, Object> request) {
    Properties props = producerProps(bootstrap, Json.object(request, "producer"));
    List<Map<String, Object>> records = Json.objects(request, "records");
    List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (Map<String, Object> record : records) futures.add(producer.send(toProducerRecord(record)));
      producer.flush();
    }
    List<Object> acks = new ArrayList<>(futures.size());
    for (Future<RecordMetadata> future : futures) {
      try {
        RecordMetadata metadata = future.get();
        acks.add(Json.obj(
            "partition", metadata.partition(),
            "offset", metadata.offset(),
            "timestamp", metadata.timestamp()));
      } catch (Exception e) {
        acks.add(Json.obj("error", Harness.errorOf(e)));
      }
    }
    return Json.obj("acks", acks);
  }

  static Properties producerProps(String bootstrap, Map<String, Object> config) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, Json.str(config, "acks", "all"));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, Json.str(config, "compression", "none"));
    props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(Json.num(config, "lingerMs", 5)));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    if (config.get("batchSize") != null) {
      props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(Json.num(config, "batchSize")));
    }
    if (config.get("idempotence") != null) {
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, String.valueOf(Json.bool(config, "idempotence", true)));
    }
    for (Map.Entry<String, Object> entry : Json.object(config, "props").entrySet()) {
      props.put(entry.getKey(), String.valueOf(entry.getValue()));
    }
    return props;
  }

  private static ProducerRecord<byte[], byte[]> toProducerRecord(Map<String, Object> record) {
    RecordHeaders headers = new RecordHeaders();
    for (Map<String, Object> header : Json.objects(record, "headers")) {
      headers.add(Json.str(header, "key"), Json.bytes(header, "value"));
    }
    Integer partition = record.get("partition") == null ? null : (int) Json.num(record, "partition");
    Long timestamp = record.get("timestamp") == null ? null : Json.num(record, "timestamp");
    return new ProducerRecord<>(
        Json.str(record, "topic"),
        partition,
        timestamp,
        Json.bytes(record, "key"),
        Json.bytes(record, "value"),
        headers);
  }

  /**
   * {"topic", "partitions": [{"partition", "offset"}], "count"?, "timeoutMs"?,
   * "props"?}: assigns the partitions, seeks each to its offset and reads until
   * every partition reaches the end offset it had at the start, or, with
   * "count", until that many records arrived. Answers {"records": [...]}.
   */
  static Map<String, Object> consume(String bootstrap, Map<String, Object> request) throws Exception {
    String topic = Json.str(request, "topic");
    long timeoutMs = Json.num(request, "timeoutMs", 30_000);
    long count = Json.num(request, "count", -1);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    for (Map.Entry<String, Object> entry : Json.object(request, "props").entrySet()) {
      props.put(entry.getKey(), String.valueOf(entry.getValue()));
    }
    Map<TopicPartition, Long> starts = new HashMap<>();
    for (Map<String, Object> p : Json.objects(request, "partitions")) {
      starts.put(new TopicPartition(topic, (int) Json.num(p, "partition")), Json.num(p, "offset", 0));
    }
    List<Object> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(starts.keySet());
      starts.forEach(consumer::seek);
      Map<TopicPartition, Long> ends = count >= 0 ? Map.of() : consumer.endOffsets(starts.keySet());
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      while (!done(consumer, ends, count, records.size())) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("consumed " + records.size() + " records of " + topic + " in " + timeoutMs
              + " ms; wanted " + (count >= 0 ? count + " records" : "end offsets " + ends));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(toJson(record));
        }
      }
    }
    return Json.obj("records", records);
  }

  private static boolean done(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends,
      long count, int received) {
    if (count >= 0) return received >= count;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) return false;
    }
    return true;
  }

  private static Map<String, Object> toJson(ConsumerRecord<byte[], byte[]> record) {
    List<Object> headers = new ArrayList<>();
    for (Header header : record.headers()) headers.add(Json.obj("key", header.key(), "value", header.value()));
    return Json.obj(
        "partition", record.partition(),
        "offset", record.offset(),
        "timestamp", record.timestamp(),
        "timestampType", record.timestampType().name,
        "leaderEpoch", record.leaderEpoch().orElse(-1),
        "key", record.key(),
        "value", record.value(),
        "headers", headers);
  }
}
