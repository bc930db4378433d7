// Copyright 2026 the wsgiref authors. MIT license.
/**
 * The runtime edge for plain sockets: a TCP or Unix-socket listener on
 * `node:net`, which Deno and Node both provide, loaded on first use so that
 * importing the package never needs it. Used by `fastcgi.ts`.
 *
 * @module
 */

import type { Server, Socket } from "node:net";

/** What `fastcgi.ts` uses of a connection (a `node:net` `Socket`). */
export interface NetSocket {
  /** The peer's IP address; `undefined` on a Unix socket. */
  readonly remoteAddress?: string;
  /** Whether the socket was destroyed. */
  readonly destroyed: boolean;
  write(data: Uint8Array): boolean;
  cork(): void;
  uncork(): void;
  pause(): void;
  resume(): void;
  end(callback?: () => void): void;
  destroy(): void;
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "drain" | "close" | "end", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
}

/** Where to listen: a TCP port (0: a free one) or a Unix socket's path. */
export type NetListenOptions =
  | { hostname: string; port: number; path?: undefined }
  | { path: string; hostname?: undefined; port?: undefined };

/** A listening socket. */
export interface NetListener {
  /** The bound TCP port (`undefined` on a Unix socket). */
  port: number | undefined;
  /** Stops accepting; resolves once the listener closed. */
  close(): Promise<void>;
}

/**
 * Listens on `options`, calling `onConnection` for each connection.
 *
 * @returns Once listening.
 * @throws What `listen` failed with (`EADDRINUSE`, `EACCES`…).
 */
export async function listenNet(
  options: NetListenOptions,
  onConnection: (socket: NetSocket) => void,
): Promise<NetListener> {
  const { createServer } = await import("node:net");
  const server: Server = createServer(
    { noDelay: true },
    (socket: Socket) => onConnection(socket),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const listening = () => {
      server.off("error", reject);
      resolve();
    };
    if (options.path !== undefined) server.listen(options.path, listening);
    else server.listen(options.port, options.hostname, listening);
  });
  const address = server.address();
  const closed = new Promise<void>((resolve) => server.once("close", resolve));
  return {
    port: typeof address === "object" && address !== null
      ? address.port
      : undefined,
    close(): Promise<void> {
      if (server.listening) server.close();
      return closed;
    },
  };
}
