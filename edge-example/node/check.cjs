// Runs the edge handler (this crate compiled to WebAssembly and bound for Node.js by wasm-bindgen)
// the way an edge runtime does, one Request in and one Response out, and checks every answer.
//
// Run by tests/node.rs, which starts the emulator and passes, in the environment:
//   PUSHER_EDGE_PKG     the wasm-bindgen output directory (pusher_edge_example.js)
//   PUSHER_URL          the emulator; PUSHER_ENCRYPTION_MASTER_KEY_BASE64 its master key
//   DEAD_PUSHER_URL     the same credentials on a port where nothing listens; SILENT_PUSHER_URL
//                       at a server that never answers; HUGE_PUSHER_URL at one announcing 1 TiB
//   SOCKET_ID           a connected subscriber's socket id, to authorize
//   WEBHOOK_KEY, WEBHOOK_SIGNATURE, WEBHOOK_BODY   a webhook the emulator sent
//
// Prints one JSON line per check: {"check", "ok", "error"?, "answer"?}; exits 1 if any failed.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`check.cjs: ${name} is not set (run by edge-example/tests/node.rs)`);
    process.exit(2);
  }
  return value;
}

const { handle } = require(path.join(required('PUSHER_EDGE_PKG'), 'pusher_edge_example.js'));
const env = {
  PUSHER_URL: required('PUSHER_URL'),
  PUSHER_ENCRYPTION_MASTER_KEY_BASE64: required('PUSHER_ENCRYPTION_MASTER_KEY_BASE64'),
};
const key = decodeURIComponent(new URL(env.PUSHER_URL).username);
const socketId = required('SOCKET_ID');
const webhook = {
  key: required('WEBHOOK_KEY'),
  signature: required('WEBHOOK_SIGNATURE'),
  body: required('WEBHOOK_BODY'),
};

/** One request through the handler, as a runtime makes it; the answer's status and JSON body. */
async function call(method, route, { json, form, headers = {}, withEnv = env } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = typeof json === 'string' ? json : JSON.stringify(json);
    init.headers['content-type'] = 'application/json';
  }
  if (form !== undefined) {
    init.body = new URLSearchParams(form).toString();
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await handle(new Request(`https://edge.example${route}`, init), withEnv);
  assert.ok(response instanceof Response, 'the handler answers with a Response');
  return { status: response.status, body: await response.json() };
}

const signature = new RegExp(`^${key.replace(/[.]/g, '\\.')}:[0-9a-f]{64}$`);

const checks = [
  ['triggers an event', async () => {
    const answer = await call('POST', '/events', {
      json: { channel: 'edge-public', event: 'greeting', data: { text: 'hello from the edge' } },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }],
  ['triggers an event on an encrypted channel', async () => {
    const answer = await call('POST', '/events', {
      json: { channel: 'private-encrypted-edge', event: 'secret', data: { text: 'for subscribers only' } },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }],
  ['queries a channel', async () => {
    const answer = await call('GET', '/channels/edge-public');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { occupied: true, subscription_count: 1 });
    return answer.body;
  }],
  ['authorizes a private subscription', async () => {
    const answer = await call('POST', '/pusher/auth', {
      form: { socket_id: socketId, channel_name: 'private-edge' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.match(answer.body.auth, signature);
    assert.equal(answer.body.channel_data, undefined);
    return answer.body;
  }],
  ['authorizes a presence subscription', async () => {
    const answer = await call('POST', '/pusher/auth', {
      form: { socket_id: socketId, channel_name: 'presence-edge' },
      headers: { 'x-user-id': 'edge-user' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.match(answer.body.auth, signature);
    assert.deepEqual(JSON.parse(answer.body.channel_data), {
      user_id: 'edge-user',
      user_info: { via: 'the edge' },
    });
    return answer.body;
  }],
  ['verifies a webhook', async () => {
    const answer = await call('POST', '/pusher/webhooks', {
      json: webhook.body,
      headers: { 'x-pusher-key': webhook.key, 'x-pusher-signature': webhook.signature },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.ok(answer.body.occupied.includes('edge-public'), JSON.stringify(answer.body));
    return answer.body;
  }],
  ['refuses a webhook whose body was changed', async () => {
    const answer = await call('POST', '/pusher/webhooks', {
      json: webhook.body.replace('edge-public', 'edge-public2'),
      headers: { 'x-pusher-key': webhook.key, 'x-pusher-signature': webhook.signature },
    });
    assert.equal(answer.status, 401, JSON.stringify(answer.body));
    assert.match(answer.body.error, /signature/i);
  }],
  ['refuses an invalid channel name before sending', async () => {
    const answer = await call('POST', '/events', {
      json: { channel: 'not a channel!', event: 'greeting', data: {} },
    });
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match(answer.body.error, /not a channel!/);
  }],
  ['says why the server refused a call', async () => {
    const wrongSecret = new URL(env.PUSHER_URL);
    wrongSecret.password = 'not-the-secret';
    const answer = await call('GET', '/channels/edge-public', {
      withEnv: { ...env, PUSHER_URL: wrongSecret.toString() },
    });
    assert.equal(answer.status, 502, JSON.stringify(answer.body));
    assert.match(answer.body.error, /Invalid signature/);
    assert.doesNotMatch(answer.body.error, /not-the-secret|auth_signature=/);
  }],
  ['says where a connection failed', async () => {
    const dead = new URL(required('DEAD_PUSHER_URL'));
    const answer = await call('GET', '/channels/edge-public', {
      withEnv: { ...env, PUSHER_URL: dead.toString() },
    });
    assert.equal(answer.status, 502, JSON.stringify(answer.body));
    assert.match(answer.body.error, new RegExp(`connecting to ${dead.host} failed: .*ECONNREFUSED`));
  }],
  ['gives up on a server that does not answer', async () => {
    const silent = new URL(required('SILENT_PUSHER_URL'));
    const started = Date.now();
    const answer = await call('GET', '/channels/edge-public', {
      withEnv: { ...env, PUSHER_URL: silent.toString() },
    });
    assert.equal(answer.status, 502, JSON.stringify(answer.body));
    assert.match(answer.body.error, new RegExp(`no complete response from ${silent.host} within 5 s`));
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  }],
  ['refuses a response body over the cap', async () => {
    const huge = new URL(required('HUGE_PUSHER_URL'));
    const answer = await call('GET', '/channels/edge-public', {
      withEnv: { ...env, PUSHER_URL: huge.toString() },
    });
    assert.equal(answer.status, 502, JSON.stringify(answer.body));
    assert.match(answer.body.error, /exceeds the limit of 8388608 bytes/);
  }],
];

(async () => {
  let failed = 0;
  for (const [check, run] of checks) {
    try {
      const answer = await run();
      console.log(JSON.stringify({ check, ok: true, answer }));
    } catch (error) {
      failed += 1;
      console.log(JSON.stringify({ check, ok: false, error: String(error && error.stack || error) }));
    }
  }
  process.exit(failed === 0 ? 0 : 1);
})();
