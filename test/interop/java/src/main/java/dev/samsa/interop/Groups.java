package dev.samsa.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The groupConsume operation: a KafkaConsumer in a consumer group (the classic
 * protocol unless "props" says otherwise) subscribed to topics.
 *
 * <pre>
 * {"groupId", "topics": [...] | "topicRegex", "protocol"?: "classic"|"consumer",
 *  "strategy"?: "range"|"cooperative-sticky"|"roundrobin"|"sticky"|class name (classic),
 *               or "uniform"|"range" (consumer: group.remote.assignor),
 *  "count", "assignedPartitions"?, "timeoutMs"?, "settleMs"?, "clientId"?, "props"?}
 * </pre>
 *
 * With "protocol": "consumer" the member uses KIP-848's ConsumerGroupHeartbeat
 * (assignment computed by the broker) and "topicRegex" is a broker-side
 * regex subscription (SubscriptionPattern); with classic it is a client-side
 * java.util.regex Pattern.
 *
 * Polls until it has seen "count" records and (when given) owns exactly
 * "assignedPartitions" partitions, or until "timeoutMs" passes; then keeps
 * polling for "settleMs" (records arriving then are kept, so a duplicate or
 * an unexpected record shows), commits synchronously and leaves the group.
 * Offsets of revoked partitions are committed in the rebalance callback.
 * Every change of assignment is reported as an event {"event": "assignment",
 * "assignment": [...]} before the answer {"records": [{"topic", "partition",
 * "offset", "key", "value"}], "assignment": [{"topic", "partition"}] (when the
 * polling stopped), "memberId", "generation", "timedOut"}.
 */
final class Groups {
  private Groups() {}

  static Map<String, Object> consume(String bootstrap, Map<String, Object> request,
      Consumer<Map<String, Object>> events) {
    boolean consumerProtocol = "consumer".equals(Json.str(request, "protocol", "classic"));
    String topicRegex = request.get("topicRegex") == null ? null : Json.str(request, "topicRegex");
    List<String> topics = topicRegex == null ? Json.strings(request, "topics") : List.of();
    long count = Json.num(request, "count");
    long assignedPartitions = Json.num(request, "assignedPartitions", -1);
    long timeoutMs = Json.num(request, "timeoutMs", 30_000);
    long settleMs = Json.num(request, "settleMs", 0);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, Json.str(request, "groupId"));
    if (consumerProtocol) {
      props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
      if (request.get("strategy") != null) {
        props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, Json.str(request, "strategy"));
      }
    } else {
      props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
      props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          assignor(Json.str(request, "strategy", "range")));
    }
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (request.get("clientId") != null) props.put(ConsumerConfig.CLIENT_ID_CONFIG, Json.str(request, "clientId"));
    for (Map.Entry<String, Object> entry : Json.object(request, "props").entrySet()) {
      props.put(entry.getKey(), String.valueOf(entry.getValue()));
    }

    Set<TopicPartition> owned = new HashSet<>();
    Map<TopicPartition, Long> consumed = new HashMap<>();
    List<Object> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          for (TopicPartition tp : partitions) {
            Long next = consumed.get(tp);
            if (next != null) offsets.put(tp, new OffsetAndMetadata(next));
          }
          if (!offsets.isEmpty()) consumer.commitSync(offsets);
          owned.removeAll(partitions);
          events.accept(Json.obj("event", "assignment", "assignment", toJson(owned)));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          owned.addAll(partitions);
          events.accept(Json.obj("event", "assignment", "assignment", toJson(owned)));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          owned.removeAll(partitions);
          events.accept(Json.obj("event", "assignment", "assignment", toJson(owned)));
        }
      };
      if (topicRegex == null) consumer.subscribe(topics, listener);
      else if (consumerProtocol) consumer.subscribe(new SubscriptionPattern(topicRegex), listener);
      else consumer.subscribe(Pattern.compile(topicRegex), listener);
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      boolean timedOut = false;
      for (;;) {
        poll(consumer, records, consumed, 100);
        if (records.size() >= count && (assignedPartitions < 0 || owned.size() == assignedPartitions)) break;
        if (System.nanoTime() > deadline) {
          timedOut = true;
          break;
        }
      }
      List<Object> assignment = toJson(owned);
      String memberId = consumer.groupMetadata().memberId();
      int generation = consumer.groupMetadata().generationId();
      long settleUntil = System.nanoTime() + settleMs * 1_000_000L;
      while (System.nanoTime() < settleUntil) poll(consumer, records, consumed, 100);
      consumer.commitSync();
      return Json.obj(
          "records", records,
          "assignment", assignment,
          "memberId", memberId,
          "generation", generation,
          "timedOut", timedOut);
    }
  }

  private static void poll(KafkaConsumer<byte[], byte[]> consumer, List<Object> records,
      Map<TopicPartition, Long> consumed, long ms) {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(ms))) {
      consumed.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
      records.add(Json.obj(
          "topic", record.topic(),
          "partition", record.partition(),
          "offset", record.offset(),
          "key", record.key(),
          "value", record.value()));
    }
  }

  private static String assignor(String strategy) {
    return switch (strategy) {
      case "range" -> RangeAssignor.class.getName();
      case "cooperative-sticky" -> CooperativeStickyAssignor.class.getName();
      case "roundrobin" -> RoundRobinAssignor.class.getName();
      case "sticky" -> StickyAssignor.class.getName();
      default -> strategy;
    };
  }

  private static List<Object> toJson(Collection<TopicPartition> partitions) {
    List<TopicPartition> sorted = new ArrayList<>(partitions);
    sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    List<Object> out = new ArrayList<>();
    for (TopicPartition tp : sorted) out.add(Json.obj("topic", tp.topic(), "partition", tp.partition()));
    return out;
  }
}
