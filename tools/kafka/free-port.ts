// A loopback port that was free a moment ago. The kernel picks it; we release it
// for the real listener. Another process could take it in between, which is
// rare enough on a test machine that retrying the whole start is the remedy.

import net from "node:net";

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error("listener has no TCP address"));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
