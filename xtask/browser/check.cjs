// The browser check of the web demo (examples/web-demo), run by `cargo xtask ci --only browser`
// (xtask/src/browser.rs): two users in headless Chromium, driven with playwright-core, use the page
// of the running demo as people would, and each check says what it saw.
//
// Environment: PLAYWRIGHT_CORE (path of the installed playwright-core package), CHROMIUM (the
// browser to run), DEMO_URL (the demo's page, e.g. http://127.0.0.1:3000/).
"use strict";

const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const DEMO_URL = process.env.DEMO_URL;
const WAIT_MS = 10_000;
/** The flags known to let Chromium start as root in a closed network. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The checks, in order; each later one relies on the earlier ones. */
const CHECKS = [
  ["the page loads pusher-js from the app", async ({ ada, bob }) => {
    for (const user of [ada, bob]) {
      const script = await user.page.request.get(new URL("/pusher.js", DEMO_URL).href, { maxRedirects: 0 });
      if (script.status() !== 200) throw new Error(`GET /pusher.js answered ${script.status()}, not the local copy`);
      await user.page.goto(DEMO_URL);
      const loaded = await user.page.evaluate(() => typeof Pusher);
      if (loaded !== "function") throw new Error(`window.Pusher is ${loaded} in ${user.name}'s page`);
    }
  }],
  ["two users join the room and each sees the other", async ({ ada, bob }) => {
    await join(ada);
    await join(bob);
    await expectText(ada.page, "#members li", "bob");
    await expectText(bob.page, "#members li", "ada");
  }],
  ["both are signed in (user authentication)", async ({ ada, bob }) => {
    await expectText(ada.page, "#status", "ada: connected, signed in");
    await expectText(bob.page, "#status", "bob: connected, signed in");
  }],
  ["a message typed by one appears for the other", async ({ ada, bob }) => {
    await send(ada, "presence-room", "hello from ada");
    await expectText(bob.page, '#messages li[data-channel="presence-room"]', "ada: hello from ada");
  }],
  ["a message on the encrypted channel arrives decrypted", async ({ ada, bob }) => {
    await send(bob, "private-encrypted-room", "a secret from bob");
    await expectText(ada.page, '#messages li[data-channel="private-encrypted-room"]', "bob: a secret from bob");
  }],
  ["a direct message reaches its recipient's inbox", async ({ ada, bob }) => {
    await send(ada, "private-user-bob", "just for bob");
    await expectText(bob.page, '#messages li[data-channel="private-user-bob"]', "ada: just for bob");
  }],
  ["another user's inbox is refused", async ({ ada }) => {
    const status = await ada.page.evaluate(
      (channel) =>
        new Promise((resolve) => {
          const inbox = pusher.subscribe(channel);
          inbox.bind("pusher:subscription_error", ({ status }) => resolve(status));
          inbox.bind("pusher:subscription_succeeded", () => resolve("subscribed"));
        }),
      "private-user-bob",
    );
    if (status !== 403) throw new Error(`subscribing ada to bob's inbox gave ${status}, expected 403`);
  }],
  ["the app verified the webhook for bob's arrival", async ({ ada }) => {
    await expectText(ada.page, "#activity li", "member_added bob on presence-room");
    const kept = await (await fetch(new URL("/webhooks", DEMO_URL))).json();
    const found = kept.some((a) => a.event === "member_added" && a.user_id === "bob" && a.channel === "presence-room");
    if (!found) throw new Error(`GET /webhooks has no member_added for bob: ${JSON.stringify(kept)}`);
  }],
];

/** Fills in the user's name and joins. */
async function join({ page, name }) {
  await page.fill("#name", name);
  await page.click("#join button");
}

/** Sends `text` to `channel` from the user's page. */
async function send({ page }, channel, text) {
  await page.selectOption("#to", channel, { timeout: WAIT_MS });
  await page.fill("#text", text);
  await page.click("#send button");
}

/** Waits until an element matching `selector` shows `text`. */
async function expectText(page, selector, text) {
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

/**
 * A user with a browser context (cookies, storage) of their own: their page, the uncaught errors
 * it raised, and what it wrote to its console (shown when a check fails).
 */
async function openUser(browser, name) {
  const page = await (await browser.newContext()).newPage();
  const user = { name, page, errors: [], console: [] };
  page.on("pageerror", (error) => user.errors.push(error.message));
  page.on("console", (message) => user.console.push(`${message.type()}: ${message.text()}`));
  return user;
}

async function main() {
  let browser;
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: CHROMIUM_FLAGS, timeout: 30_000 });
  } catch (error) {
    console.log(`browser: Chromium (${process.env.CHROMIUM}) did not start: ${error.message}`);
    return 1;
  }
  try {
    const users = { ada: await openUser(browser, "ada"), bob: await openUser(browser, "bob") };
    for (const [index, [name, check]] of CHECKS.entries()) {
      try {
        await check(users);
        // An uncaught error in a page fails the check that caused it.
        const errors = Object.values(users).flatMap((user) => user.errors.map((e) => `${user.name}'s page: ${e}`));
        if (errors.length > 0) throw new Error(errors.join("\n"));
        console.log(`test browser::${name} ... ok`);
      } catch (error) {
        console.log(`test browser::${name} ... FAILED\n${indent(error.message)}`);
        for (const user of Object.values(users)) {
          console.log(`  ${user.name}'s console:\n${indent(user.console.join("\n") || "(empty)")}`);
        }
        const notRun = CHECKS.slice(index + 1);
        for (const [later] of notRun) console.log(`test browser::${later} ... not run`);
        console.log(`browser: ${index} passed, 1 failed, ${notRun.length} not run`);
        return 1;
      }
    }
    console.log(`browser: ${CHECKS.length} passed, 0 failed`);
    return 0;
  } finally {
    await browser.close();
  }
}

function indent(text) {
  return text.replace(/^/gm, "    ");
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.log(`browser: ${error.stack}`);
    process.exit(1);
  },
);
