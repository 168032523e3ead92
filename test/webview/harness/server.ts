/**
 * A local http server on 127.0.0.1 that plays the webview's resource origin: it
 * serves the page (rendered by the same renderInspectorHtml the extension uses)
 * and the files under media/. Nothing else is reachable through it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

export interface PageServer {
  /** The origin, e.g. http://127.0.0.1:41234 (the page's cspSource). */
  readonly origin: string;
  /** Serves `html` at `path` until replaced. */
  setPage(path: string, html: string): void;
  close(): Promise<void>;
}

export async function startPageServer(root: string): Promise<PageServer> {
  const pages = new Map<string, string>();
  const media = join(root, 'media');
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const page = pages.get(path);
    if (page !== undefined) {
      response.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      response.end(page);
      return;
    }
    if (path === '/favicon.ico') {
      // Chromium asks every page for one; a VS Code webview never does.
      response.writeHead(204).end();
      return;
    }
    const file = normalize(join(root, path));
    if (!path.startsWith('/media/') || !file.startsWith(media + sep)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setPage: (path, html) => {
      pages.set(path, html);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
