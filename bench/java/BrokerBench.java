// Client-side helpers for the broker benchmark (bench/broker.ts), built on
// Apache Kafka's own Java clients so both brokers face the same client code.
// Each command prints one JSON line on stdout.
//
//   create-topics <bootstrap> <name>:<partitions>...
//       Creates the topics (replication factor 1) and waits until Metadata
//       gives every partition a leader.
//   consume <bootstrap> <topic> <records>
//       Reads <records> records from the beginning of every partition with an
//       assigned (group-less) consumer configured as Kafka's ConsumerPerformance
//       configures its consumer, and reports how long that took. Group-less
//       because ConsumerPerformance always subscribes through a consumer group.
//   latency <bootstrap> <topic> <acks> <recordsPerSecond> <warmupSeconds> <measureSeconds>
//       One producer at a fixed rate stamps each 100-byte value with
//       System.nanoTime(); one consumer in the same JVM (so the clocks agree)
//       records now - stamp. Records sent during the warm-up are not counted.

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class BrokerBench {
    private static final int VALUE_BYTES = 100;
    private static final long IDLE_TIMEOUT_MS = 30_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: BrokerBench <command> <bootstrap> ...");
        switch (args[0]) {
            case "create-topics" -> createTopics(args[1], Arrays.copyOfRange(args, 2, args.length));
            case "consume" -> consume(args[1], args[2], Long.parseLong(args[3]));
            case "latency" -> latency(args[1], args[2], args[3], Integer.parseInt(args[4]),
                Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void createTopics(String bootstrap, String[] specs) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        List<NewTopic> topics = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split(":");
            topics.add(new NewTopic(parts[0], Integer.parseInt(parts[1]), (short) 1));
        }
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
        // Leaders as Metadata reports them, which is what producers and consumers go by.
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "earliest")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (NewTopic topic : topics) {
                while (!led(consumer, topic)) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException(topic.name() + " has no leaders after 60 s");
                    Thread.sleep(50);
                }
            }
        }
        System.out.println("{\"created\":" + specs.length + "}");
    }

    private static boolean led(KafkaConsumer<byte[], byte[]> consumer, NewTopic topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic.name());
        return partitions.size() == topic.numPartitions() && partitions.stream().allMatch(p -> p.leader() != null);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String resetTo) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        // As ConsumerPerformance sets them (its --socket-buffer-size and --fetch-size defaults).
        props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "2097152");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1048576");
        props.put(ConsumerConfig.CHECK_CRCS_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "perf-consumer-client");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, resetTo);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static List<TopicPartition> assignAll(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) partitions.add(new TopicPartition(topic, info.partition()));
        consumer.assign(partitions);
        return partitions;
    }

    static void consume(String bootstrap, String topic, long target) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "earliest")) {
            consumer.seekToBeginning(assignAll(consumer, topic));
            long records = 0;
            long bytes = 0;
            long startNs = System.nanoTime();
            long lastRecordNs = startNs;
            while (records < target) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                if (batch.isEmpty()) {
                    if (now - lastRecordNs > TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS)) break;
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    records++;
                    bytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
                }
                lastRecordNs = now;
            }
            double elapsedMs = (lastRecordNs - startNs) / 1e6;
            System.out.printf(Locale.ROOT, "{\"records\":%d,\"bytes\":%d,\"elapsedMs\":%.3f}%n", records, bytes, elapsedMs);
        }
    }

    static void latency(String bootstrap, String topic, String acks, int rate, int warmupSeconds, int measureSeconds)
        throws Exception {
        long warmupRecords = (long) rate * warmupSeconds;
        long total = warmupRecords + (long) rate * measureSeconds;
        long[] latenciesNs = new long[(int) (total - warmupRecords)];
        AtomicLong measured = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean producerDone = new AtomicBoolean();
        KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "latest");
        List<TopicPartition> partitions = assignAll(consumer, topic);
        consumer.seekToEnd(partitions);
        for (TopicPartition partition : partitions) consumer.position(partition);
        Thread reader = new Thread(() -> {
            long deadline = Long.MAX_VALUE;
            while (measured.get() < latenciesNs.length && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    ByteBuffer value = ByteBuffer.wrap(record.value());
                    long sequence = value.getLong(8);
                    if (sequence < warmupRecords || measured.get() >= latenciesNs.length) continue;
                    latenciesNs[(int) measured.getAndIncrement()] = now - value.getLong(0);
                }
                // Once everything is sent, wait a bounded time for what is still on its way.
                if (producerDone.get() && deadline == Long.MAX_VALUE)
                    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS);
            }
            consumer.close();
        });
        reader.start();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        // As Kafka's EndToEndLatency tool: no batching delay on the producer side.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long intervalNs = 1_000_000_000L / rate;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long startNs = System.nanoTime();
            long sequence = 0;
            while (sequence < total) {
                long now = System.nanoTime();
                // Send every record that is due; parking is coarse, so a wake-up may find several.
                while (sequence < total && startNs + sequence * intervalNs <= now) {
                    ByteBuffer value = ByteBuffer.allocate(VALUE_BYTES);
                    value.putLong(0, System.nanoTime()).putLong(8, sequence);
                    producer.send(new ProducerRecord<>(topic, value.array()), (metadata, error) -> {
                        if (error != null) failures.incrementAndGet();
                    });
                    sequence++;
                }
                LockSupport.parkNanos(intervalNs);
            }
            producer.flush();
        }
        producerDone.set(true);
        reader.join();
        int count = (int) Math.min(measured.get(), latenciesNs.length);
        long[] sorted = Arrays.copyOf(latenciesNs, count);
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT,
            "{\"sent\":%d,\"measured\":%d,\"expected\":%d,\"failures\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f}%n",
            total, count, latenciesNs.length, failures.get(), percentileMs(sorted, 0.50), percentileMs(sorted, 0.99),
            percentileMs(sorted, 0.999), count == 0 ? Double.NaN : sorted[count - 1] / 1e6);
    }

    private static double percentileMs(long[] sorted, double quantile) {
        if (sorted.length == 0) return Double.NaN;
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
