// A tiny static file server for the built app (dist/), loopback only.
//
// Library:  const srv = await startStaticServer({ root }); srv.url; await srv.close();
// CLI:      node static-server.mjs [dir=../../dist] [port=0]
//
// Serves .wasm as application/wasm (needed for WebAssembly.instantiateStreaming),
// sends no-store caching headers, refuses paths outside the root, and answers
// "/" and directories with their index.html. Missing files are a plain 404 (no SPA
// fallback), so a broken asset link shows up in the tests as an HTTP error.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export function contentType(file) {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function resolveFile(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const full = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  try {
    const st = await stat(full);
    if (st.isFile()) return { full, size: st.size };
    if (st.isDirectory()) {
      const index = path.join(full, 'index.html');
      const ist = await stat(index);
      if (ist.isFile()) return { full: index, size: ist.size };
    }
  } catch {
    // fall through: not found
  }
  return null;
}

/**
 * Start serving `root` on 127.0.0.1.
 * @param {{ root: string, port?: number, log?: (line: string) => void }} options
 *   port 0 (the default) picks a random free port.
 * @returns {Promise<{ url: string, port: number, root: string, close: () => Promise<void> }>}
 */
export async function startStaticServer({ root, port = 0, log } = {}) {
  if (!root) throw new Error('startStaticServer: root is required');
  const absRoot = path.resolve(root);
  const st = await stat(absRoot).catch(() => null);
  if (!st || !st.isDirectory()) {
    throw new Error(`static server: ${absRoot} is not a directory (run \`make build\` first?)`);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const done = (status) => log?.(`${status} ${req.method} ${url.pathname}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return done(405);
    }
    const found = await resolveFile(absRoot, url.pathname);
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`not found: ${url.pathname}\n`);
      return done(404);
    }
    res.writeHead(200, {
      'Content-Type': contentType(found.full),
      'Content-Length': found.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return done(200);
    }
    const stream = createReadStream(found.full);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    done(200);
  });

  // Keep-alive sockets would hold close() open; track and destroy them.
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  return {
    url: `http://${HOST}:${actualPort}/`,
    port: actualPort,
    root: absRoot,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// CLI: serve a directory until interrupted.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = process.argv[2] ?? process.env.ZABSCOPE_DIST ?? path.join(here, '../../dist');
  const port = Number(process.argv[3] ?? 0);
  const srv = await startStaticServer({ root, port, log: (l) => console.log(l) });
  console.log(`serving ${srv.root} at ${srv.url} (Ctrl-C to stop)`);
  const stop = async () => {
    await srv.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
