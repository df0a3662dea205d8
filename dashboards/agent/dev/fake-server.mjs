// Serves the built dashboard (src/ProfileGrid.Gateway/wwwroot) and fakes `POST /v1/auth/token` and
// `GET /v1/customers/{id}` only, to try the sign-in and the layout without a gateway. The SignalR hub is not faked: use `?demo=1` for live data.
//   node dev/fake-server.mjs [port]     (default 5174)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../src/ProfileGrid.Gateway/wwwroot');
const port = Number(process.argv[2] ?? 5174);
const keys = { 'dev-agent-key-0001': 'agent', 'dev-admin-key-0001': 'admin', 'dev-producer-key-0001': 'producer' };
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };

const ann = {
  customerId: 'ann', seq: 3, asOf: new Date().toISOString(),
  traits: { identity: { name: 'Ann Lee', email: 'ann@example.com' }, descriptive: { plan: 'gold' }, qualitative: { rating: 5 } },
  consent: { email: true, sms: false }, firstSeen: '2026-11-23T09:00:00Z', lastSeen: '2026-11-23T10:01:57Z', channels: ['web', 'pos'],
  counters: { purchase: { '1h': { count: 1, sum: 19.99 }, '24h': { count: 1, sum: 19.99 }, '7d': { count: 1, sum: 19.99 }, '30d': { count: 1, sum: 19.99 }, total: { count: 1, sum: 19.99 }, lastHourByMinute: [...Array(59).fill(0), 1] } },
  recentActivity: [{ id: 'evt-1', type: 'purchase', timestamp: '2026-11-23T10:01:57Z', value: 19.99, channel: 'web', properties: { sku: 'A-1' } }],
};

function problem(res, status, title, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

async function api(req, res, path) {
  const role = keys[req.headers['x-api-key'] ?? ''];
  if (role === undefined) return problem(res, 401, 'Unauthorized', 'No or unknown API key.');
  if (role === 'producer') return problem(res, 403, 'Forbidden', 'This key may not read profiles.');
  const id = decodeURIComponent(path.slice('/v1/customers/'.length));
  if (id !== 'ann') return problem(res, 404, 'Not Found', `No customer '${id}' is known.`);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(ann));
}

async function file(res, path) {
  const target = normalize(join(root, path === '/' ? 'index.html' : path));
  const within = target.startsWith(root) && (await stat(target).catch(() => null))?.isFile();
  const chosen = within ? target : join(root, 'index.html');
  try {
    const body = await readFile(chosen);
    res.writeHead(200, { 'Content-Type': types[extname(chosen)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    problem(res, 404, 'Not Found', 'Build the dashboard first: npm run build');
  }
}

function token(req, res) {
  const role = keys[req.headers['x-api-key'] ?? ''];
  if (role === undefined) return problem(res, 401, 'Unauthorized', 'The API key is not valid.');
  if (role === 'producer') return problem(res, 403, 'Forbidden', "A key with the role 'producer' may not use this route.");
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ token: 'fake-token', expiresAt: new Date(Date.now() + 5 * 60_000).toISOString() }));
}

createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/v1/auth/token' && req.method === 'POST') return void token(req, res);
  if (path.startsWith('/v1/customers/') && req.method === 'GET') return void api(req, res, path);
  if (path.startsWith('/hubs/') || path.startsWith('/v1/')) return problem(res, 404, 'Not Found', 'Not faked here.');
  return void file(res, path);
}).listen(port, '127.0.0.1', () => console.log(`dashboard on http://127.0.0.1:${port}/  (demo: /?demo=1, keys: ${Object.keys(keys).join(', ')})`));
