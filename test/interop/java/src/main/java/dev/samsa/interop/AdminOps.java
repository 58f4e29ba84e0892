package dev.samsa.interop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/** Admin operations on one long-lived Admin client. Per-item failures are answered as {"error"}, not thrown. */
final class AdminOps implements AutoCloseable {
  private static final long TIMEOUT_MS = 30_000;
  private final Admin admin;

  AdminOps(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT_MS));
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    admin = Admin.create(props);
  }

  Map<String, Object> run(String op, Map<String, Object> request) throws Exception {
    return switch (op) {
      case "createTopics" -> createTopics(request);
      case "listTopics" -> listTopics(request);
      case "describeTopics" -> describeTopics(request);
      case "deleteTopics" -> deleteTopics(request);
      case "createPartitions" -> createPartitions(request);
      case "listOffsets" -> listOffsets(request);
      case "deleteRecords" -> deleteRecords(request);
      case "describeCluster" -> describeCluster();
      case "describeConfigs" -> describeConfigs(request);
      case "alterConfigs" -> alterConfigs(request);
      default -> throw new IllegalArgumentException("unknown op '" + op + "'");
    };
  }

  private static <T> Map<String, Object> outcome(KafkaFuture<T> future, Function<T, Map<String, Object>> ok) {
    try {
      return ok.apply(future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      return Json.obj("error", Harness.errorOf(e));
    }
  }

  /** {"topics": [{"name", "partitions"?, "replicationFactor"?, "configs"?: {k: v}}]}. */
  private Map<String, Object> createTopics(Map<String, Object> request) {
    List<NewTopic> topics = new ArrayList<>();
    for (Map<String, Object> topic : Json.objects(request, "topics")) {
      Optional<Integer> partitions = topic.get("partitions") == null
          ? Optional.empty() : Optional.of((int) Json.num(topic, "partitions"));
      Optional<Short> replicationFactor = topic.get("replicationFactor") == null
          ? Optional.empty() : Optional.of((short) Json.num(topic, "replicationFactor"));
      Map<String, String> configs = new HashMap<>();
      Json.object(topic, "configs").forEach((key, value) -> configs.put(key, String.valueOf(value)));
      topics.add(new NewTopic(Json.str(topic, "name"), partitions, replicationFactor).configs(configs));
    }
    CreateTopicsResult result = admin.createTopics(topics);
    List<Object> results = new ArrayList<>();
    for (NewTopic topic : topics) {
      String name = topic.name();
      Map<String, Object> entry = Json.obj("name", name);
      entry.putAll(outcome(result.values().get(name), ignored -> {
        Map<String, Object> created = outcome(result.numPartitions(name), n -> Json.obj("partitions", n));
        created.putAll(outcome(result.topicId(name), id -> Json.obj("topicId", id.toString())));
        return created;
      }));
      results.add(entry);
    }
    return Json.obj("results", results);
  }

  private Map<String, Object> listTopics(Map<String, Object> request) throws Exception {
    ListTopicsOptions options = new ListTopicsOptions().listInternal(Json.bool(request, "internal", false));
    List<String> names = new ArrayList<>(admin.listTopics(options).names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    names.sort(String::compareTo);
    return Json.obj("topics", names);
  }

  /** {"topics": [names]} answers {"topics": [{"name", "topicId", "internal", "partitions"} or {"name", "error"}]}. */
  private Map<String, Object> describeTopics(Map<String, Object> request) {
    List<String> names = Json.strings(request, "topics");
    DescribeTopicsResult result = admin.describeTopics(names);
    List<Object> topics = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> answer = outcome(result.topicNameValues().get(name), AdminOps::describe);
      if (answer.containsKey("error")) answer = Json.obj("name", name, "error", answer.get("error"));
      topics.add(answer);
    }
    return Json.obj("topics", topics);
  }

  private static Map<String, Object> describe(TopicDescription description) {
    List<Object> partitions = new ArrayList<>();
    for (TopicPartitionInfo info : description.partitions()) {
      partitions.add(Json.obj(
          "partition", info.partition(),
          "leader", info.leader() == null ? -1 : info.leader().id(),
          "replicas", ids(info.replicas()),
          "isr", ids(info.isr())));
    }
    return Json.obj(
        "name", description.name(),
        "topicId", description.topicId().toString(),
        "internal", description.isInternal(),
        "partitions", partitions);
  }

  private static List<Object> ids(Collection<Node> nodes) {
    List<Object> ids = new ArrayList<>();
    for (Node node : nodes) ids.add(node.id());
    return ids;
  }

  private Map<String, Object> deleteTopics(Map<String, Object> request) {
    List<String> names = Json.strings(request, "topics");
    Map<String, KafkaFuture<Void>> futures = admin.deleteTopics(names).topicNameValues();
    List<Object> results = new ArrayList<>();
    for (String name : names) {
      Map<String, Object> entry = Json.obj("name", name);
      entry.putAll(outcome(futures.get(name), ignored -> Json.obj()));
      results.add(entry);
    }
    return Json.obj("results", results);
  }

  /** {"topic", "count"}: grows the topic to count partitions. */
  private Map<String, Object> createPartitions(Map<String, Object> request) {
    String topic = Json.str(request, "topic");
    Map<String, NewPartitions> change = Map.of(topic, NewPartitions.increaseTo((int) Json.num(request, "count")));
    return outcome(admin.createPartitions(change).all(), ignored -> Json.obj());
  }

  /**
   * {"topic", "partitions": [p...], "spec": "earliest"|"latest"|"max-timestamp"|"earliest-local"
   * or {"timestamp": ms}, "isolationLevel"?} answers {"offsets": [{"partition", "offset",
   * "timestamp", "leaderEpoch"} or {"partition", "error"}]}.
   */
  private Map<String, Object> listOffsets(Map<String, Object> request) {
    String topic = Json.str(request, "topic");
    Object specValue = request.get("spec");
    OffsetSpec spec;
    if (specValue instanceof Map<?, ?>) {
      spec = OffsetSpec.forTimestamp(Json.num(Json.object(request, "spec"), "timestamp"));
    } else {
      spec = switch (Json.str(request, "spec")) {
        case "earliest" -> OffsetSpec.earliest();
        case "latest" -> OffsetSpec.latest();
        case "max-timestamp" -> OffsetSpec.maxTimestamp();
        case "earliest-local" -> OffsetSpec.earliestLocal();
        default -> throw new IllegalArgumentException("unknown offset spec " + specValue);
      };
    }
    Map<TopicPartition, OffsetSpec> wanted = new LinkedHashMap<>();
    for (Object p : (List<?>) request.get("partitions")) wanted.put(new TopicPartition(topic, ((Long) p).intValue()), spec);
    ListOffsetsOptions options = new ListOffsetsOptions(
        "read_committed".equals(Json.str(request, "isolationLevel", "read_uncommitted"))
            ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
    var result = admin.listOffsets(wanted, options);
    List<Object> offsets = new ArrayList<>();
    for (TopicPartition tp : wanted.keySet()) {
      Map<String, Object> answer = outcome(result.partitionResult(tp), (ListOffsetsResultInfo info) -> Json.obj(
          "offset", info.offset(),
          "timestamp", info.timestamp(),
          "leaderEpoch", info.leaderEpoch().orElse(-1)));
      Map<String, Object> entry = Json.obj("partition", tp.partition());
      entry.putAll(answer);
      offsets.add(entry);
    }
    return Json.obj("offsets", offsets);
  }

  /** {"topic", "partitions": [{"partition", "beforeOffset"}]} answers {"results": [{"partition", "lowWatermark"}]}. */
  private Map<String, Object> deleteRecords(Map<String, Object> request) {
    String topic = Json.str(request, "topic");
    Map<TopicPartition, RecordsToDelete> wanted = new LinkedHashMap<>();
    for (Map<String, Object> p : Json.objects(request, "partitions")) {
      wanted.put(new TopicPartition(topic, (int) Json.num(p, "partition")),
          RecordsToDelete.beforeOffset(Json.num(p, "beforeOffset")));
    }
    var futures = admin.deleteRecords(wanted).lowWatermarks();
    List<Object> results = new ArrayList<>();
    for (TopicPartition tp : wanted.keySet()) {
      Map<String, Object> entry = Json.obj("partition", tp.partition());
      entry.putAll(outcome(futures.get(tp), low -> Json.obj("lowWatermark", low.lowWatermark())));
      results.add(entry);
    }
    return Json.obj("results", results);
  }

  private Map<String, Object> describeCluster() throws Exception {
    DescribeClusterResult result = admin.describeCluster();
    List<Object> nodes = new ArrayList<>();
    for (Node node : result.nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS)) nodes.add(node(node));
    Node controller = result.controller().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return Json.obj(
        "clusterId", result.clusterId().get(TIMEOUT_MS, TimeUnit.MILLISECONDS),
        "controller", controller == null ? null : node(controller),
        "nodes", nodes);
  }

  private static Map<String, Object> node(Node node) {
    return Json.obj("id", node.id(), "host", node.host(), "port", node.port(), "rack", node.rack());
  }

  private static ConfigResource resource(Map<String, Object> spec) {
    String type = Json.str(spec, "type");
    ConfigResource.Type kind = switch (type) {
      case "topic" -> ConfigResource.Type.TOPIC;
      case "broker" -> ConfigResource.Type.BROKER;
      default -> throw new IllegalArgumentException("unknown resource type " + type);
    };
    return new ConfigResource(kind, Json.str(spec, "name"));
  }

  /** {"resources": [{"type": "topic"|"broker", "name"}]} answers {"configs": [{"type", "name", "entries"}]}. */
  private Map<String, Object> describeConfigs(Map<String, Object> request) {
    List<ConfigResource> resources = new ArrayList<>();
    for (Map<String, Object> spec : Json.objects(request, "resources")) resources.add(resource(spec));
    Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(resources).values();
    List<Object> configs = new ArrayList<>();
    for (ConfigResource resource : resources) {
      Map<String, Object> entry = Json.obj("type", resource.type().name().toLowerCase(), "name", resource.name());
      entry.putAll(outcome(futures.get(resource), config -> {
        List<Object> entries = new ArrayList<>();
        for (ConfigEntry e : config.entries()) {
          entries.add(Json.obj(
              "name", e.name(),
              "value", e.value(),
              "source", e.source().name(),
              "isDefault", e.isDefault(),
              "isReadOnly", e.isReadOnly(),
              "isSensitive", e.isSensitive()));
        }
        return Json.obj("entries", entries);
      }));
      configs.add(entry);
    }
    return Json.obj("configs", configs);
  }

  /**
   * Incremental: {"resources": [{"type", "name", "ops": [{"op": "set"|"delete"|"append"|"subtract",
   * "name", "value"?}]}]} answers {"results": [{"type", "name"} or with "error"]}.
   */
  private Map<String, Object> alterConfigs(Map<String, Object> request) {
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
    for (Map<String, Object> spec : Json.objects(request, "resources")) {
      List<AlterConfigOp> ops = new ArrayList<>();
      for (Map<String, Object> op : Json.objects(spec, "ops")) {
        AlterConfigOp.OpType type = switch (Json.str(op, "op")) {
          case "set" -> AlterConfigOp.OpType.SET;
          case "delete" -> AlterConfigOp.OpType.DELETE;
          case "append" -> AlterConfigOp.OpType.APPEND;
          case "subtract" -> AlterConfigOp.OpType.SUBTRACT;
          default -> throw new IllegalArgumentException("unknown config op " + op.get("op"));
        };
        ops.add(new AlterConfigOp(new ConfigEntry(Json.str(op, "name"), Json.str(op, "value", null)), type));
      }
      changes.put(resource(spec), ops);
    }
    var futures = admin.incrementalAlterConfigs(changes).values();
    List<Object> results = new ArrayList<>();
    for (ConfigResource resource : changes.keySet()) {
      Map<String, Object> entry = Json.obj("type", resource.type().name().toLowerCase(), "name", resource.name());
      entry.putAll(outcome(futures.get(resource), ignored -> Json.obj()));
      results.add(entry);
    }
    return Json.obj("results", results);
  }

  @Override
  public void close() {
    admin.close();
  }
}
