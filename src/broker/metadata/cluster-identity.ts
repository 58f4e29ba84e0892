/**
 * `meta.properties` in each log directory, as Kafka writes it: the cluster
 * id, this node's id and the directory's own id. Created on first start;
 * afterwards a mismatch (a directory from another cluster or node) stops the
 * broker rather than mixing data.
 *
 * Format: Java properties, `version=1`, `cluster.id`, `node.id`, `directory.id`.
 */
import { randomBytes } from "node:crypto";
import { writeFileDurably } from "../../storage/durable-file.ts";
import type { FileSystem } from "../../storage/file-system.ts";

export const META_PROPERTIES_FILE = "meta.properties";

export interface ClusterIdentity {
  clusterId: string;
  nodeId: number;
}

function parseProperties(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) values.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return values;
}

function newId(): string {
  return randomBytes(16).toString("base64url");
}

/** Reads or creates every log dir's meta.properties; all must agree. */
export async function loadClusterIdentity(
  fs: FileSystem,
  logDirs: readonly string[],
  nodeId: number,
): Promise<ClusterIdentity> {
  let clusterId: string | null = null;
  const missing: string[] = [];
  for (const dir of logDirs) {
    const bytes = await fs.readFile(`${dir}/${META_PROPERTIES_FILE}`);
    if (bytes === null) {
      missing.push(dir);
      continue;
    }
    const values = parseProperties(bytes.toString("utf8"));
    const foundNode = Number(values.get("node.id"));
    const foundCluster = values.get("cluster.id") ?? null;
    if (foundNode !== nodeId) {
      throw new Error(`${dir}/${META_PROPERTIES_FILE} belongs to node ${foundNode}, not node.id=${nodeId}`);
    }
    if (clusterId !== null && foundCluster !== clusterId) {
      throw new Error(`${dir} belongs to cluster ${foundCluster}, other log dirs to ${clusterId}`);
    }
    clusterId = foundCluster;
  }
  clusterId ??= newId();
  for (const dir of missing) {
    const text = `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\ndirectory.id=${newId()}\n`;
    await writeFileDurably(fs, `${dir}/${META_PROPERTIES_FILE}`, Buffer.from(text));
  }
  return { clusterId, nodeId };
}
