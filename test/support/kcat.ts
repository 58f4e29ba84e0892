/** Runs Debian's kcat (librdkafka) as a child process, asynchronously (the broker may share this event loop). */
import { spawn } from "node:child_process";

export interface KcatResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const KCAT_TIMEOUT_MS = 60_000;

export function kcat(args: readonly string[], input?: string): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("kcat", args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`kcat ${args.join(" ")} did not finish within ${KCAT_TIMEOUT_MS} ms\n${stderr}`));
    }, KCAT_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}
