import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How one mirror (the first path segment) behaves:
 * - serve: plain HTTP file server with Range support (206 / 416)
 * - missing: 404 for everything
 * - cut-once: the first request for each file sends half the body, then drops the connection
 * - ignore-range: always answers 200 with the whole file
 * - hang: sends the headers and half the body, then never finishes
 */
export type MirrorBehaviour = 'serve' | 'missing' | 'cut-once' | 'ignore-range' | 'hang';

export interface ServedRequest {
  readonly mirror: string;
  readonly file: string;
  readonly range: string | undefined;
  readonly acceptEncoding: string | undefined;
  status: number;
}

export interface MirrorServer {
  /** Base URL of a mirror, ending in "/". */
  url(mirror: string): string;
  readonly requests: ServedRequest[];
  /** Forgets the requests seen and which files were already cut. */
  reset(): void;
  close(): Promise<void>;
}

export async function startMirrorServer(
  files: ReadonlyMap<string, Buffer>,
  mirrors: Record<string, MirrorBehaviour>,
): Promise<MirrorServer> {
  const requests: ServedRequest[] = [];
  const cut = new Set<string>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const [, mirror = '', file = ''] = (req.url ?? '').split('/');
    const record: ServedRequest = {
      mirror,
      file,
      range: req.headers.range,
      acceptEncoding: req.headers['accept-encoding'],
      status: 0,
    };
    requests.push(record);
    const body = files.get(file);
    const behaviour = mirrors[mirror];
    const reply = (status: number, headers: Record<string, string | number>, payload?: Buffer): void => {
      record.status = status;
      res.writeHead(status, headers);
      res.end(payload);
    };
    if (body === undefined || behaviour === undefined || behaviour === 'missing') {
      reply(404, { 'content-type': 'text/plain' }, Buffer.from('not found'));
      return;
    }
    const half = body.subarray(0, body.length >> 1);
    if (behaviour === 'hang' || (behaviour === 'cut-once' && !cut.has(file))) {
      cut.add(file);
      record.status = 200;
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/gzip' });
      // Let the client take in the first half before the connection drops.
      res.write(half, () => {
        if (behaviour === 'cut-once') setTimeout(() => res.destroy(), 50);
      });
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (match === null || behaviour === 'ignore-range') {
      reply(200, { 'content-length': body.length, 'content-type': 'application/gzip' }, body);
      return;
    }
    const start = Number(match[1]);
    if (start >= body.length) {
      reply(416, { 'content-range': `bytes */${body.length}` });
      return;
    }
    reply(
      206,
      {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-type': 'application/gzip',
      },
      body.subarray(start),
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (mirror) => `http://127.0.0.1:${port}/${mirror}/`,
    requests,
    reset: () => {
      requests.length = 0;
      cut.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
