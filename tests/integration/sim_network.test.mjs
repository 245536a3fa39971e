// Issue 18 finding 7: POST /api/network {"online": false, "mode": "close" | "drop" | "blackhole"},
// seen from the CSMS side (a raw WebSocket server): a clean close (RFC 6455 §7.1.5 code 1000),
// an abrupt TCP reset (no close frame: 1006, RFC 6455 §7.1.5 "abnormal closure"), and a silent
// half-open link (nothing arrives, the socket stays open).

import assert from 'node:assert/strict';
import test from 'node:test';
import { cfgArgs, needSim, scenario, simArgs, sleep } from './lib/harness.mjs';

const isCall = (action) => (f) => Array.isArray(f.json) && f.json[0] === 2 && f.json[2] === action;

async function booted(t, id, ...extra) {
    const h = scenario(t);
    const raw = await h.raw();
    const sim = h.sim(simArgs(raw.url, id, ...extra));
    const conn = await raw.connection(0);
    conn.errors = [];
    conn.ws.on('error', (err) => conn.errors.push(err.code || err.message)); // a reset peer
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    // the statuses after boot (connectors 0..2) are through
    await conn.waitFrame((f) => isCall('StatusNotification')(f) && f.json[3].connectorId === 2);
    return { h, raw, sim, conn };
}

test('issue 18 finding 7: mode "close" is a clean WebSocket close (1000); online again reconnects; bad requests', { skip: needSim }, async (t) => {
    const { raw, sim, conn } = await booted(t, 'CP-NET-CLOSE');
    for (const [body, re] of [
        [{ online: false, mode: 'unplugged' }, /"close".*"drop".*"blackhole"/],
        [{ online: false, mode: 3 }, /"mode" must be a string/],
        [{ online: true, mode: 'drop' }, /"online": false only/],
        [{ mode: 'drop' }, /"online"/],
    ]) {
        const b = await sim.api('POST', '/api/network', body);
        assert.equal(b.status, 400, `${JSON.stringify(body)}: ${b.text}`);
        assert.match(b.json.error, re);
    }
    assert.equal((await sim.api('GET', '/api/state')).json.networkMode, 'online');
    const r = await sim.api('POST', '/api/network', { online: false, mode: 'close' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { online: false, mode: 'close' });
    const closed = await conn.closed;
    assert.equal(closed.code, 1000);
    const s = await sim.waitState((x) => x.connection === 'offline');
    assert.equal(s.networkOnline, false);
    assert.equal(s.networkMode, 'close');
    assert.deepEqual(await sim.api('POST', '/api/network', { online: false }).then((x) => x.json), { online: false, mode: 'close' }, 'close is the default');
    assert.deepEqual((await sim.api('POST', '/api/network', { online: true })).json, { online: true, mode: 'online' });
    await raw.connection(1, { timeout: 20000 });
});

test('issue 18 finding 7: mode "drop" resets the TCP connection: the CSMS sees no close frame (1006)', { skip: needSim }, async (t) => {
    const { raw, sim, conn } = await booted(t, 'CP-NET-DROP');
    const r = await sim.api('POST', '/api/network', { online: false, mode: 'drop' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { online: false, mode: 'drop' });
    const closed = await conn.closed;
    assert.equal(closed.code, 1006, `an abnormal closure, not a close frame: ${JSON.stringify(closed)}`);
    await sim.waitState((x) => x.connection === 'offline' && x.networkMode === 'drop');
    await sleep(300); // it stays off: no new connection while offline
    assert.equal(raw.conns.length, 1);
    await sim.api('POST', '/api/network', { online: true });
    await raw.connection(1, { timeout: 20000 });
});

test('issue 18 finding 7: mode "blackhole" keeps the socket open and silent; online again, what waited flows on the same connection', { skip: needSim }, async (t) => {
    const { raw, sim, conn } = await booted(t, 'CP-NET-HOLE');
    const r = await sim.api('POST', '/api/network', { online: false, mode: 'blackhole' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { online: false, mode: 'blackhole' });
    const since = conn.mark();
    // A CALL from the CSMS and a status change of the CP: neither gets through.
    await conn.sendJson([2, 'bh-1', 'GetConfiguration', { key: ['HeartbeatInterval'] }]);
    conn.pending.set('bh-1', 'GetConfiguration');
    assert.equal((await sim.api('POST', '/api/connectors/1/plug', {})).status, 200);
    const s = await sim.api('GET', '/api/state');
    assert.equal(s.json.networkMode, 'blackhole');
    assert.equal(s.json.networkOnline, false);
    assert.equal(s.json.connection, 'accepted', 'the station does not know');
    await sleep(1000); // nothing may happen: a fixed window is the test
    assert.deepEqual(conn.frames.slice(since).map((f) => f.text), [], 'silence');
    assert.equal(conn.close, null, 'the socket stays open');
    assert.equal(raw.conns.length, 1);
    // Back online: the answer and the status come, on the same connection.
    await sim.api('POST', '/api/network', { online: true });
    const reply = await conn.waitReply('bh-1', { since, timeout: 10000 });
    assert.equal(reply.json[0], 3);
    await conn.waitFrame((f) => isCall('StatusNotification')(f) && f.json[3].status === 'Preparing', { since });
    assert.equal(raw.conns.length, 1);
    assert.equal(conn.close, null);
});

test('issue 18 finding 7: in a blackhole the station\'s own ping timeout gives up without a word to the CSMS; online again, that link is reset and a new one opens', { skip: needSim }, async (t) => {
    const { raw, sim, conn } = await booted(t, 'CP-NET-PING', ...cfgArgs('WebSocketPingInterval=1'));
    await sim.api('POST', '/api/network', { online: false, mode: 'blackhole' });
    await sim.waitState((x) => x.connection !== 'accepted', { what: 'the station gave up', timeout: 15000 });
    assert.equal(conn.close, null, 'the CSMS saw nothing');
    await sim.api('POST', '/api/network', { online: true });
    const closed = await conn.closed;
    assert.equal(closed.code, 1006, 'reset, not closed cleanly');
    await raw.connection(1, { timeout: 30000 });
    await sim.waitState((x) => x.connection === 'accepted' && x.networkMode === 'online', { what: 'accepted again' });
});
