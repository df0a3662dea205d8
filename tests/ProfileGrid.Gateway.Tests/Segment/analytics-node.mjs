// Sends the calls in the JSON file $1 with Segment's own Node library (@segment/analytics-node, installed at the
// repository root), configured with only the gateway as host and a write key; exits non-zero if any batch failed.
// Each call is {"method": "track" | "identify" | "page" | "screen" | "group" | "alias", "message": {...}}.
import { readFileSync } from 'node:fs';
import { Analytics } from '@segment/analytics-node';

const [file] = process.argv.slice(2);
const { host, writeKey, calls } = JSON.parse(readFileSync(file, 'utf8'));
const analytics = new Analytics({ writeKey, host, flushAt: 20, flushInterval: 200, maxRetries: 2 });
let failed = 0;
analytics.on('error', (error) => {
  failed++;
  console.error('analytics-node error:', error?.reason?.message ?? error?.message ?? JSON.stringify(error));
});
analytics.on('http_response', (response) => console.log(`POST ${response.url} -> ${response.status}`));
for (const { method, message } of calls) analytics[method](message);
await analytics.closeAndFlush({ timeout: 20000 });
process.exit(failed === 0 ? 0 : 1);
