/**
 * Producer ids for InitProducerId. Ids must never repeat, even across
 * restarts, or a new producer could inherit an old one's sequence state.
 * They are handed out from blocks; the end of the current block is made
 * durable before any id in it is used, so after a crash allocation resumes
 * past every id that could have been given out.
 *
 * File `producer-id-block`: the decimal first id of the next block.
 */
import { writeFileDurably } from "../../storage/durable-file.ts";
import type { FileSystem } from "../../storage/file-system.ts";

const FILE_NAME = "producer-id-block";
const BLOCK_SIZE = 1000;

export class ProducerIdAllocator {
  private next = 0n;
  private blockEnd = 0n;
  private reserving: Promise<void> | null = null;

  private constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
  ) {}

  static async load(fs: FileSystem, logDir: string): Promise<ProducerIdAllocator> {
    const allocator = new ProducerIdAllocator(fs, `${logDir}/${FILE_NAME}`);
    const bytes = await fs.readFile(allocator.path);
    const start = bytes === null ? 0n : BigInt(bytes.toString("utf8").trim());
    allocator.next = start;
    allocator.blockEnd = start;
    return allocator;
  }

  async allocate(): Promise<bigint> {
    while (this.next >= this.blockEnd) {
      this.reserving ??= this.reserveBlock().finally(() => {
        this.reserving = null;
      });
      await this.reserving;
    }
    const id = this.next;
    this.next += 1n;
    return id;
  }

  private async reserveBlock(): Promise<void> {
    const end = this.blockEnd + BigInt(BLOCK_SIZE);
    await writeFileDurably(this.fs, this.path, Buffer.from(`${end}\n`));
    this.blockEnd = end;
  }
}
