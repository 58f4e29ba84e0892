/**
 * A consumer-group member in its own process (for tests that kill it):
 * `node --import tsx test/support/kafkajs-member.ts <bootstrap> <topic> <group>`.
 * Prints `consumed <value>` for each record, then commits past it. Printing first
 * means every record the group's committed offset skips has been printed: one
 * killed between the two is only consumed again (at-least-once), never lost
 * from the test's view as it would be if the commit could land unprinted.
 */
import kafkajs from "kafkajs";

const [bootstrap, topic, group] = process.argv.slice(2);
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: [bootstrap], clientId: "member", logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: group, sessionTimeout: 3000, heartbeatInterval: 300 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ partition, message }) => {
    process.stdout.write(`consumed ${String(message.value)}\n`);
    await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
  },
});
