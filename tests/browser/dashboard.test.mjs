// The dashboard of ocpp-sim in a real browser (issue 18 "The dashboard to build", issue 15's
// dashboard part): npm playwright-core drives Debian's chromium against ocpp-sim and the dev
// CSMS in strict mode. Everything is done by clicking and typing in the page, and checked both on
// the page and, where it matters, against the CSMS or the REST API.
//
// Run by ctest as `node dashboard.test.mjs` (not `node --test`) so that it can exit 77, which
// ctest's SKIP_RETURN_CODE and scripts/test.sh count as skipped: where chromium cannot start, it
// prints "skipped: why" and is never counted as passed. Screenshots go to $OCPP_SCREENSHOTS
// (<build>/screenshots).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test, { after } from 'node:test';
import { SIM, cpCall, event, scenario, simArgs } from '../integration/lib/harness.mjs';

const SHOTS = process.env.OCPP_SCREENSHOTS || join(process.cwd(), 'build', 'screenshots');

function skip(why) {
    console.log(`skipped: ${why}`);
    process.exit(77);
}

/** Chromium through playwright-core, or the reason it cannot start here. */
async function launch() {
    let pw;
    try {
        pw = await import('playwright-core');
    } catch (err) {
        return { why: `npm playwright-core is not installed (npm ci at the repository root): ${err.message}` };
    }
    const candidates = [process.env.OCPP_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
    const exe = candidates.find((p) => existsSync(p));
    if (!exe) return { why: "Debian's chromium is not installed (apt-get install chromium; scripts/deps.sh test)" };
    try {
        const browser = await pw.chromium.launch({
            executablePath: exe,
            args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
            timeout: 30000,
        });
        return { browser };
    } catch (err) {
        return { why: `chromium (${exe}) does not start: ${String(err.message).split('\n')[0]}` };
    }
}

if (!SIM) skip('OCPP_SIM is not set (run through ctest, or export OCPP_SIM=path/to/ocpp-sim)');
const { browser, why } = await launch();
if (!browser) skip(why);
mkdirSync(SHOTS, { recursive: true });
after(async () => {
    step('closing the browser');
    await browser.close();
    step('browser closed');
});

/** A page on `base`; page errors, console errors and dialogs fail the test at its end. */
async function openPage(t, base, { width = 1440, height = 1000 } = {}) {
    const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    const problems = [];
    const note = (p) => {
        problems.push(p);
        step(p);
    };
    page.on('pageerror', (e) => note(`page error: ${e.message}`));
    page.on('dialog', (d) => {
        note(`dialog (${d.type()}): ${d.message()}`); // an injected script would show one
        d.dismiss().catch(() => {});
    });
    page.on('console', (m) => {
        // A 404 of an endpoint this ocpp-sim lacks is shown on the page as "not available".
        if (m.type() === 'error' && !/status of 404/.test(m.text())) note(`console: ${m.text()}`);
    });
    let closed = false;
    page.done = async () => { // before the simulator stops: its end would cut the event stream
        if (closed) return;
        closed = true;
        await ctx.close();
        assert.deepEqual(problems, [], 'the page reported errors');
    };
    t.after(() => page.done());
    await page.goto(base + '/');
    return page;
}

const T0 = Date.now();
const step = (what) => process.env.OCPP_TEST_VERBOSE && console.log(`${((Date.now() - T0) / 1000).toFixed(1)} s: ${what}`);
async function shot(page, name) {
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky top bar at the top
    await page.screenshot({ path: join(SHOTS, name), fullPage: true });
}
const conn = (page, n) => page.locator(`section.conn[data-connector="${n}"]`);
const statusOf = (page, n) => conn(page, n).locator('.hd .pill');

/** Wait until the text of `loc` matches `re`. */
/** The OLED picture the page shows, as GET display's JSON rows: 64 rows of 32 hex digits, the
 *  leftmost pixel in bit 7, a lit pixel 1. */
async function pageGlass(page) {
    return page.locator('.oled img').evaluate(async (img) => {
        if (!img.complete) await new Promise((r) => img.addEventListener('load', r, { once: true }));
        const c = document.createElement('canvas');
        c.width = 128;
        c.height = 64;
        const g = c.getContext('2d');
        g.drawImage(img, 0, 0, 128, 64);
        const d = g.getImageData(0, 0, 128, 64).data;
        const rows = [];
        for (let y = 0; y < 64; y++) {
            let row = '';
            for (let x = 0; x < 128; x += 4) {
                let n = 0;
                for (let b = 0; b < 4; b++) {
                    const i = (y * 128 + x + b) * 4;
                    n = (n << 1) | (Math.max(d[i], d[i + 1], d[i + 2]) > 127 ? 1 : 0);
                }
                row += n.toString(16);
            }
            rows.push(row);
        }
        return rows;
    });
}

/** Wait until the page's OLED picture is the simulator's glass showing screen `want`. */
async function seesScreen(page, sim, want, timeout = 20000) {
    const end = Date.now() + timeout;
    let last = '';
    while (Date.now() < end) {
        const j = (await sim.api('GET', '/api/display', undefined, { headers: { Accept: 'application/json' } })).json;
        last = j && j.screen;
        if (last === want && JSON.stringify(await pageGlass(page)) === JSON.stringify(j.rows.map((r) => r.toLowerCase()))) return;
        await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`the page's OLED picture never showed the ${want} screen (the glass shows ${last})`);
}

async function waitText(loc, re, timeout = 20000) {
    await loc.first().waitFor({ timeout });
    const t0 = Date.now();
    for (;;) {
        const s = (await loc.first().textContent()) || '';
        if (re.test(s)) return s;
        if (Date.now() - t0 > timeout) {
            const live = await loc.page().locator('#live').textContent();
            assert.fail(`"${s}" does not match ${re} after ${timeout} ms (event stream: ${live})`);
        }
        await new Promise((r) => setTimeout(r, 50)); // polling the page for a condition
    }
}

test('one station driven from the dashboard: session, cards, log, configuration, network modes (issue 18)', async (t) => {
    const h = scenario(t);
    // "An id or CSMS-supplied text that reaches the page must never become markup or script" (finding 5).
    step('"An id or CSMS-supplied text that reaches the page');
    const id = `CP'<b>"&1`;
    const csms = await h.csms({ interval: 300, idTags: { 'BAD-1': { status: 'Invalid' } } });
    const sim = h.sim(simArgs(csms.url, id, '--speed', '60', '--connectors', '2'));
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    const base = await sim.http();
    const page = await openPage(t, base);

    // The id is text: the heading holds exactly the id and no element.
    step('The id is text: the heading holds exactly the id a');
    await waitText(page.locator('h1.sid'), /CP/);
    assert.equal(await page.locator('h1.sid').textContent(), id);
    assert.equal(await page.locator('h1.sid *').count(), 0, 'the id became markup');
    assert.equal(await page.locator('#crumbs .here').textContent(), id);
    await waitText(page.locator('.shead .title .pill'), /^accepted$/);

    // Plug in with EV parameters, present a card: the session starts (buttons work with ' in the id).
    step('Plug in with EV parameters, present a card: the se');
    await conn(page, 1).locator('input[aria-label="state of charge %"]').fill('40');
    await conn(page, 1).locator('input[aria-label="battery kWh"]').fill('50');
    await conn(page, 1).locator('[data-act=plug]').click();
    await waitText(statusOf(page, 1), /^Preparing$/);
    const rest = await sim.api('GET', `/api/stations/${encodeURIComponent(id)}/connectors/1`);
    assert.equal(rest.json.socPercent, 40, 'the plug form sets the EV state of charge');
    await conn(page, 1).locator('input[aria-label="idTag"]').fill('TAG-OK');
    const since = csms.mark();
    await conn(page, 1).locator('[data-act=card]').click();
    const start = await csms.waitFor((m) => cpCall('StartTransaction', id)(m) && m.payload.idTag === 'TAG-OK', { since, timeout: 20000 });
    await waitText(statusOf(page, 1), /^Charging$/);
    await waitText(conn(page, 1).locator('.hd .tx'), /transaction \d+ · TAG-OK/);
    await waitText(conn(page, 1).locator('.answer'), /TAG-OK → .*Accepted/);
    await waitText(conn(page, 1).locator('.metric .mv').first(), /^(?!0\.00)\d+\.\d\d$/); // power flows
    assert.equal(start.payload.connectorId, 1);

    // A card the CSMS refuses: its answer shows on connector 2 and in the Cards tab.
    step('A card the CSMS refuses: its answer shows on conne');
    await conn(page, 2).locator('[data-act=plug]').click();
    await waitText(statusOf(page, 2), /^Preparing$/);
    await conn(page, 2).locator('input[aria-label="idTag"]').fill('BAD-1');
    await conn(page, 2).locator('[data-act=card]').click();
    await waitText(conn(page, 2).locator('.answer'), /BAD-1 → .*Invalid/);

    // A fault picked from the OCPP error codes, with its info and vendor code (OCPP 1.6 §6.47
    // StatusNotification.req: errorCode, info, vendorErrorCode), then cleared.
    const sinceFault = csms.mark();
    await conn(page, 2).locator('select[aria-label="error code"]').selectOption('GroundFailure');
    await conn(page, 2).locator('input[aria-label=info]').fill('RCD tripped');
    await conn(page, 2).locator('input[aria-label="vendor error code"]').fill('RCD-30mA');
    await conn(page, 2).locator('[data-act=fault]').click();
    const faulted = await csms.waitFor((m) => cpCall('StatusNotification', id)(m) && m.payload.connectorId === 2 && m.payload.status === 'Faulted', { since: sinceFault, timeout: 20000 });
    assert.equal(faulted.payload.errorCode, 'GroundFailure');
    await waitText(statusOf(page, 2), /^Faulted$/);
    await waitText(conn(page, 2).locator('.err'), /^GroundFailure · RCD tripped · vendor code RCD-30mA$/);
    await conn(page, 2).locator('[data-act=clear]').click();
    await waitText(statusOf(page, 2), /^Preparing$/);
    await conn(page, 2).locator('.err').waitFor({ state: 'hidden' });

    // The message log: loaded on open, then live; request and answer linked; pretty JSON; filters.
    step('The message log: loaded on open, then live; reques');
    const startRow = page.locator('.lrow[data-action=StartTransaction][data-type=CALL]');
    await startRow.first().waitFor();
    await startRow.first().click();
    const pre = page.locator('pre.ljson').first();
    await waitText(pre, /"idTag": "TAG-OK"/);
    await waitText(pre.locator('.links button').first(), /answer ↓ CALLRESULT/);
    await page.locator('select[aria-label=action]').selectOption('StartTransaction');
    const visible = await page.locator('.lrow:visible').evaluateAll((rows) => rows.map((r) => r.dataset.action));
    assert.ok(visible.length >= 2 && visible.every((a) => a === 'StartTransaction'), `filtered rows: ${visible}`);
    await page.locator('select[aria-label=action]').selectOption('');
    await page.locator('select[aria-label=direction]').selectOption('in');
    const dirs = await page.locator('.lrow:visible').evaluateAll((rows) => rows.map((r) => r.dataset.dir));
    assert.ok(dirs.length > 0 && dirs.every((d) => d === 'in'), `direction filter: ${dirs}`);
    await page.locator('select[aria-label=direction]').selectOption('');
    await page.locator('select[aria-label=connector]').selectOption('1');
    const c1 = await page.locator('.lrow:visible .c').allTextContents();
    assert.ok(c1.length > 0 && c1.every((c) => c === '#1'), `connector filter: ${c1}`);
    await page.locator('select[aria-label=connector]').selectOption('');
    // The history comes from GET log: a fresh page shows the BootNotification sent before it opened.
    step('The history comes from GET log: a fresh page shows');
    const page2 = await openPage(t, base);
    await page2.locator('.lrow[data-action=BootNotification]').first().waitFor({ timeout: 10000 });
    await page2.done();

    // The charts need a few seconds of session for the README screenshot.
    step('The charts need a few seconds of session for the R');
    await waitText(conn(page, 1).locator('.metric .sub').nth(1), /register .* · 0:0[3-9]|· 0:[1-5]\d/, 15000);
    await shot(page, 'dashboard-station.png');

    // EV pause and resume, only where they apply.
    step('EV pause and resume, only where they apply.');
    await conn(page, 1).locator('[data-act=ev]').click();
    await waitText(statusOf(page, 1), /^SuspendedEV$/);
    await waitText(conn(page, 1).locator('[data-act=ev]'), /^Resume EV$/);
    await conn(page, 1).locator('[data-act=ev]').click();
    await waitText(statusOf(page, 1), /^Charging$/);

    // The configuration: every key, edited through the charge point's own path.
    step('The configuration: every key, edited through the c');
    await page.locator('.tab[data-tab=config]').click();
    const cfgProbe = await sim.api('GET', `/api/stations/${encodeURIComponent(id)}/config`);
    if (cfgProbe.status === 404) {
        await waitText(page.locator('table.kv td.na'), /not available/);
        t.diagnostic('GET /api/config is not in this ocpp-sim: the page says "not available"');
    } else {
        const row = page.locator('tr[data-key=MeterValueSampleInterval]');
        await row.waitFor();
        await row.locator('input').fill('17');
        await row.locator('button').click();
        await waitText(row.locator('.answer'), /^Accepted$/);
        const after = await sim.api('GET', `/api/stations/${encodeURIComponent(id)}/config`);
        const keys = after.json.keys || after.json.configurationKey || after.json;
        assert.equal(String(keys.find((k) => (k.key ?? k.name) === 'MeterValueSampleInterval').value), '17');
        const ro = page.locator('tr[data-key=NumberOfConnectors]');
        assert.equal(await ro.locator('input').count(), 0, 'a read-only key is not editable');
        await shot(page, 'dashboard-config.png');
    }
    await page.locator('.tab[data-tab=messages]').click();

    // Unplug: the transaction ends, StopTransaction shows in the log.
    step('Unplug: the transaction ends, StopTransaction show');
    const sinceStop = csms.mark();
    await conn(page, 1).locator('[data-act=unplug]').click();
    await csms.waitFor(cpCall('StopTransaction', id), { since: sinceStop, timeout: 20000 });
    await waitText(statusOf(page, 1), /^(Finishing|Available)$/);
    await page.locator('.lrow[data-action=StopTransaction]').first().waitFor();

    // The network off in each mode, and on again. The mode shows in the header, highlighted.
    step('The network off in each mode, and on again. The mo');
    // Each mode as the simulator reports it: a simulator without the modes closes cleanly, and the
    step('Each mode as the simulator reports it: a simulator');
    // page says so instead of pretending.
    step('page says so instead of pretending.');
    for (const [mode, label] of [['close', 'clean close'], ['drop', 'abrupt drop'], ['blackhole', 'black hole']]) {
        const m0 = csms.mark();
        await page.locator('select[aria-label="how the network goes off"]').selectOption(mode);
        const answer = page.waitForResponse((r) => r.url().endsWith('/network') && r.request().method() === 'POST');
        await page.locator('.shead .netstate + select + button').click();
        const j = await (await answer).json();
        const supported = j.mode === mode;
        if (!supported) t.diagnostic(`POST network does not know mode ${mode}: ${JSON.stringify(j)}`);
        await waitText(page.locator('.shead .netstate'), new RegExp(`^off · ${supported ? label : 'clean close'}$`));
        if (!supported && mode !== 'close') await waitText(page.locator('.shead .note').first(), /not available in this ocpp-sim/);
        assert.ok(await page.locator('.shead.offline').count(), 'the header is highlighted while offline');
        const st = await sim.api('GET', `/api/stations/${encodeURIComponent(id)}/state`);
        assert.equal(st.json.networkOnline, false);
        if (mode !== 'blackhole' || !supported) {
            await csms.waitFor(event('disconnect', id), { since: m0, timeout: 20000 });
            await waitText(page.locator('.shead .title .pill'), /^(offline|connecting)$/);
        }
        step(`${mode}: offline`);
        if (mode === 'drop') await shot(page, 'dashboard-offline.png');
        await page.locator('.shead .netstate + select + button').click();
        await waitText(page.locator('.shead .netstate'), /^online$/);
        step(`${mode}: online`);
        await waitText(page.locator('.shead .title .pill'), /^accepted$/, 30000);
        step(`${mode}: accepted`);
    }

    // Power: a local reboot and a power cut, each a new BootNotification at the CSMS.
    for (const [act, note] of [['reboot', /^rebooting/], ['power-cut', /^power cut: restarted/]]) {
        const m1 = csms.mark();
        await page.locator(`.shead [data-act=${act}]`).click();
        await waitText(page.locator('.shead .group:has([data-act=reboot]) .note'), note);
        await csms.waitFor(cpCall('BootNotification', id), { since: m1, timeout: 30000 });
        await waitText(page.locator('.shead .title .pill'), /^accepted$/, 30000);
        step(`${act}: booted again`);
    }
    await page.done();
});

test('a fleet of 60 stations: counts, search, paging, a click opens one (issue 18)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(['--csms', csms.url, '--id', `F'<i>`, '--stations', '60', '--connectors', '2']);
    const base = await sim.http();
    const last = `F'<i>-0060`;
    await sim.waitState((s) => s.connection === 'accepted', { station: last, what: 'the last station accepted' });
    step('60 stations accepted');
    // Some life in the fleet: two sessions and a fault, through the REST API.
    const at = (n) => `/api/stations/${encodeURIComponent(`F'<i>-${String(n).padStart(4, '0')}`)}`;
    for (const [n, c] of [[3, 1], [7, 2]]) {
        assert.equal((await sim.api('POST', `${at(n)}/connectors/${c}/plug`, {})).status, 200);
        assert.equal((await sim.api('POST', `${at(n)}/rfid`, { idTag: `FLEET-${n}`, connector: c })).status, 200);
    }
    assert.equal((await sim.api('POST', `${at(5)}/connectors/1/fault`, { errorCode: 'GroundFailure' })).status, 200);
    const page = await openPage(t, base, { height: 900 });

    await waitText(page.locator('.chip[data-filter="status:Charging"] b'), /^2$/, 30000);
    await waitText(page.locator('.chip[data-filter="status:Faulted"] b'), /^1$/);
    await waitText(page.locator('.chip[data-filter="status:Available"] b'), /^117$/);
    await waitText(page.locator('.fleet-head .note'), /^60 stations · 2 transactions · \d+\.\d\d kW$/);
    await waitText(page.locator('.pageinfo'), /^1–20 of 60 · page 1 of 3$/);
    assert.equal(await page.locator('table.fleet tbody tr').count(), 20);
    const ids = await page.locator('table.fleet a.sid').allTextContents();
    assert.equal(ids[0], `F'<i>-0001`);
    assert.equal(await page.locator('table.fleet a.sid *').count(), 0, 'an id became markup');
    step('fleet counted');
    // Issue 16's live figures (GET /api/fleet/stats, refreshed every second): the whole fleet
    // connected and booted, the two sessions charging, a response time per action.
    await waitText(page.locator('[data-fig=connected] b'), /^60\/60$/);
    await waitText(page.locator('[data-fig=booted] b'), /^60$/);
    await waitText(page.locator('[data-fig=charging] b'), /^2$/);
    await waitText(page.locator('[data-fig=callErrors] b'), /^0$/);
    await waitText(page.locator('[data-fig=timeouts] b'), /^0$/);
    await waitText(page.locator('[data-fig=p50] b'), /^\d+$/);
    await waitText(page.locator('[data-fig=inPerS] b'), /^\d+\.\d$/);
    const boot = page.locator('table.fleet-rt tr[data-action=BootNotification] td');
    await waitText(boot.nth(1), /^60$/); // calls
    await waitText(boot.nth(2), /^60$/); // answered
    const [p50, p95, p99, max] = await Promise.all([5, 6, 7, 8].map((i) => boot.nth(i).textContent().then(Number)));
    assert.ok(p50 >= 0 && p50 <= p95 && p95 <= p99 && p99 <= max, `BootNotification ${p50} ${p95} ${p99} ${max}`);
    await waitText(page.locator('table.fleet-rt tr[data-action=StartTransaction] td').nth(2), /^2$/); // answered
    step('live figures shown');
    await shot(page, 'dashboard-fleet.png');
    // The HTML report of the same fleet: self-contained (no request but the page), its plots drawn.
    {
        const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
        const rp = await ctx.newPage();
        const requests = [];
        const errors = [];
        rp.on('request', (r) => requests.push(r.url()));
        rp.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
        rp.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
        await rp.goto(`${base}/api/fleet/report.html`);
        await rp.locator('.plot svg path').first().waitFor({ state: 'attached' }); // (a flat line has no height)
        assert.equal(await rp.locator('.plot').count(), 4);
        assert.ok(await rp.locator('.plot svg path').count() >= 4);
        assert.equal(await rp.locator('#actions tr:has-text("BootNotification") td').nth(1).textContent(), '60');
        assert.match(await rp.locator('#head').textContent(), /^60 stations · started /);
        assert.deepEqual(requests, [`${base}/api/fleet/report.html`], 'the report loads nothing else');
        await shot(rp, 'fleet-report.png');
        await ctx.close();
        assert.deepEqual(errors, [], 'the report page reported errors');
        step('HTML report drawn');
    }

    // A count filters: the faulted station alone.
    await page.locator('.chip[data-filter="status:Faulted"]').click();
    await waitText(page.locator('.pageinfo'), /^1–1 of 1 · page 1 of 1$/);
    assert.equal(await page.locator('table.fleet a.sid').first().textContent(), `F'<i>-0005`);
    await page.locator('.chip[data-filter="status:Faulted"]').click();
    await waitText(page.locator('.pageinfo'), /^1–20 of 60 · page 1 of 3$/);

    await page.getByRole('button', { name: 'Next ›' }).click();
    await page.getByRole('button', { name: 'Next ›' }).click();
    await waitText(page.locator('.pageinfo'), /^41–60 of 60 · page 3 of 3$/);
    assert.equal(await page.locator('table.fleet a.sid').first().textContent(), `F'<i>-0041`);
    assert.ok(await page.getByRole('button', { name: 'Next ›' }).isDisabled());

    await page.locator('input[aria-label=search]').fill('0042');
    await waitText(page.locator('.pageinfo'), /^1–1 of 1 · page 1 of 1$/);
    await page.locator('table.fleet tbody tr').first().click();
    await waitText(page.locator('h1.sid'), /^F'<i>-0042$/);
    assert.equal(await page.locator('h1.sid *').count(), 0);
    await waitText(page.locator('.shead .title .pill'), /^accepted$/);
    // The station view of a fleet member works as for one station.
    step('The station view of a fleet member works as for on');
    await conn(page, 2).locator('[data-act=plug]').click();
    await waitText(statusOf(page, 2), /^Preparing$/);
    const st = await sim.api('GET', `/api/stations/${encodeURIComponent(`F'<i>-0042`)}/state`);
    assert.equal(st.json.connectors[1].plugged, true);
    await page.locator('#crumbs a').click();
    await waitText(page.locator('.chip[data-filter="status:Preparing"] b'), /^1$/);
    await page.done();
});

// Issue 15's dashboard part, for each piece the simulator offers (status light: `led` in the state;
// temperature sensor: POST connectors/{n}/temperature; stop button: POST buttons/stop; display:
// GET display). A piece this ocpp-sim lacks must show as "not available" on the page, and is
// reported as a diagnostic.
test('the charger\'s face on the dashboard: status light, temperature and derating, stop button, display (issue 15)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const id = 'CP-FACE';
    const sim = h.sim(simArgs(csms.url, id, '--speed', '60', '--connectors', '1'));
    const st0 = await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    const base = await sim.http();
    const page = await openPage(t, base);
    await waitText(page.locator('h1.sid'), /^CP-FACE$/);
    const hasLed = !!st0.connectors[0].led;

    step('a session, from the page');
    await conn(page, 1).locator('[data-act=plug]').click();
    await waitText(statusOf(page, 1), /^Preparing$/);
    await conn(page, 1).locator('[data-act=card]').click();
    await waitText(statusOf(page, 1), /^Charging$/);
    // Issue 15: "sees Charging on the OLED picture and in the status"
    if ((await sim.api('GET', '/api/display')).status === 200) await seesScreen(page, sim, 'charging');

    step('the status light');
    if (hasLed) {
        const led = conn(page, 1).locator('.led');
        await led.waitFor();
        const want = (await sim.api('GET', '/api/state')).json.connectors[0].led;
        const title = await led.getAttribute('title');
        assert.ok(title.includes(want.color), `the light shows ${want.color}: ${title}`);
    } else {
        assert.equal(await conn(page, 1).locator('.led:visible').count(), 0, 'no light without `led` in the state');
        t.diagnostic('this ocpp-sim reports no `led`: no status light shown');
    }

    step('the temperature: derating shows');
    await conn(page, 1).locator('input[aria-label="temperature °C"]').fill('70');
    await conn(page, 1).locator('[data-act=temperature]').click();
    // Does this ocpp-sim have the sensor? A bad body answers 400 where the route exists.
    const tempProbe = await sim.api('POST', '/api/connectors/1/temperature', { celsius: 'warm' });
    const tempAnswer = tempProbe.status === 404 ? 'missing' : 'derating';
    if (tempAnswer === 'derating') await waitText(conn(page, 1).locator('.facts b.hot'), /derat/, 15000);
    else await waitText(conn(page, 1).locator('.controls .note').last(), /not available/, 15000);
    if (tempAnswer === 'derating') {
        const c = (await sim.api('GET', '/api/state')).json.connectors[0];
        assert.equal(c.limitReason, 'derating');
        await waitText(conn(page, 1).locator('.facts b').filter({ hasText: '°C' }), /^70\.0 °C$/);
        await shot(page, 'dashboard-derating.png');
        await conn(page, 1).locator('[data-act=release]').click();
        await conn(page, 1).locator('[data-act=release]').waitFor({ state: 'hidden' });
    } else {
        t.diagnostic('POST connectors/1/temperature is not in this ocpp-sim: the page says "not available"');
    }

    step('the display');
    const disp = await sim.api('GET', '/api/display');
    if (disp.status === 200) {
        const img = page.locator('.oled img');
        await img.waitFor();
        const w = await img.evaluate((el) => el.naturalWidth);
        assert.equal(w, 128, 'the display is the 128x64 picture');
    } else {
        await waitText(page.locator('.oled .na'), /no display/);
        t.diagnostic(`GET /api/display answered ${disp.status}: the page says "no display"`);
    }

    step('the stop button ends the session as a card would (reason Local)');
    const since = csms.mark();
    await page.getByRole('button', { name: '■ Stop' }).click();
    const stopProbe = await sim.api('GET', '/api/buttons/stop'); // 405 (POST only) where it exists
    let stopped = null;
    if (stopProbe.status !== 404) stopped = await csms.waitFor(cpCall('StopTransaction', id), { since, timeout: 15000 });
    else await waitText(page.locator('.face .note'), /not available/, 15000);
    if (stopped) {
        // OCPP 1.6 §6.49 StopTransaction.req: reason "may only be omitted when the Reason is Local".
        assert.equal(stopped.payload.reason ?? 'Local', 'Local');
        await waitText(statusOf(page, 1), /^Finishing$/);
        // Issue 15: "sees the session summary" on the OLED picture
        if (disp.status === 200) await seesScreen(page, sim, 'finished');
        await shot(page, 'dashboard-stopped.png');
    } else {
        t.diagnostic('POST buttons/stop is not in this ocpp-sim: the page says "buttons not available"');
    }
    await page.done();
});
