// OCPP 1.6 security whitepaper edition 3: the AuthorizationKey is never disclosed (A01.FR.12);
// SecurityProfile is raised only, when its prerequisites are met, and taken back when the
// charge point cannot connect with it (A05); profiles 2 and 3 never over ws:// (§2.4, §2.5).

import assert from 'node:assert/strict';
import test from 'node:test';
import { csmsResult, event, needSim, scenario, simArgs } from './lib/harness.mjs';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'; // 16 bytes as 32 hex digits (A00.FR.205)
const NEW_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

const profileOf = async (csms, id) =>
    (await csms.call(id, 'GetConfiguration', { key: ['SecurityProfile'] })).configurationKey[0].value;

test('security whitepaper A01.FR.12: a ChangeConfiguration of AuthorizationKey is applied, and shown as **** in the debug output and /api/log', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ auth: { 'CP-MASK': KEY } });
    const sim = h.sim(simArgs(csms.url, 'CP-MASK', '--password', KEY)); // --log-level debug: TX/RX lines
    await csms.waitFor(csmsResult('BootNotification', 'CP-MASK'));
    // A01.FR.03: after Accepted the CSMS takes only the new key (checked at the next handshake).
    csms.setAuth({ 'CP-MASK': NEW_KEY });
    const since = csms.mark();
    assert.deepEqual(await csms.call('CP-MASK', 'ChangeConfiguration', { key: 'authorizationkey', value: NEW_KEY }), { status: 'Accepted' });
    // The real frame was parsed: the charge point reconnects with the new key (A01, A00.FR.203).
    const c = await csms.waitFor(event('connect', 'CP-MASK'), { since });
    assert.deepEqual([c.auth.present, c.auth.passwordOk], [true, true]);
    await sim.waitForLine(/RX \[2,"[^"]*","ChangeConfiguration",\{"key":"AuthorizationKey","value":"\*\*\*\*"\}\]/);
    assert.deepEqual(sim.grep(NEW_KEY).map((l) => l.text), [], 'the key is not in the output');
    const log = await sim.api('GET', '/api/log?since=0');
    assert.equal(log.status, 200);
    const texts = log.json.entries.map((e) => e.text);
    assert.ok(texts.some((x) => x.includes('"value":"****"')), 'the message is logged, masked');
    assert.ok(!log.text.includes(NEW_KEY), 'the key is not in /api/log');
    // §7.2: write-only.
    const get = await csms.call('CP-MASK', 'GetConfiguration', { key: ['AuthorizationKey'] });
    assert.deepEqual(get.unknownKey, ['AuthorizationKey']);
});

test('security whitepaper A05 over ws://: 1 is Accepted and reconnected with (A05.FR.05-07); lower or equal, 2 (no TLS, A05.FR.03) and bad values are Rejected (A05.FR.01); §2.4: configured with 2, it never connects over ws://', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ auth: { 'CP-SPWS': KEY } });
    h.sim(simArgs(csms.url, 'CP-SPWS', '--password', KEY));
    await csms.waitFor(csmsResult('BootNotification', 'CP-SPWS'));
    const set = (value) => csms.call('CP-SPWS', 'ChangeConfiguration', { key: 'SecurityProfile', value });
    for (const v of ['abc', '', '-1', '4', '0', '2', '3']) {
        assert.deepEqual(await set(v), { status: 'Rejected' }, `SecurityProfile "${v}"`);
    }
    const since = csms.mark();
    assert.deepEqual(await set('1'), { status: 'Accepted' });
    // A05.FR.06/07: it disconnects and connects again, with profile 1 (Basic auth, ws://).
    await csms.waitFor(event('disconnect', 'CP-SPWS'), { since });
    const c = await csms.waitFor(event('connect', 'CP-SPWS'), { since });
    assert.equal(c.tls, null);
    assert.equal(c.auth.passwordOk, true);
    assert.equal(await profileOf(csms, 'CP-SPWS'), '1');
    const after = csms.mark();
    for (const v of ['1', '0']) {
        assert.deepEqual(await set(v), { status: 'Rejected' }, `SecurityProfile "${v}" (A05.FR.01)`);
    }
    assert.deepEqual(csms.records.slice(after).filter(event('disconnect', 'CP-SPWS')), [], 'A05.FR.01: no reconnect');
    // A charge point whose installer configured SecurityProfile 2, given a ws:// URL.
    const csms2 = await h.csms({ auth: { 'CP-SP2WS': KEY } });
    const sim = h.sim(simArgs(csms2.url, 'CP-SP2WS', '--password', KEY, '--config', 'SecurityProfile=2'));
    await sim.waitForLine(/SecurityProfile 2 and 3 need a wss:\/\/ URL: not connecting/);
    const l1 = await sim.waitForLine(/connect failed: OCPP_ERR_TLS/);
    await sim.waitForLine(/connect failed: OCPP_ERR_TLS/, { since: l1.n + 1 }); // retried, refused again
    assert.deepEqual(csms2.records.filter((r) => r.identity === 'CP-SP2WS'), [], 'not even a connection attempt');
});

test('security whitepaper A05 over wss://: 2 is Accepted; a failed first connection with it falls back to 1 (A05.FR.08); once connected it stays (A05.FR.09)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const tls = h.tls();
    const csms = await h.csms({ tls: { cert: tls.cert, key: tls.key }, auth: { 'CP-SPFB': KEY } });
    const sim = h.sim(simArgs(csms.url, 'CP-SPFB', '--password', KEY, '--ca', tls.ca, '--config', 'SecurityProfile=1'));
    await csms.waitFor(csmsResult('BootNotification', 'CP-SPFB'));
    const set = (value) => csms.call('CP-SPFB', 'ChangeConfiguration', { key: 'SecurityProfile', value });
    // The CSMS now refuses the charge point's credentials: the reconnect with profile 2 fails.
    csms.setAuth({ 'CP-SPFB': NEW_KEY });
    assert.deepEqual(await set('2'), { status: 'Accepted' });
    await sim.waitForLine(/SecurityProfile 2 failed to connect: back to 1 \(A05\.FR\.08\)/);
    const since = csms.mark();
    csms.setAuth({ 'CP-SPFB': KEY });
    await csms.waitFor(event('connect', 'CP-SPFB'), { since, timeout: 30000 });
    assert.equal(await profileOf(csms, 'CP-SPFB'), '1');
    // Raised again, and connected with it: kept.
    const again = csms.mark();
    assert.deepEqual(await set('2'), { status: 'Accepted' });
    const c = await csms.waitFor(event('connect', 'CP-SPFB'), { since: again });
    assert.match(c.tls, /^TLSv1\.[23]$/);
    assert.equal(await profileOf(csms, 'CP-SPFB'), '2');
    assert.deepEqual(await set('1'), { status: 'Rejected' });
    assert.deepEqual(await set('3'), { status: 'Rejected' }, 'A05.FR.04: no client certificate');
});
