// Drives the Apache Kafka Java client against a broker so its requests can be
// recorded: Admin (create topics, describe), one idempotent acks=all producer
// per compression codec, and a consumer without a group (assign + seek) that
// reads every topic back. Record contents are fixed so the bytes differ only
// where the protocol makes them (timestamps, producer ids).
//
// Run as a single-file source program:
//   java -cp '<kafka libs>/*' GoldenCapture.java <bootstrap> <topic prefix>

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class GoldenCapture {
  static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
  static final int RECORDS_PER_CODEC = 3;
  static final String PANGRAM = "the quick brown fox jumps over the lazy dog.";
  static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

  public static void main(String[] args) throws Exception {
    if (args.length != 2) throw new IllegalArgumentException("usage: GoldenCapture <bootstrap> <topic prefix>");
    String bootstrap = args[0];
    String prefix = args[1];
    List<String> topics = new ArrayList<>();
    for (String codec : CODECS) topics.add(prefix + "-" + codec);
    administer(bootstrap, topics);
    for (String codec : CODECS) produce(bootstrap, prefix + "-" + codec, codec);
    consume(bootstrap, topics);
  }

  static void administer(String bootstrap, List<String> topics) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "golden-java-admin");
    try (Admin admin = Admin.create(props)) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (String topic : topics) newTopics.add(new NewTopic(topic, 1, (short) 1));
      admin.createTopics(newTopics).all().get();
      System.out.println("cluster nodes: " + admin.describeCluster().nodes().get());
      System.out.println("topics: " + admin.describeTopics(topics).allTopicNames().get().keySet());
    }
  }

  static void produce(String bootstrap, String topic, String codec) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "golden-java-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
    // Long enough that the records sent below leave as one batch.
    props.put(ProducerConfig.LINGER_MS_CONFIG, "50");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      System.out.println("partitions: " + producer.partitionsFor(topic));
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < RECORDS_PER_CODEC; i++) {
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(topic, 0, bytes("key-" + i), bytes(value(codec, i)));
        record.headers().add("trace", bytes("golden-" + i)).add("codec", bytes(codec));
        sent.add(producer.send(record));
      }
      producer.flush();
      for (Future<RecordMetadata> future : sent) System.out.println("produced " + future.get());
    }
  }

  static void consume(String bootstrap, List<String> topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "golden-java-consumer");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      // One topic at a time, so each Fetch response carries one codec.
      for (String topic : topics) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seek(partition, 0);
        int received = 0;
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (received < RECORDS_PER_CODEC) {
          if (System.nanoTime() > deadline) throw new IllegalStateException("timed out consuming " + topic);
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            received++;
            System.out.println("consumed " + topic + "@" + record.offset() + " " + text(record.key()));
          }
        }
      }
    }
  }

  static String value(String codec, int i) {
    // Repetitive on purpose: compressed batches should be visibly smaller.
    return "golden value " + i + " (" + codec + ") " + String.join(" ", Collections.nCopies(3, PANGRAM));
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
  }
}
