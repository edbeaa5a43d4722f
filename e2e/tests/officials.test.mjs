// The officials' workflow end to end in Chromium: a Kota Semarang officer registers a report,
// schedules clarification, records an absence and refers it; BKN recommends; the PPK sanctions;
// an officer of another province cannot see it. Pages are checked with axe-core.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { BASE, PASSWORD, launch, signIn, axe, shot, act, submitAndWait, freshCode } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const marker = `Zebrakuda${randomInt(100000, 999999)}`;
const nip = `19850312201001${randomInt(1, 2)}${String(randomInt(1, 999)).padStart(3, "0")}`;
let caseUrl;

/** WIB wall-clock time `days` from now, as a datetime-local value. */
function wib(days) {
  const t = new Date(Date.now() + days * 86_400_000 + 7 * 3_600_000);
  return t.toISOString().slice(0, 16);
}

test("a public report arrives through the API", async () => {
  const now = Date.now();
  const body = {
    kind: "laporan", election: "pilkada-2024",
    reporter: { name: "Pelapor Rahasia", address: "Jl. Pandanaran 1, Semarang" },
    known_at: new Date(now - 86_400_000).toISOString(),
    act: {
      occurred_at: new Date(now - 2 * 86_400_000).toISOString(), region_code: "33.74.05",
      description: `Lurah ${marker} membagikan stiker paslon nomor urut 2 di kantor kelurahan.`,
      violation_codes: ["D-2"], medium: "offline",
    },
    subjects: [{ name: `Lurah ${marker}`, nip, agency: "pemkot-semarang", employment_type: "pns",
      position_title: "Lurah", territorial_head: true }],
  };
  const r = await fetch(`${BASE}/api/v1/reports`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert.equal(r.status, 201, await r.clone().text());
});

test("sign-in pages are accessible and refuse a wrong password", async () => {
  const page = await browser.newPage({ locale: "id-ID" });
  await page.goto(`${BASE}/masuk`);
  assert.deepEqual(await axe(page), []);
  await shot(page, "01-masuk");
  await page.fill("#username", "e2e.semarang");
  await page.fill("#password", "bukan-sandi-yang-benar");
  await page.click("button[type=submit].primary");
  await page.waitForSelector(".alert");
  assert.match(await page.textContent(".alert"), /tidak cocok/);
  assert.equal(await page.inputValue("#username"), "e2e.semarang", "the username typed is kept");
  await page.close();
});

test("the Kota Semarang officer registers, clarifies and refers the case", async () => {
  const { context, page } = await signIn(browser, "e2e.semarang");
  assert.deepEqual(await axe(page), []);
  await shot(page, "02-kotak-masuk");

  // Full-text search finds the new report in the inbox.
  await page.click("details.filters summary");
  await page.fill("#f-q", marker);
  await submitAndWait(page, page.locator("form[role=search] button[type=submit]"));
  assert.match(page.url(), new RegExp(`q=${marker}`), "filters stay in the URL");
  const rows = page.locator("table.desk tbody tr");
  assert.equal(await rows.count(), 1);
  await Promise.all([page.waitForURL(/\/kasus\/[0-9a-f-]+$/), rows.first().locator("a").click()]);
  caseUrl = page.url();
  assert.equal((await page.textContent("#case-state")).trim(), "Diterima");
  assert.deepEqual(await axe(page), []);

  await act(page, "register");
  assert.equal((await page.textContent("#case-state")).trim(), "Diregistrasi");
  assert.doesNotMatch(await page.textContent("#case-number"), /belum/, "registration assigns a number");
  await act(page, "start_clarification");
  assert.equal((await page.textContent("#case-state")).trim(), "Klarifikasi");

  // Bad input: a missing place re-displays the form with the error and keeps what was typed.
  const schedule = page.locator("details.action:has(form[action$='/klarifikasi'])");
  await schedule.locator("summary").click();
  await schedule.locator("[name=invitee_name]").fill(`Lurah ${marker}`);
  await schedule.locator("[name=invitee_role]").selectOption("subject");
  await schedule.locator("[name=subject_track_id]").selectOption({ index: 1 });
  await schedule.locator("[name=scheduled_at]").fill(wib(-1));
  await schedule.locator("[name=delivered_at]").fill(wib(-3));
  await schedule.locator("[name=delivery_channel]").fill("langsung");
  await schedule.locator("[name=mode]").selectOption("in_person");
  await schedule.locator("[name=place]").evaluate((el) => el.removeAttribute("required"));
  await submitAndWait(page, schedule.locator("button[type=submit]"));
  const again = page.locator("details.action:has(form[action$='/klarifikasi'])");
  assert.ok(await again.locator(".error").count() >= 1, "the field error is shown");
  assert.equal(await again.locator("[name=invitee_name]").inputValue(), `Lurah ${marker}`);
  await again.locator("[name=place]").fill("Kantor Bawaslu Kota Semarang");
  await submitAndWait(page, again.locator("button[type=submit]"));
  assert.match(await page.textContent("table"), /Kantor Bawaslu Kota Semarang/);

  // The invitee did not come: record the absence.
  const attendance = page.locator("td.attendance details.action").first();
  await attendance.locator("summary").click();
  await submitAndWait(page, attendance.locator("button[type=submit]"));
  assert.match(await page.textContent("td.attendance"), /Tidak hadir/);
  await shot(page, "03-kasus-klarifikasi");

  // Letters: the receipt and the invitation download as PDF with the case number in them.
  const number = (await page.textContent("#case-number")).trim();
  for (const kind of ["tanda-terima", "undangan"]) {
    const href = await page.locator(`ul.letters a[href*="/surat/${kind}"]`).first().getAttribute("href");
    const r = await page.request.get(`${BASE}${href}`);
    assert.equal(r.status(), 200, `${kind}: ${r.status()}`);
    assert.equal(r.headers()["content-type"], "application/pdf");
    assert.match(r.headers()["x-netra-verification"], /^[0-9a-f]{64}$/);
    const pdf = (await r.body()).toString("latin1");
    assert.ok(pdf.startsWith("%PDF"), "a PDF");
    assert.ok(pdf.includes(number), `the ${kind} letter carries the case number ${number}`);
  }

  await act(page, "finish_clarification");
  await act(page, "submit_study", async (d) => { await d.locator("[name=summary]").fill("Terbukti membagikan stiker paslon."); });
  assert.equal((await page.textContent("#case-state")).trim(), "Pleno");
  await act(page, "decide", async (d) => {
    await d.locator("select[name^='outcome.']").first().selectOption("refer");
    await d.locator("[name=summary]").fill("Pleno memutuskan meneruskan ke BKN.");
  });
  assert.equal((await page.textContent("#case-state")).trim(), "Diteruskan ke otoritas");
  await shot(page, "04-kasus-diteruskan");
  await context.close();
});

test("the authority recommends and delivers to the PPK", async () => {
  const { context, page } = await signIn(browser, "e2e.bkn");
  await page.goto(caseUrl);
  await act(page, "issue_recommendation", async (d) => {
    await d.locator("[name=category]").selectOption("disiplin");
    await d.locator("[name=sanction_level]").selectOption("sedang");
    await d.locator("[name=violation_codes]").fill("D-2");
  }, "article.subject");
  assert.match(await page.textContent("article.subject .track-state"), /Rekomendasi terbit/);
  await act(page, "deliver_to_ppk", async () => {}, "article.subject");
  assert.match(await page.textContent("article.subject .track-state"), /Menunggu tindak lanjut PPK/);
  await context.close();
});

test("the PPK records the sanction", async () => {
  const { context, page } = await signIn(browser, "e2e.ppk");
  // The case waits in the PPK's inbox.
  assert.ok(await page.locator(`table.desk a[href='${new URL(caseUrl).pathname}']`).count() === 1, "case in the PPK inbox");
  await page.goto(caseUrl);
  assert.doesNotMatch(await page.content(), /Pelapor Rahasia|Pandanaran/, "no reporter identity for the PPK");
  await act(page, "record_sanction", async (d) => {
    await d.locator("[name=sanction_option]").fill("pp94.sedang.tukin25_6m");
    await d.locator("[name=decree_number]").fill("800/123/2024");
    // Today in Semarang (WIB), not in UTC: the decree may not predate the report.
    await d.locator("[name=decree_date]").fill(wib(0).slice(0, 10));
  }, "article.subject");
  const state = await page.textContent("article.subject .track-state");
  assert.match(state, /Sanksi dijatuhkan/, await page.textContent("main"));
  await shot(page, "05-kasus-sanksi");
  await context.close();
});

test("an officer of another province gets the same page as for a missing case", async () => {
  const { context, page } = await signIn(browser, "e2e.jatim");
  const foreign = await page.goto(caseUrl);
  const missing = await page.goto(`${BASE}/kasus/00000000-0000-7000-8000-000000000000`);
  assert.equal(foreign.status(), 404);
  assert.equal(missing.status(), 404);
  await context.close();
});

test("a reporter's identity is unsealed only with the custodian's approval and re-authentication", async () => {
  const officer = await signIn(browser, "e2e.semarang");
  await officer.page.goto(caseUrl);
  assert.doesNotMatch(await officer.page.content(), /Pelapor Rahasia/, "sealed on the case page");
  const ask = officer.page.locator("#identitas details.action");
  await ask.locator("summary").click();
  await ask.locator("textarea[name=reason]").fill("Pelapor perlu diundang klarifikasi ulang; alamat dalam berkas tidak lengkap.");
  await submitAndWait(officer.page, ask.locator("button[type=submit]"));
  assert.match(await officer.page.textContent("#identitas"), /Menunggu keputusan/);

  const custodian = await signIn(browser, "e2e.penjaga");
  await custodian.page.goto(`${BASE}/identitas`);
  assert.deepEqual(await axe(custodian.page), []);
  const req = custodian.page.locator("section.card").first();
  await req.locator("textarea[name=reason]").fill("Alasan sah: undangan klarifikasi ulang kepada pelapor.");
  await submitAndWait(custodian.page, req.locator("button[value=approve]"));
  assert.match(await custodian.page.textContent("main"), /Tidak ada permintaan/);
  await custodian.context.close();

  await officer.page.goto(caseUrl);
  await officer.page.click("#identitas a.button.primary");
  await officer.page.fill("#password", "salah-sekali-sandinya");
  await officer.page.fill("#code", "000000");
  await officer.page.click("button[type=submit].primary");
  await officer.page.waitForSelector(".alert");
  assert.doesNotMatch(await officer.page.content(), /Pelapor Rahasia/, "a wrong password shows nothing");
  await officer.page.fill("#password", PASSWORD);
  await officer.page.fill("#code", await freshCode("e2e.semarang"));
  await officer.page.click("button[type=submit].primary");
  await officer.page.waitForSelector("#reporter-identity");
  assert.match(await officer.page.textContent("#reporter-identity"), /Pelapor Rahasia/);
  await officer.context.close();
});

test("the language switch turns the pages into English", async () => {
  const { context, page } = await signIn(browser, "e2e.semarang");
  await submitAndWait(page, page.locator("button[name=lang][value=en]"));
  assert.match(await page.textContent("h1"), /Needs your action/);
  await page.goto(caseUrl);
  assert.match(await page.textContent("#case-state"), /Referred to the authority/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "06-case-en");
  await context.close();
});

test("the statistics dashboard and the public transparency page are accessible", async () => {
  const { context, page } = await signIn(browser, "e2e.semarang");
  await page.goto(`${BASE}/statistik`);
  assert.ok(await page.locator("svg").count() > 0, "charts are drawn");
  assert.deepEqual(await axe(page), []);
  await shot(page, "07-statistik");
  await context.close();
  const anon = await browser.newContext({ locale: "id-ID" });
  const pub = await anon.newPage();
  const r = await pub.goto(`${BASE}/transparansi`);
  assert.equal(r.status(), 200);
  assert.equal((await anon.cookies()).length, 0, "no cookies on the public page");
  assert.deepEqual(await axe(pub), []);
  await shot(pub, "08-transparansi");
  await anon.close();
});

test("administrators cannot open case pages", async () => {
  const { context, page } = await signIn(browser, "e2e.admin");
  const r = await page.goto(caseUrl);
  assert.equal(r.status(), 403);
  assert.doesNotMatch(await page.content(), new RegExp(marker));
  await context.close();
});
