/**
 * Runs a command-line client to completion with a deadline (SIGKILL of that
 * one process when it passes), stdout kept as bytes for byte-for-byte checks.
 */
import { spawn } from "node:child_process";

export interface CommandResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runCommand(
  command: string,
  args: readonly string[],
  options: { input?: Buffer | string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.stdin.on("error", () => undefined);
    const timer = setTimeout(() => {
      stderr += `\n(${command} killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout), stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Like runCommand, but a non-zero exit rejects with the command's output. */
export async function runCommandOk(
  command: string,
  args: readonly string[],
  options: { input?: Buffer | string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.code}\n${result.stdout.toString().slice(-2_000)}\n${result.stderr.slice(-4_000)}`,
    );
  }
  return result;
}
