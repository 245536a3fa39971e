// The charger's face through ocpp-sim's REST API (issue 15): GET /api/display returns the
// simulated OLED (the SSD1306 emulator fed by the application's driver) as a valid 128x64
// PNG or as JSON rows, the picture changes as a session goes, and POST /api/buttons/{name}
// presses the board's buttons (menu: the information pages; stop: ends the session, reason
// Local, OCPP 1.6 §4.10 / §7.41).

import assert from 'node:assert/strict';
import test from 'node:test';
import { inflateSync, crc32 } from 'node:zlib';
import { cpCall, needSim, scenario, simArgs } from './lib/harness.mjs';

/** Checks a PNG (ISO/IEC 15948): signature, chunk CRCs, IHDR; returns its pixels (1 = lit). */
function decodePng(buf) {
    assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    let at = 8;
    let w = 0;
    let h = 0;
    const idat = [];
    const types = [];
    while (at < buf.length) {
        const len = buf.readUInt32BE(at);
        const type = buf.subarray(at + 4, at + 8).toString('latin1');
        const data = buf.subarray(at + 8, at + 8 + len);
        assert.equal(buf.readUInt32BE(at + 8 + len), crc32(buf.subarray(at + 4, at + 8 + len)), `CRC of ${type}`);
        types.push(type);
        if (type === 'IHDR') {
            w = data.readUInt32BE(0);
            h = data.readUInt32BE(4);
            assert.equal(data[8], 1, 'bit depth 1');
            assert.equal(data[9], 3, 'palette');
        }
        if (type === 'IDAT') idat.push(data);
        at += 12 + len;
    }
    assert.deepEqual(types, ['IHDR', 'PLTE', 'IDAT', 'IEND']);
    const raw = inflateSync(Buffer.concat(idat)); // zlib: Adler-32 checked by node
    const stride = 1 + w / 8;
    assert.equal(raw.length, stride * h);
    const px = [];
    for (let y = 0; y < h; y++) {
        assert.equal(raw[y * stride], 0, 'filter none');
        for (let x = 0; x < w; x++) px.push((raw[y * stride + 1 + (x >> 3)] >> (7 - (x & 7))) & 1);
    }
    return { w, h, px };
}

async function display(sim, path = '/api/display') {
    const base = await sim.http();
    const r = await fetch(base + path);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/png');
    return decodePng(Buffer.from(await r.arrayBuffer()));
}

async function displayJson(sim) {
    const r = await sim.api('GET', '/api/display', undefined, { headers: { accept: 'application/json' } });
    assert.equal(r.status, 200, r.text);
    return r.json;
}

const screenIs = (name) => (s) => s.display && s.display.screen === name;

test('issue 15: GET /api/display is a 128x64 PNG of the OLED that changes when a card is presented; buttons menu and stop', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'SIM-FACE', '--connectors', '1', '--speed', '60'));
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    await sim.waitState(screenIs('available'), { what: 'available on the display' });

    const idle = await display(sim);
    assert.equal(idle.w, 128);
    assert.equal(idle.h, 64);
    const lit = idle.px.reduce((a, b) => a + b, 0);
    assert.ok(lit > 500 && lit < 8192 - 500, `a picture, not a blank (${lit} lit)`);
    // The same picture as JSON rows: 64 rows of 32 hex digits, the leftmost pixel in the top bit.
    const j = await displayJson(sim);
    assert.equal(j.screen, 'available');
    assert.equal(j.rows.length, 64);
    const fromRows = j.rows.flatMap((r) => [...r].flatMap((c) => [8, 4, 2, 1].map((b) => (parseInt(c, 16) & b ? 1 : 0))));
    assert.deepEqual(fromRows, idle.px);
    // Also under /api/stations/{id}/.
    assert.deepEqual((await display(sim, '/api/stations/SIM-FACE/display')).px, idle.px);

    // Plug in and present a card: the picture changes (card accepted, then charging).
    assert.equal((await sim.api('POST', '/api/connectors/1/plug', { socPercent: 40 })).status, 200);
    assert.equal((await sim.api('POST', '/api/rfid', { idTag: 'FACE-1', connector: 1 })).status, 200);
    await sim.waitState(screenIs('charging'), { what: 'charging on the display' });
    const charging = await display(sim);
    assert.notDeepEqual(charging.px, idle.px);

    // The menu button shows the information pages, one per press.
    const m = await sim.api('POST', '/api/buttons/menu');
    assert.equal(m.status, 200, m.text);
    assert.deepEqual(m.json, { button: 'menu', holdMs: 300 });
    await sim.waitState(screenIs('info-network'), { what: 'network page' });
    assert.notDeepEqual((await display(sim)).px, charging.px);
    await sim.api('POST', '/api/buttons/menu', { holdMs: 100 });
    await sim.waitState(screenIs('info-ids'), { what: 'ids page' });

    // The stop button ends the session at the charger: StopTransaction without a reason
    // (§4.10: "Local" is assumed), and the display shows the summary.
    const stopped = csms.waitFor(cpCall('StopTransaction', 'SIM-FACE'));
    assert.equal((await sim.api('POST', '/api/buttons/stop')).status, 200);
    const stop = await stopped;
    assert.equal(stop.payload.reason, undefined);
    for (const page of ['info-firmware', 'info-meter', 'finished']) {
        await sim.api('POST', '/api/buttons/menu', { holdMs: 100 });
        await sim.waitState(screenIs(page), { what: page });
    }

    // Bad input: an unknown button, a bad hold time, a wrong method.
    const nb = await sim.api('POST', '/api/buttons/nope');
    assert.equal(nb.status, 404);
    assert.match(nb.json.error, /menu, stop/);
    for (const body of [{ holdMs: 79 }, { holdMs: 10001 }, { holdMs: 1.5 }, { holdMs: 'x' }, '[1]', '{"holdMs":']) {
        const r = await sim.api('POST', '/api/buttons/menu', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    }
    const wrong = await sim.api('POST', '/api/display');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
    assert.equal((await sim.api('GET', '/api/buttons/menu')).status, 405);
});
