// Consumer-group rebalance timing for the groups benchmark (bench/groups.ts),
// with Apache Kafka's own Java consumer so both brokers face the same client.
//
//   RebalanceBench <bootstrap> <topic> <partitions> <group> <protocol> <assignor> <members> <joins>
//                  <timeoutMs> <quietMs> <phaseSpanMs>
//
// <protocol> is the consumer's group.protocol (classic or consumer); <assignor>
// is "default" (the client's partition.assignment.strategy for classic, the
// broker's default for consumer) or a classic assignor's class name.
//
// <members> consumers, each on its own thread and polling continuously, join
// <group> on <topic>; each tracks what it owns through its
// ConsumerRebalanceListener. Then, <joins> times, one more member subscribes
// and is timed until the group is stable again, and then closes and is timed
// until the group is stable without it. All timestamps come from one JVM's
// System.nanoTime().
//
// Members learn of a rebalance on their next heartbeat, and their heartbeat
// timers restart when a rebalance ends, so a join made a fixed time after the
// last one would always meet the same heartbeat phase and time little but
// that phase. Each join and each leave therefore waits an extra
// frac(k * 0.618) * <phaseSpanMs> (a low-discrepancy spread over one
// heartbeat interval, the same sequence on every broker) after the group is
// stable, as members joining at random moments would.
//
// Prints one JSON line per measurement:
//
//   {"event":"initial"|"join"|"leave","round":N,"members":M,"ms":T,"revoked":R}
//   {"event":"describe","assignor":"range","brokerMembers":10}   (at the end)
//   {"event":"error","message":"..."}                            (then exits with status 1)
//
// "Stable" means: every partition owned by exactly one current member, each
// member owning floor(P/M) or ceil(P/M) of them, and no assignment change for
// <quietMs>; the time reported is that of the last change before the quiet
// period, not the moment the quiet period ends.

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class RebalanceBench {
    // How long an application's poll() blocks when there is nothing to read; it bounds
    // how late a classic member notices that it must rejoin.
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long MONITOR_INTERVAL_MS = 5;
    private static final long CLOSE_WAIT_MS = 30_000;

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final String group;
    private final String protocol;
    private final String assignor;
    private final long timeoutMs;
    private final long quietMs;
    private final long phaseSpanMs;

    // Both change together, under this object's lock, whenever any member's assignment changes.
    private long version;
    private long lastChangeNanos;
    private final AtomicInteger revoked = new AtomicInteger();
    private final AtomicInteger nextMemberId = new AtomicInteger();
    private final List<Member> current = new CopyOnWriteArrayList<>();
    private final List<Member> everyMember = new CopyOnWriteArrayList<>();

    RebalanceBench(String[] args) {
        bootstrap = args[0];
        topic = args[1];
        partitions = Integer.parseInt(args[2]);
        group = args[3];
        protocol = args[4];
        assignor = args[5];
        timeoutMs = Long.parseLong(args[8]);
        quietMs = Long.parseLong(args[9]);
        phaseSpanMs = Long.parseLong(args[10]);
    }

    public static void main(String[] args) {
        if (args.length != 11)
            throw new IllegalArgumentException("usage: RebalanceBench <bootstrap> <topic> <partitions> <group> "
                + "<protocol> <assignor> <members> <joins> <timeoutMs> <quietMs> <phaseSpanMs>");
        RebalanceBench bench = new RebalanceBench(args);
        int status = 0;
        try {
            bench.run(Integer.parseInt(args[6]), Integer.parseInt(args[7]));
        } catch (Throwable error) {
            System.out.println("{\"event\":\"error\",\"message\":" + json(describe(error)) + "}");
            status = 1;
        }
        bench.closeAll();
        System.out.flush();
        // Member threads are daemons, but a consumer stuck in close() must not hold the result back.
        System.exit(status);
    }

    private void run(int members, int joins) throws Exception {
        List<Member> initial = new ArrayList<>();
        for (int i = 0; i < members; i++) initial.add(new Member());
        // The consumers are built before the clock starts; subscribing is what the clock times.
        long start = System.nanoTime();
        for (Member member : initial) member.start();
        report("initial", 0, awaitStable(start), 0);
        for (int round = 1; round <= joins; round++) {
            Member joiner = new Member();
            pause(2 * round - 1);
            int revokedBefore = revoked.get();
            long joinStart = System.nanoTime();
            joiner.start();
            report("join", round, awaitStable(joinStart), revoked.get() - revokedBefore);
            pause(2 * round);
            revokedBefore = revoked.get();
            long leaveStart = System.nanoTime();
            joiner.leave();
            report("leave", round, awaitStable(leaveStart), revoked.get() - revokedBefore);
        }
        // Last, so that the admin client's work never shifts the phase of a timed join or leave.
        describeGroup();
    }

    private void pause(int k) throws InterruptedException {
        double fraction = (k * 0.6180339887498949) % 1.0;
        Thread.sleep(Math.round(fraction * phaseSpanMs));
    }

    private void report(String event, int round, double ms, int revokedPartitions) {
        System.out.printf(Locale.ROOT, "{\"event\":\"%s\",\"round\":%d,\"members\":%d,\"ms\":%.1f,\"revoked\":%d}%n",
            event, round, current.size(), ms, revokedPartitions);
        System.out.flush();
    }

    /** The broker's view of the group, once: which assignor it ran and how many members it counts. */
    private void describeGroup() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            ConsumerGroupDescription description =
                admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
            System.out.println("{\"event\":\"describe\",\"assignor\":" + json(description.partitionAssignor())
                + ",\"brokerMembers\":" + description.members().size() + "}");
        } catch (Exception error) {
            // Informational only: the timings stand without it.
            System.out.println("{\"event\":\"describe\",\"error\":" + json(describe(error)) + "}");
        }
    }

    /** Milliseconds from {@code startNanos} to the last assignment change of the stable state that follows. */
    private double awaitStable(long startNanos) throws Exception {
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long quietNanos = TimeUnit.MILLISECONDS.toNanos(quietMs);
        for (;;) {
            for (Member member : everyMember) {
                Throwable failure = member.failure;
                if (failure != null) throw new IllegalStateException("member " + member.id + ": " + describe(failure));
            }
            long seenVersion;
            long changeNanos;
            List<Set<TopicPartition>> owned = new ArrayList<>();
            synchronized (this) {
                seenVersion = version;
                changeNanos = lastChangeNanos;
                for (Member member : current) owned.add(member.owned);
            }
            long now = System.nanoTime();
            if (balanced(owned) && changeNanos >= startNanos && now - changeNanos >= quietNanos) {
                synchronized (this) {
                    if (version == seenVersion) return (changeNanos - startNanos) / 1e6;
                }
            }
            if (now > deadline)
                throw new IllegalStateException("not stable after " + timeoutMs + " ms; partitions owned per member: "
                    + owned.stream().map(Set::size).toList());
            Thread.sleep(MONITOR_INTERVAL_MS);
        }
    }

    private boolean balanced(List<Set<TopicPartition>> owned) {
        int members = owned.size();
        if (members == 0) return false;
        int low = partitions / members;
        int high = (partitions + members - 1) / members;
        Set<TopicPartition> union = new HashSet<>();
        int total = 0;
        for (Set<TopicPartition> set : owned) {
            if (set.size() < low || set.size() > high) return false;
            union.addAll(set);
            total += set.size();
        }
        return total == partitions && union.size() == partitions;
    }

    private void closeAll() {
        for (Member member : everyMember) member.running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        for (Member member : everyMember) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) break;
            try {
                member.thread.join(left);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer(int id) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-member-" + id);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        if (!assignor.equals("default")) props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** One group member: its consumer is only ever used on its own thread, as KafkaConsumer requires. */
    private final class Member implements ConsumerRebalanceListener, Runnable {
        final int id = nextMemberId.incrementAndGet();
        final KafkaConsumer<byte[], byte[]> consumer = newConsumer(id);
        final Thread thread = new Thread(this, "member-" + id);
        // Written by the member's thread only; `owned` is the published immutable copy.
        private final Set<TopicPartition> mine = new HashSet<>();
        volatile Set<TopicPartition> owned = Set.of();
        volatile boolean running = true;
        volatile Throwable failure;

        Member() {
            thread.setDaemon(true);
            everyMember.add(this);
        }

        void start() {
            current.add(this);
            thread.start();
        }

        /** Out of the expected membership first, so that the group counts as stable only once its share is moved. */
        void leave() {
            current.remove(this);
            running = false;
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(List.of(topic), this);
                while (running) consumer.poll(POLL);
            } catch (Throwable error) {
                failure = error;
            } finally {
                try {
                    consumer.close();
                } catch (Throwable error) {
                    // Only a member that left closes while timed, and its leaving shows in the others' assignments.
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAndGet(partitions.size());
            remove(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            remove(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (mine.addAll(partitions)) publish();
        }

        private void remove(Collection<TopicPartition> partitions) {
            if (mine.removeAll(partitions)) publish();
        }

        // Under the bench's lock, so that the monitor never sees a new assignment with an old version.
        private void publish() {
            Set<TopicPartition> copy = Set.copyOf(mine);
            synchronized (RebalanceBench.this) {
                owned = copy;
                version++;
                lastChangeNanos = System.nanoTime();
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String text = error.toString();
        return root == error || text.contains(String.valueOf(root.getMessage())) ? text : text + " (caused by " + root + ")";
    }

    private static String json(String text) {
        if (text == null) return "null";
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
