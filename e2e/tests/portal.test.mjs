// The public portal in Chromium: an anonymous informasi awal with a photo through the form (the
// place picker enhanced by htmx, and without JavaScript), the receipt shown once, then the follow-up
// with the receipt code: status page and a message from the reporter. No cookie is ever set, and
// the code never appears in a URL. Pages are checked with axe-core.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { BASE, launch, axe, shot, signIn, submitAndWait } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const marker = `Kijangmas${randomInt(100000, 999999)}`;
let receipt;

/** A valid 1×1 PNG, made here so the test needs no fixture file. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

test("the place picker works without JavaScript", async () => {
  const context = await browser.newContext({ locale: "id-ID", javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/lapor`);
  await page.fill("#f-description", `Teks ${marker} tetap ada`);
  await page.selectOption("#f-province", "33");
  await page.click("button.portal-step");
  await page.waitForSelector("#f-regency option[value='33.74']", { state: "attached" });
  assert.equal(await page.inputValue("#f-description"), `Teks ${marker} tetap ada`, "typed text kept");
  await page.selectOption("#f-regency", "33.74");
  await page.click("button.portal-step");
  await page.waitForSelector("#f-district option[value='33.74.05']", { state: "attached" });
  assert.deepEqual(await context.cookies(), [], "no cookie");
  await context.close();
});

test("an anonymous informasi awal with a photo gets a receipt", async () => {
  const context = await browser.newContext({ locale: "id-ID", viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/lapor`);
  assert.deepEqual(await axe(page), []);
  await shot(page, "20-lapor");
  assert.match(await page.textContent("main"), /metadata seperti lokasi tidak dapat dihapus/);

  await page.check("input[name=kind][value=informasi_awal]");
  await page.selectOption("#f-election", "pilkada-2024");
  await page.fill("#f-occurred_date", "2024-10-13");
  await page.fill("#f-occurred_time", "10:00");
  await page.fill("#f-known_date", "2024-10-14");
  // htmx re-renders the place fieldset after each choice.
  await page.selectOption("#f-province", "33");
  await page.waitForSelector("#f-regency option[value='33.74']", { state: "attached" });
  await page.selectOption("#f-regency", "33.74");
  await page.waitForSelector("#f-district option[value='33.74.05']", { state: "attached" });
  await page.selectOption("#f-district", "33.74.05");
  await page.fill("#f-description", `Camat ${marker} berpidato mengajak warga memilih paslon nomor urut 2.`);
  await page.check("input[name=violation][value=tidak_tahu]");
  await page.check("input[name=medium][value=offline]");
  await page.fill("#f-subject_name_0", `Camat ${marker}`);
  await page.fill("#f-subject_position_0", "Camat");
  await page.setInputFiles("#f-bukti", { name: "foto.png", mimeType: "image/png", buffer: PNG });
  await page.click("form.portal-form button[type=submit].primary");
  await page.waitForSelector("#kode-tanda-terima", { timeout: 15_000 }).catch(async (e) => {
    await shot(page, "failed-lapor");
    throw new Error(`no receipt: ${await page.textContent("main")}`);
  });
  const shown = (await page.textContent("#kode-tanda-terima")).trim();
  assert.match(shown, /^\d{4}( \d{4}){5}$/, "24 digits in groups of four");
  receipt = shown.replace(/ /g, "");
  assert.ok(!page.url().includes(receipt), "the code is not in the URL");
  assert.match(await page.textContent("main"), /satu kali/);
  assert.match(await page.textContent(".portal-files"), /tanpa metadata/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "21-tanda-terima");
  assert.deepEqual(await context.cookies(), [], "no cookie");
  await context.close();
});

test("the reporter follows up with the receipt code and sends a message", async () => {
  assert.ok(receipt, "a receipt from the previous test");
  const context = await browser.newContext({ locale: "id-ID" });
  const page = await context.newPage();
  await page.goto(`${BASE}/tanda-terima`);
  assert.deepEqual(await axe(page), []);

  // A wrong code: the plain explanation, nothing revealed.
  await page.fill("#kode", "1234 5678 9O12 3456 7890 1234");
  await page.click("button[type=submit].primary");
  await page.waitForSelector(".alert");
  assert.match(await page.textContent(".alert"), /hanya berisi angka/);

  await page.fill("#kode", receipt.replace(/(\d{4})(?=\d)/g, "$1 "));
  await page.click("button[type=submit].primary");
  await page.waitForSelector(".portal-state");
  assert.match(await page.textContent(".portal-state"), /sudah diterima/);
  assert.ok(!page.url().includes(receipt), "the code is not in the URL");
  assert.deepEqual(await axe(page), []);
  await shot(page, "22-perkembangan");

  await page.fill("#pesan-isi", `Pesan ${marker}: ada rekaman video acaranya.`);
  await page.click("button:has-text('Kirim pesan')");
  await page.waitForSelector(".notice");
  assert.match(await page.textContent(".notice"), /Pesan Anda terkirim/);
  assert.match(await page.textContent(".portal-thread"), new RegExp(`Pesan ${marker}`));
  assert.match(await page.textContent("main"), /bukti-/, "the photo is listed under a generated name");
  assert.deepEqual(await axe(page), []);
  await shot(page, "23-pesan");
  assert.deepEqual(await context.cookies(), [], "no cookie");
  await context.close();
});

test("the handling office replies and the reporter reads the reply", async () => {
  assert.ok(receipt, "a receipt from the earlier test");
  const reply = `Balasan ${marker}: mohon kirim rekaman videonya melalui halaman ini.`;
  const office = await signIn(browser, "e2e.balas");
  const page = office.page;
  await page.goto(`${BASE}/kasus?view=semua&q=${marker}`);
  const rows = page.locator("table.desk tbody tr");
  assert.equal(await rows.count(), 1, "the anonymous report is on the Kota Semarang desk");
  await Promise.all([page.waitForURL(/\/kasus\/[0-9a-f-]+$/), rows.first().locator("a").click()]);
  assert.match(await page.textContent("#pesan"), new RegExp(`Pesan ${marker}`), "the reporter's message is shown");
  await page.fill("#message-body", reply);
  await submitAndWait(page, page.locator("form[action$='/pesan'] button[type=submit]"));
  assert.match(await page.textContent("#pesan"), new RegExp(`Balasan ${marker}`));
  assert.deepEqual(await axe(page), []);
  await shot(page, "24-balasan-kantor");
  await office.context.close();

  const context = await browser.newContext({ locale: "id-ID" });
  const reporter = await context.newPage();
  await reporter.goto(`${BASE}/tanda-terima`);
  await reporter.fill("#kode", receipt);
  await reporter.click("button[type=submit].primary");
  await reporter.waitForSelector(".portal-thread");
  assert.match(await reporter.textContent(".portal-thread"), new RegExp(`Balasan ${marker}`), "the reporter sees the reply");
  assert.deepEqual(await context.cookies(), [], "no cookie");
  await context.close();
});
