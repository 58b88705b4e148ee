// The page's side of the web demo. pusher-js connects to the Pusher server and asks this app to
// authorize each subscription (/pusher/auth) and to sign the user in (/pusher/user-auth); the
// app sends messages (/messages) and shows the room what the verified webhooks said.
//
// The user's name goes in the X-Demo-User header of every request to the app: the demo's stand-in
// for a session.
"use strict";

const ROOM = "presence-room";
const ENCRYPTED_ROOM = "private-encrypted-room";
const INBOX_PREFIX = "private-user-";

const $ = (id) => document.getElementById(id);

/** The connection to the Pusher server, once the user has joined. */
let pusher = null;

$("join").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("name").value.trim();
  const headers = { "X-Demo-User": name };
  const { key, options } = await (await fetch("/config")).json();
  pusher = new Pusher(key, {
    ...options,
    channelAuthorization: { endpoint: "/pusher/auth", transport: "ajax", headers },
    userAuthentication: { endpoint: "/pusher/user-auth", transport: "ajax", headers },
  });
  $("join").hidden = true;
  $("chat").hidden = false;
  join(name, headers);
});

/** Subscribes to the rooms and the user's inbox, signs in, and wires the page up. */
function join(name, headers) {
  const status = { connection: "connecting", signedIn: "signing in" };
  const showStatus = () => ($("status").textContent = `${name}: ${status.connection}, ${status.signedIn}`);
  pusher.connection.bind("state_change", ({ current }) => {
    status.connection = current;
    showStatus();
  });
  pusher.signin();
  pusher.user.signinDonePromise.then(() => {
    status.signedIn = "signed in";
    showStatus();
  });
  pusher.user.bind("pusher:signin_error", ({ error }) => {
    status.signedIn = `not signed in (${error})`;
    showStatus();
  });

  const room = pusher.subscribe(ROOM);
  for (const event of ["pusher:subscription_succeeded", "pusher:member_added", "pusher:member_removed"]) {
    room.bind(event, () => showMembers(room.members));
  }
  room.bind("activity", showActivity);
  for (const channel of [room, pusher.subscribe(ENCRYPTED_ROOM), pusher.subscribe(INBOX_PREFIX + name)]) {
    channel.bind("message", (message) => showMessage(channel.name, message));
    channel.bind("pusher:subscription_error", ({ status, error }) =>
      showMessage(channel.name, { from: "app", text: `cannot subscribe: ${status} ${error}` }),
    );
  }

  $("send").addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = { channel: $("to").value, text: $("text").value };
    const response = await fetch("/messages", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ ...message, socket_id: pusher.connection.socket_id }),
    });
    if (response.ok) {
      showMessage(message.channel, { from: name, text: message.text });
      $("text").value = "";
      $("send-error").textContent = "";
    } else {
      $("send-error").textContent = `not sent: ${await response.text()}`;
    }
  });
}

/** Lists the room's members, and offers each other member as a recipient. */
function showMembers(members) {
  const to = $("to");
  const chosen = to.value;
  $("members").replaceChildren();
  to.replaceChildren(new Option("everyone", ROOM), new Option("everyone, encrypted", ENCRYPTED_ROOM));
  members.each(({ id }) => {
    const me = id === members.me.id;
    $("members").append(item(me ? `${id} (you)` : id));
    if (!me) to.append(new Option(`${id} only`, INBOX_PREFIX + id));
  });
  to.value = [...to.options].some((option) => option.value === chosen) ? chosen : ROOM;
}

/** Shows a message with where it came: the room, the encrypted room or the inbox. */
function showMessage(channel, { from, text }) {
  const where = { [ROOM]: "everyone", [ENCRYPTED_ROOM]: "everyone, encrypted" }[channel] ?? "direct";
  const line = item("");
  line.dataset.channel = channel;
  line.append(span(`[${where}] `, "channel"), span(`${from}: ${text}`));
  $("messages").prepend(line);
}

/** Shows an event of a webhook the app verified. */
function showActivity({ event, channel, user_id }) {
  $("activity").prepend(item(`${event}${user_id ? ` ${user_id}` : ""} on ${channel}`));
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function span(text, className) {
  const element = document.createElement("span");
  element.textContent = text;
  if (className) element.className = className;
  return element;
}
