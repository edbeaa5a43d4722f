// Shared helpers of the browser tests: Chromium launch, TOTP, sign-in, axe.
import { createHmac } from "node:crypto";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const BASE = process.env.NETRA_E2E_URL;
export const PASSWORD = process.env.NETRA_E2E_PASSWORD;
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function launch() {
  return chromium.launch({
    executablePath: process.env.NETRA_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

function base32(s) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of s.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

/** RFC 6238 code for `secret` (base32) at `time` (ms). */
export function totp(secret, time = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 1000 / 30)));
  const h = createHmac("sha1", base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, "0");
}

const secrets = new Map();

/** A TOTP code of `username` not used before (a code may not be reused within its time step). */
export async function freshCode(username) {
  let code = totp(secrets.get(username));
  if (secrets.get(`${username}:last`) === code) {
    await new Promise((r) => setTimeout(r, 31_000 - (Date.now() % 30_000)));
    code = totp(secrets.get(username));
  }
  secrets.set(`${username}:last`, code);
  return code;
}

/** Signs `username` in on a fresh page: enrols TOTP the first time, uses a code afterwards. */
export async function signIn(browser, username) {
  const context = await browser.newContext({ locale: "id-ID", viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/masuk`);
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit].primary");
  await page.waitForURL(/\/masuk\/(otp|kode)/).catch(async (e) => {
    await shot(page, `failed-signin-${username}`);
    throw new Error(`sign-in of ${username} stuck at ${page.url()}: ${await page.textContent("main")}`);
  });
  if (page.url().includes("/masuk/otp")) {
    const secret = (await page.textContent("#totp-secret")).trim();
    secrets.set(username, secret);
    secrets.set(`${username}:last`, totp(secret));
    await page.fill("#code", totp(secret));
    await page.click("button[type=submit].primary");
    await page.waitForSelector("#recovery-codes");
    await page.click("a.button.primary");
  } else {
    await page.fill("#code", await freshCode(username));
    await page.click("button[type=submit].primary");
  }
  await page.waitForURL(/\/kasus/, { timeout: 10_000 }).catch(async () => {
    await shot(page, `failed-code-${username}`);
    throw new Error(`code step of ${username} stuck at ${page.url()}: ${await page.textContent("main")}`);
  });
  return { context, page };
}

/** Runs axe-core on the page; returns serious and critical violations. */
export async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

export async function shot(page, name) {
  mkdirSync("artifacts", { recursive: true });
  await page.screenshot({ path: `artifacts/${name}.png`, fullPage: true });
}

/** Opens the action form `action` (inside `scope`) and submits it after `fill` ran. */
export async function act(page, action, fill = async () => {}, scope = "") {
  const details = page.locator(`${scope} details.action:has(input[name=action][value="${action}"])`).first();
  await details.locator("summary").click();
  await fill(details);
  await submitAndWait(page, details.locator("button[type=submit]"));
}

/** Clicks `button` and waits until the page (full load or htmx swap) was replaced. */
export async function submitAndWait(page, button) {
  await page.evaluate(() => { document.querySelector("main").dataset.stale = "1"; });
  await button.click();
  await page.waitForSelector("main:not([data-stale])");
}
