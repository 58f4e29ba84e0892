/**
 * The listening socket: accepts connections up to `max.connections`
 * (beyond that, new ones are closed at once) and hands each to a
 * Connection. Closing stops accepting, lets every connection finish the
 * requests it already holds, then closes them.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import type { Broker, Endpoint } from "./broker.ts";
import { Connection } from "./connection.ts";
import type { HandlerRegistry } from "./handler-registry.ts";

export class BrokerServer {
  private readonly connections = new Set<Connection>();

  private constructor(
    private readonly server: Server,
    private readonly broker: Broker,
    private readonly registry: HandlerRegistry,
    private readonly logger: Logger,
  ) {}

  static listen(broker: Broker, registry: HandlerRegistry, logger: Logger): Promise<BrokerServer> {
    const server = createServer({ noDelay: true });
    const instance = new BrokerServer(server, broker, registry, logger);
    server.on("connection", (socket) => instance.accept(socket));
    const { host, port } = broker.settings.listener;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port, backlog: 1024 }, () => {
        server.off("error", reject);
        resolve(instance);
      });
    });
  }

  address(): Endpoint {
    const address = this.server.address();
    if (address === null || typeof address === "string") return this.broker.settings.listener;
    return { host: address.address, port: address.port };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket): void {
    const settings = this.broker.settings;
    if (this.connections.size >= settings.maxConnections) {
      this.logger.warn({ client: `${socket.remoteAddress}:${socket.remotePort}` }, "max.connections reached");
      socket.destroy();
      return;
    }
    const connection = new Connection(
      socket,
      this.broker,
      this.registry,
      {
        maxRequestBytes: settings.socketRequestMaxBytes,
        maxQueuedRequests: settings.queuedMaxRequests,
        maxInFlightBytes: settings.maxInFlightBytesPerConnection,
        idleTimeoutMs: settings.connectionsMaxIdleMs,
      },
      this.logger,
      (closed) => this.connections.delete(closed),
    );
    this.connections.add(connection);
  }

  async close(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((connection) => connection.drain()));
    for (const connection of this.connections) connection.close("shutdown");
    await stopped;
  }
}
