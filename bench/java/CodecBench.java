// The Java side of bench/codec.ts: the same workloads through Apache Kafka's
// own generated message classes and java.util.zip.CRC32C, in the same run.
// Run with: java -cp '<kafka libs>/*' bench/java/CodecBench.java <recordsBytes> <partitions>
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;

public class CodecBench {
  static final long WARMUP_MS = 300, MEASURE_MS = 1500;

  interface Op { void run(); }

  static void measure(String name, long bytesPerOp, Op op) {
    runFor(WARMUP_MS, op);
    long[] r = runFor(MEASURE_MS, op);
    double opsPerSecond = r[0] * 1e9 / r[1];
    System.out.printf("{\"name\":\"%s\",\"opsPerSecond\":%.1f,\"megabytesPerSecond\":%.1f}%n",
        name, opsPerSecond, opsPerSecond * bytesPerOp / 1e6);
  }

  static long[] runFor(long ms, Op op) {
    long start = System.nanoTime(), now = start, ops = 0;
    int batch = 1;
    while (now - start < ms * 1_000_000L) {
      for (int i = 0; i < batch; i++) op.run();
      ops += batch;
      now = System.nanoTime();
      if (batch < 1024) batch *= 2;
    }
    return new long[] {ops, now - start};
  }

  static volatile Object sink;

  public static void main(String[] args) {
    int recordsBytes = Integer.parseInt(args[0]);
    int partitions = Integer.parseInt(args[1]);
    int perPartition = recordsBytes / partitions;
    byte[] payload = new byte[perPartition];
    for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31);

    ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30000);
    ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("bench-topic");
    FetchResponseData fetch = new FetchResponseData();
    FetchResponseData.FetchableTopicResponse fetchTopic = new FetchResponseData.FetchableTopicResponse().setTopic("bench-topic");
    List<FetchResponseData.PartitionData> fetchPartitions = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(payload));
      topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(p).setRecords(records));
      fetchPartitions.add(new FetchResponseData.PartitionData().setPartitionIndex(p).setHighWatermark(1000).setRecords(records));
    }
    produce.topicData().add(topic);
    fetchTopic.setPartitions(fetchPartitions);
    fetch.responses().add(fetchTopic);

    for (short version : new short[] {7, 13}) {
      ProduceRequestData data = produce.duplicate();
      if (version >= 13) data.topicData().forEach(t -> t.setName("").setTopicId(org.apache.kafka.common.Uuid.randomUuid()));
      ByteBuffer encoded = MessageUtil.toByteBufferAccessor(data, version).buffer();
      measure("produce v" + version + " encode", recordsBytes, () -> sink = MessageUtil.toByteBufferAccessor(data, version));
      measure("produce v" + version + " decode", recordsBytes, () -> sink = new ProduceRequestData(new ByteBufferAccessor(encoded.duplicate()), version));
    }
    for (short version : new short[] {11, 17}) {
      ByteBuffer encoded = MessageUtil.toByteBufferAccessor(fetch, version).buffer();
      measure("fetch v" + version + " encode", recordsBytes, () -> sink = MessageUtil.toByteBufferAccessor(fetch, version));
      measure("fetch v" + version + " decode", recordsBytes, () -> sink = new FetchResponseData(new ByteBufferAccessor(encoded.duplicate()), version));
    }
    byte[] crcInput = new byte[recordsBytes];
    for (int i = 0; i < crcInput.length; i++) crcInput[i] = (byte) (i * 7);
    measure("crc32c 1 MiB", recordsBytes, () -> { CRC32C c = new CRC32C(); c.update(crcInput, 0, crcInput.length); sink = c.getValue(); });
  }
}
