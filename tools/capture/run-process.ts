// Runs a client program to completion with a deadline. The capture drives
// real clients as separate processes; one that hangs must not hang the capture.

import { spawn } from "node:child_process";

export interface ProcessResult {
  stdout: string;
  stderr: string;
}

export function runProcess(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; input?: string },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    // A program may exit without reading its input (EPIPE). Its exit status says
    // whether that mattered; the write error only goes into a failure message.
    let stdinError = "";
    child.stdin.on("error", (error) => {
      stdinError = `\n(stdin: ${error.message})`;
    });
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => {
      // Only the child we spawned (ChildProcess.kill signals its pid).
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const reason =
        signal === null ? `exit code ${code}` : `signal ${signal} (timeout ${options.timeoutMs} ms?)`;
      reject(
        new Error(`${command} ${args.join(" ")} failed with ${reason}\n${stderr.slice(-4_000)}${stdinError}`),
      );
    });
    child.stdin.end(options.input ?? "");
  });
}
