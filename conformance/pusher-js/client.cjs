// A pusher-js client (the browser library, run under Node.js) driven by the pusher-js check in
// conformance/src/pusher_js.rs. It speaks JSON lines: what it sees goes to stdout, and answers to
// its authorization requests come back on stdin, computed by the Rust library.
//
// Environment: PUSHER_JS_MODULE (path of the installed pusher-js package), PUSHER_KEY, WS_HOST,
// WS_PORT, CHANNELS (comma-separated channels to subscribe to).
"use strict";

const readline = require("readline");
const Pusher = require(process.env.PUSHER_JS_MODULE);

const out = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const pending = new Map();
let nextId = 0;
const ask = (request, callback) => {
  const id = ++nextId;
  pending.set(id, callback);
  out({ ...request, id });
};

// Lines from the driver: {"command": "signin"}, or the answer {"id", "response"} to a request.
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const { command, id, response, error } = JSON.parse(line);
  if (command === "signin") return pusher.signin();
  const callback = pending.get(id);
  pending.delete(id);
  if (callback) callback(error ? new Error(error) : null, response);
});

const pusher = new Pusher(process.env.PUSHER_KEY, {
  cluster: "mt1",
  wsHost: process.env.WS_HOST,
  wsPort: Number(process.env.WS_PORT),
  forceTLS: false,
  enabledTransports: ["ws"],
  channelAuthorization: {
    customHandler: (params, callback) =>
      ask({ type: "channel_auth", socket_id: params.socketId, channel: params.channelName }, callback),
  },
  userAuthentication: {
    customHandler: (params, callback) => ask({ type: "user_auth", socket_id: params.socketId }, callback),
  },
});

pusher.connection.bind("state_change", ({ current }) => {
  out({ type: "state", current });
  if (current === "connected") {
    out({ type: "connected", socket_id: pusher.connection.socket_id });
  }
});

pusher.connection.bind("connected", () => {
  for (const name of process.env.CHANNELS.split(",")) {
    const channel = pusher.subscribe(name);
    channel.bind("pusher:subscription_succeeded", (members) => {
      const ids = members && members.each ? [] : undefined;
      if (ids) members.each((member) => ids.push(member.id));
      out({ type: "subscribed", channel: name, members: ids });
    });
    channel.bind("pusher:subscription_error", (error) => out({ type: "subscription_error", channel: name, error }));
    channel.bind_global((event, data) => {
      if (!event.startsWith("pusher:")) out({ type: "event", channel: name, event, data });
    });
  }
});

pusher.user.bind_global((event, data) => {
  if (!event.startsWith("pusher:")) out({ type: "user_event", event, data });
});

process.on("SIGTERM", () => process.exit(0));
