// Security profiles 1 and 2 (OCPP 1.6 security whitepaper edition 3 §2.3, §2.4; A00.FR.2xx/3xx).

import assert from 'node:assert/strict';
import test from 'node:test';
import { csmsResult, event, needSim, scenario, simArgs } from './lib/harness.mjs';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'; // 16 bytes as 32 hex digits (A00.FR.205/304)

test('security whitepaper §2.4 profile 2: wss with the CSMS certificate from our CA and HTTP Basic auth is accepted (A00.FR.301-304)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const tls = h.tls();
    const csms = await h.csms({ tls: { cert: tls.cert, key: tls.key }, auth: { 'CP-SP2': KEY } });
    h.sim(simArgs(csms.url, 'CP-SP2', '--password', KEY, '--ca', tls.ca));
    const c = await csms.waitFor(event('connect', 'CP-SP2'));
    assert.match(c.tls, /^TLSv1\.[23]$/, 'TLS 1.2 or later');
    // A00.FR.302-304: username = the charge point identity, password = AuthorizationKey.
    assert.deepEqual([c.auth.present, c.auth.basic, c.auth.userMatches, c.auth.passwordOk], [true, true, true, true]);
    assert.equal(c.protocol, 'ocpp1.6');
    const boot = await csms.waitFor(csmsResult('BootNotification', 'CP-SP2'));
    assert.equal(boot.payload.status, 'Accepted');
    assert.deepEqual(csms.records.filter((r) => r.type === 'reject' || r.type === 'tlsError'), []);
});

test('security whitepaper §2.4 profile 2 (A00.FR.307, A00.FR.310): a server certificate from another CA is refused (OCPP_ERR_TLS, no BootNotification)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const tls = h.tls();
    // The CSMS presents a certificate signed by the unrelated CA; the CP trusts only ours.
    const csms = await h.csms({ tls: { cert: tls.otherCert, key: tls.otherKey }, auth: { 'CP-BADCA': KEY } });
    const sim = h.sim(simArgs(csms.url, 'CP-BADCA', '--password', KEY, '--ca', tls.ca));
    const l1 = await sim.waitForLine(/OCPP_ERR_TLS/);
    // ... and it keeps retrying (with back-off), still refusing.
    await sim.waitForLine(/OCPP_ERR_TLS/, { since: l1.n + 1 });
    await csms.waitFor((r) => r.type === 'tlsError');
    assert.deepEqual(csms.records.filter(event('connect')), [], 'no WebSocket connection');
    assert.deepEqual(csms.messages(() => true), [], 'no OCPP message at all');
});

test('security whitepaper §2.4 profile 2 (A00.FR.308: the CN/FQDN is verified): a certificate from our CA for another host name is refused (OCPP_ERR_TLS)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const tls = h.tls();
    const csms = await h.csms({ tls: { cert: tls.wrongNameCert, key: tls.wrongNameKey }, auth: { 'CP-NAME': KEY } });
    const sim = h.sim(simArgs(csms.url, 'CP-NAME', '--password', KEY, '--ca', tls.ca));
    await sim.waitForLine(/OCPP_ERR_TLS/);
    await csms.waitFor((r) => r.type === 'tlsError');
    assert.deepEqual(csms.records.filter(event('connect')), [], 'no WebSocket connection');
});

test('security whitepaper §2.3/§2.4: a wrong password gets HTTP 401; the CP logs OCPP_ERR_AUTH and retries with a growing back-off', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const tls = h.tls();
    const csms = await h.csms({ tls: { cert: tls.cert, key: tls.key }, auth: { 'CP-WRONG': KEY } });
    const sim = h.sim(simArgs(csms.url, 'CP-WRONG', '--password', 'ffffffffffffffffffffffffffffffff', '--ca', tls.ca));
    await sim.waitForLine(/OCPP_ERR_AUTH/);
    const rejects = await csms.waitForCount(event('reject', 'CP-WRONG'), 4, { timeout: 20000 });
    for (const r of rejects) {
        assert.equal(r.status, 401);
        assert.equal(r.auth.present, true, 'credentials are sent with every attempt (A00.FR.302)');
        assert.equal(r.auth.userMatches, true, 'username is the identity (A00.FR.303)');
    }
    const gaps = rejects.slice(1).map((r, i) => r.t - rejects[i].t);
    // "The Charge Point SHALL retry with an appropriate back-off mechanism" (OCPP-J errata §3.4);
    // ours starts at about 1 s with jitter (half to all of it) and doubles.
    assert.ok(gaps[0] >= 400, `gaps ${gaps}`);
    assert.ok(gaps[1] >= 900, `gaps ${gaps}`);
    assert.ok(gaps[2] >= 1900, `gaps ${gaps}`);
    assert.deepEqual(csms.messages(() => true), [], 'no OCPP message');
    // The right key (as the CSMS operator would fix it): the next attempt gets through.
    csms.setAuth({ 'CP-WRONG': 'ffffffffffffffffffffffffffffffff' });
    await csms.waitFor(csmsResult('BootNotification', 'CP-WRONG'), { timeout: 30000 });
});

test('security whitepaper §2.3 profile 1: ws:// with HTTP Basic auth is accepted; without the key the CSMS answers 401', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ auth: { 'CP-SP1': KEY } });
    h.sim(simArgs(csms.url, 'CP-SP1', '--password', KEY), { name: 'with-key' });
    const c = await csms.waitFor(event('connect', 'CP-SP1'));
    assert.equal(c.tls, null);
    assert.deepEqual([c.auth.present, c.auth.userMatches, c.auth.passwordOk], [true, true, true]);
    assert.equal((await csms.waitFor(csmsResult('BootNotification', 'CP-SP1'))).payload.status, 'Accepted');
    // Another CP without --password: refused with 401 (A00.FR.203: a password with every
    // connection request), logs OCPP_ERR_AUTH.
    csms.setAuth({ 'CP-NOKEY': KEY });
    const nokey = h.sim(simArgs(csms.url, 'CP-NOKEY'), { name: 'without-key' });
    await nokey.waitForLine(/OCPP_ERR_AUTH/);
    const r = await csms.waitFor(event('reject', 'CP-NOKEY'));
    assert.deepEqual([r.status, r.auth.present], [401, false]);
});
