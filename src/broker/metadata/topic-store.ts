/**
 * The topics this broker knows: names, ids, partition counts and config
 * overrides, kept durably in `topics.json` in the first log directory and
 * rewritten atomically (temp file, fsync, rename, directory fsync) on every
 * change. A single node needs nothing more; a cluster replaces this with
 * the replicated metadata log.
 *
 * File format (JSON): { "version": 1, "topics": [ { "name", "topicId",
 * "partitions", "configs": { key: value }, "createdAtMs" } ] }
 */
import { randomBytes } from "node:crypto";
import { writeFileDurably } from "../../storage/durable-file.ts";
import type { FileSystem } from "../../storage/file-system.ts";

export interface TopicRecord {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
  readonly createdAtMs: number;
}

interface TopicsFile {
  version: 1;
  topics: TopicRecord[];
}

const FILE_NAME = "topics.json";

/** A random non-zero Kafka Uuid in its text form. */
export function newTopicId(): string {
  for (;;) {
    const bytes = randomBytes(16);
    if (bytes.some((b) => b !== 0)) return bytes.toString("base64url");
  }
}

export class TopicStore {
  private readonly byName = new Map<string, TopicRecord>();
  private readonly byId = new Map<string, TopicRecord>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
  ) {}

  static async load(fs: FileSystem, logDir: string): Promise<TopicStore> {
    const store = new TopicStore(fs, `${logDir}/${FILE_NAME}`);
    const bytes = await fs.readFile(store.path);
    if (bytes !== null) {
      const parsed = JSON.parse(bytes.toString("utf8")) as TopicsFile;
      if (parsed.version !== 1 || !Array.isArray(parsed.topics))
        throw new Error(`${store.path}: unknown format`);
      for (const topic of parsed.topics) store.index(topic);
    }
    return store;
  }

  private index(topic: TopicRecord): void {
    this.byName.set(topic.name, topic);
    this.byId.set(topic.topicId, topic);
  }

  get(name: string): TopicRecord | undefined {
    return this.byName.get(name);
  }

  getById(topicId: string): TopicRecord | undefined {
    return this.byId.get(topicId);
  }

  all(): TopicRecord[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Persists the current set; writes are serialized so the file always holds a whole, recent state. */
  private persist(): Promise<void> {
    const snapshot: TopicsFile = { version: 1, topics: this.all() };
    const write = this.writes.then(() =>
      writeFileDurably(this.fs, this.path, Buffer.from(`${JSON.stringify(snapshot, null, 1)}\n`)),
    );
    this.writes = write.catch(() => undefined);
    return write;
  }

  async create(
    name: string,
    partitions: number,
    configs: Record<string, string>,
    nowMs: number,
  ): Promise<TopicRecord> {
    const topic: TopicRecord = {
      name,
      topicId: newTopicId(),
      partitions,
      configs: { ...configs },
      createdAtMs: nowMs,
    };
    this.index(topic);
    await this.persist();
    return topic;
  }

  async delete(name: string): Promise<TopicRecord | undefined> {
    const topic = this.byName.get(name);
    if (topic === undefined) return undefined;
    this.byName.delete(name);
    this.byId.delete(topic.topicId);
    await this.persist();
    return topic;
  }

  async update(
    name: string,
    change: Partial<Pick<TopicRecord, "partitions" | "configs">>,
  ): Promise<TopicRecord> {
    const topic = this.byName.get(name);
    if (topic === undefined) throw new Error(`unknown topic ${name}`);
    const updated: TopicRecord = { ...topic, ...change };
    this.index(updated);
    await this.persist();
    return updated;
  }
}
