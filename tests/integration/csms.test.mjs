// Self-test of the dev CSMS (tools/csms) and of the harness, with an ocpp-rpc client standing
// in for the charge point. Runs without ocpp-sim.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket, scenario, within } from './lib/harness.mjs';

const require = createRequire(import.meta.url);
const { RPCClient, createRPCError } = require('ocpp-rpc');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const BOOT = { chargePointVendor: 'ocpp-c', chargePointModel: 'selftest' };

/** An ocpp-rpc client as a stand-in charge point; closed after the test. */
function client(t, csms, identity, opts = {}) {
    const c = new RPCClient({
        endpoint: csms.url,
        identity,
        protocols: ['ocpp1.6'],
        strictMode: true,
        reconnect: false,
        ...opts,
    });
    t.after(() => c.close({ force: true }).catch(() => {}));
    return c;
}

async function api(csms, method, path, body) {
    const r = await fetch(`${csms.apiUrl}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: await r.json() };
}

test('csms: boot Accepted, Heartbeat, StatusNotification; records, JSON Lines log, /api/messages (OCPP 1.6 §4.2, §4.6, §4.9)', async (t) => {
    const h = scenario(t);
    const log = join(h.tmp(), 'csms.jsonl');
    const csms = await h.csms({ interval: 2, log });
    const cp = client(t, csms, 'CP-1');
    await cp.connect();
    const boot = await cp.call('BootNotification', BOOT);
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 2);
    assert.ok(Math.abs(Date.parse(boot.currentTime) - Date.now()) < 5000);
    const hb = await cp.call('Heartbeat', {});
    assert.ok(hb.currentTime);
    assert.deepEqual(await cp.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' }), {});

    const bootMsg = await csms.waitFor((m) => m.type === 'CALL' && m.action === 'BootNotification');
    assert.equal(bootMsg.identity, 'CP-1');
    assert.equal(bootMsg.dir, 'in');
    assert.deepEqual(bootMsg.payload, BOOT);
    const conf = await csms.waitFor((m) => m.type === 'CALLRESULT' && m.action === 'BootNotification');
    assert.equal(conf.id, bootMsg.id);
    assert.equal(conf.dir, 'out');
    const connect = csms.records.find((r) => r.type === 'connect');
    assert.equal(connect.protocol, 'ocpp1.6');
    assert.equal(connect.remote, '127.0.0.1');
    assert.equal(connect.auth.present, false);

    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.type === 'CALL' && l.action === 'Heartbeat'));
    const since = csms.mark() - 2;
    const r = await api(csms, 'GET', `/messages?since=${since}`);
    assert.equal(r.status, 200);
    assert.equal(r.body[0].seq, since);
    const clients = await api(csms, 'GET', '/clients');
    assert.deepEqual(clients.body.map((c) => [c.identity, c.connected, c.registration]), [['CP-1', true, 'Accepted']]);

    await cp.close();
    await csms.waitFor((m) => m.type === 'disconnect' && m.identity === 'CP-1');
});

test('csms: strict validation rejects a bad BootNotification and records the violation (OCPP-J 1.6 errata §3.8 schemas)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ expectViolations: true });
    const cp = client(t, csms, 'CP-BAD', { strictMode: false });
    await cp.connect();
    // chargePointModel is required; chargePointVendor is limited to 20 characters.
    await assert.rejects(cp.call('BootNotification', { chargePointVendor: 'x' }), (err) => {
        assert.match(err.rpcErrorCode, /Occur+enceConstraintViolation/);
        return true;
    });
    await assert.rejects(cp.call('BootNotification', { chargePointVendor: 'x'.repeat(21), chargePointModel: 'm' }));
    assert.equal(csms.violations.length, 2);
    assert.equal(csms.violations[0].kind, 'schema');
    assert.equal(csms.violations[0].identity, 'CP-BAD');
    const v = await api(csms, 'GET', '/violations');
    assert.equal(v.body.length, 2);
    // A CALLERROR with a code that is not in OCPP-J 1.6 table 7 is a violation too.
    cp.handle('Reset', () => {
        throw createRPCError('RpcFrameworkError', 'not a 1.6 code');
    });
    const r = await csms.callSettled('CP-BAD', 'Reset', { type: 'Soft' });
    assert.equal(r.error.code, 'RpcFrameworkError');
    assert.ok(csms.violations.some((x) => x.kind === 'callerror'));
    // An answer to our call that breaks the .conf schema is a violation.
    cp.handle('GetConfiguration', () => ({ configurationKey: [{ key: 'K' }] })); // readonly missing
    const g = await csms.callSettled('CP-BAD', 'GetConfiguration', {});
    assert.ok(g.error);
    assert.ok(csms.violations.some((x) => x.kind === 'schema' && /GetConfiguration\.conf/.test(x.message)));
});

test('csms: /api/call round trip, CALLERROR and unknown identity (OCPP-J 1.6 §4.2.2, §4.2.3)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const cp = client(t, csms, 'CP-2');
    cp.handle('GetConfiguration', ({ params }) => ({
        configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }],
        unknownKey: (params.key || []).filter((k) => k !== 'HeartbeatInterval'),
    }));
    cp.handle('ChangeConfiguration', () => {
        throw createRPCError('NotSupported', 'nope');
    });
    await cp.connect();
    await cp.call('BootNotification', BOOT);
    const r = await api(csms, 'POST', '/call', { identity: 'CP-2', action: 'GetConfiguration', payload: { key: ['HeartbeatInterval', 'Nope'] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.result.unknownKey, ['Nope']);
    const e = await api(csms, 'POST', '/call', { identity: 'CP-2', action: 'ChangeConfiguration', payload: { key: 'A', value: 'b' } });
    assert.equal(e.body.error.code, 'NotSupported');
    assert.equal(e.body.error.description, 'nope');
    const n = await api(csms, 'POST', '/call', { identity: 'CP-404', action: 'Reset', payload: { type: 'Soft' } });
    assert.equal(n.status, 404);
    // An invalid payload from our side is refused before sending (not the CP's fault).
    await assert.rejects(csms.call('CP-2', 'Reset', { type: 'Medium' }));
    assert.deepEqual(csms.violations, []);
    const calls = csms.messages((m) => m.dir === 'out' && m.type === 'CALL');
    assert.deepEqual(calls.map((m) => m.action), ['GetConfiguration', 'ChangeConfiguration']);
    const errs = csms.messages((m) => m.type === 'CALLERROR');
    assert.equal(errs[0].action, 'ChangeConfiguration');
    assert.equal(errs[0].payload.code, 'NotSupported');
});

test('csms: scripted boot Pending then Accepted; SecurityError and a violation for a CALL while Pending (OCPP 1.6 §4.2, OCPP-J errata §3.10)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ expectViolations: true });
    csms.setBoot('CP-P', [{ status: 'Pending', interval: 1 }, { status: 'Accepted', interval: 2 }]);
    const cp = client(t, csms, 'CP-P');
    await cp.connect();
    const b1 = await cp.call('BootNotification', BOOT);
    assert.deepEqual([b1.status, b1.interval], ['Pending', 1]);
    await assert.rejects(cp.call('Heartbeat', {}), (err) => err.rpcErrorCode === 'SecurityError');
    assert.equal(csms.violations.length, 1);
    assert.equal(csms.violations[0].kind, 'boot');
    // A triggered message is allowed while Pending.
    cp.handle('TriggerMessage', () => ({ status: 'Accepted' }));
    assert.deepEqual(await csms.call('CP-P', 'TriggerMessage', { requestedMessage: 'Heartbeat' }), { status: 'Accepted' });
    assert.ok((await cp.call('Heartbeat', {})).currentTime);
    assert.equal(csms.violations.length, 1);
    await new Promise((r) => setTimeout(r, 1000)); // the CP side of the rule: wait the interval
    const b2 = await cp.call('BootNotification', BOOT);
    assert.deepEqual([b2.status, b2.interval], ['Accepted', 2]);
    const b3 = await cp.call('BootNotification', BOOT);
    assert.equal(b3.status, 'Accepted', 'the last answer repeats');
    assert.equal(csms.violations.length, 1);
});

test('csms: transactions, idTag policy and scripted CALLERROR for the first StopTransaction (OCPP 1.6 §4.8, §4.10)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ idTags: { BLOCKED: { status: 'Blocked' } } });
    csms.callError('StopTransaction', 'InternalError', { times: 1 });
    const cp = client(t, csms, 'CP-T');
    await cp.connect();
    await cp.call('BootNotification', BOOT);
    const ts = new Date().toISOString();
    const a = await cp.call('StartTransaction', { connectorId: 1, idTag: 'TAG1', meterStart: 0, timestamp: ts });
    const b = await cp.call('StartTransaction', { connectorId: 2, idTag: 'BLOCKED', meterStart: 0, timestamp: ts });
    assert.ok(b.transactionId > a.transactionId);
    assert.equal(a.idTagInfo.status, 'Accepted');
    assert.equal(b.idTagInfo.status, 'Blocked');
    assert.equal((await cp.call('Authorize', { idTag: 'BLOCKED' })).idTagInfo.status, 'Blocked');
    const stop = { transactionId: a.transactionId, meterStop: 10, timestamp: ts };
    await assert.rejects(cp.call('StopTransaction', stop), (err) => err.rpcErrorCode === 'InternalError');
    assert.deepEqual(await cp.call('StopTransaction', stop), {});
    const removeOverride = csms.handle('DataTransfer', ({ params }) => ({ status: 'Accepted', data: params.data }));
    assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'x', data: 'd' }), { status: 'Accepted', data: 'd' });
    removeOverride();
    assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'x' }), { status: 'UnknownVendorId' });
    for (const [action, p] of [
        ['SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: ts }],
        ['FirmwareStatusNotification', { status: 'Idle' }],
        ['DiagnosticsStatusNotification', { status: 'Idle' }],
        ['MeterValues', { connectorId: 1, meterValue: [{ timestamp: ts, sampledValue: [{ value: '1' }] }] }],
    ]) {
        assert.deepEqual(await cp.call(action, p), {}, action);
    }
});

test('csms: security profile 1 Basic auth: 401 for a wrong or missing password, wildcard key (security whitepaper §2.3, A00.FR.203/204)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ auth: { 'CP-A': 'secret-key-0123456789', '*': 'wild-0123456789abcdef' } });
    await assert.rejects(client(t, csms, 'CP-A', { password: 'wrong' }).connect(), /401|Unauthorized/);
    await assert.rejects(client(t, csms, 'CP-A').connect(), /401|Unauthorized/);
    const rej = csms.records.filter((r) => r.type === 'reject');
    assert.deepEqual(rej.map((r) => [r.identity, r.status, r.auth.present]), [['CP-A', 401, true], ['CP-A', 401, false]]);
    const ok = client(t, csms, 'CP-A', { password: 'secret-key-0123456789' });
    await ok.connect();
    const c = await csms.waitFor((r) => r.type === 'connect' && r.identity === 'CP-A');
    assert.deepEqual([c.auth.present, c.auth.userMatches, c.auth.passwordOk, c.auth.passwordForm], [true, true, true, 'text']);
    await client(t, csms, 'CP-OTHER', { password: 'wild-0123456789abcdef' }).connect();
    // Hex AuthorizationKey sent as the decoded bytes is accepted too (whitepaper: hex representation).
    csms.setAuth({ 'CP-H': '00112233445566778899aabbccddeeff' });
    await client(t, csms, 'CP-H', { password: Buffer.from('00112233445566778899aabbccddeeff', 'hex') }).connect();
    // Unknown endpoint path -> 404 (OCPP-J 1.6 §3.2).
    const wrong = new RPCClient({ endpoint: `ws://127.0.0.1:${csms.port}/other`, identity: 'CP-A', protocols: ['ocpp1.6'], reconnect: false });
    t.after(() => wrong.close({ force: true }).catch(() => {}));
    await assert.rejects(wrong.connect(), /404|Not Found/);
});

test('csms: security profile 2 over wss with a generated CA; a client trusting another CA fails (security whitepaper §2.4)', async (t) => {
    const h = scenario(t);
    const tls = h.tls();
    const csms = await h.csms({ tls: { cert: tls.cert, key: tls.key }, auth: { 'CP-S': 'tls-key-0123456789abcd' } });
    assert.match(csms.url, /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const ok = client(t, csms, 'CP-S', { password: 'tls-key-0123456789abcd', wsOpts: { ca: readFileSync(tls.ca), minVersion: 'TLSv1.2' } });
    await ok.connect();
    assert.equal((await ok.call('BootNotification', BOOT)).status, 'Accepted');
    const c = await csms.waitFor((r) => r.type === 'connect' && r.identity === 'CP-S');
    assert.match(c.tls, /^TLSv1\.[23]$/);
    const bad = client(t, csms, 'CP-S', { password: 'tls-key-0123456789abcd', wsOpts: { ca: readFileSync(tls.otherCa) } });
    await assert.rejects(bad.connect(), /self[- ]signed|unable to verify|certificate/i);
    await csms.waitFor((r) => r.type === 'tlsError');
    // localhost is in the certificate too.
    const byName = new RPCClient({
        endpoint: `wss://localhost:${csms.port}/ocpp`, identity: 'CP-S', password: 'tls-key-0123456789abcd',
        protocols: ['ocpp1.6'], reconnect: false, wsOpts: { ca: readFileSync(tls.ca) },
    });
    t.after(() => byName.close({ force: true }).catch(() => {}));
    await byName.connect();
});

test('csms: restart on the same port mid-session; the client reconnects and the records go on', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 1 });
    const port = csms.port;
    const cp = client(t, csms, 'CP-R', { reconnect: true, backoff: { initialDelay: 50, maxDelay: 200, randomisationFactor: 0 } });
    await cp.connect();
    await cp.call('BootNotification', BOOT);
    const since = csms.mark();
    await csms.restart({ force: true, downMs: 200 });
    assert.equal(csms.port, port);
    await csms.waitFor((r) => r.type === 'disconnect' && r.identity === 'CP-R', { since });
    const reconnect = await csms.waitFor((r) => r.type === 'connect' && r.identity === 'CP-R', { since });
    assert.equal(reconnect.connection, 2);
    assert.ok((await cp.call('Heartbeat', {})).currentTime);
    // A fresh CSMS object on the same port works as well.
    await csms.stop();
    const again = await h.csms({ port });
    assert.equal(again.port, port);
    await again.waitFor((r) => r.type === 'connect' && r.identity === 'CP-R');
});

test('csms: a client without the ocpp1.6 subprotocol gets no Sec-WebSocket-Protocol and is closed (OCPP-J 1.6 §3.2)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ expectViolations: true });
    // A raw upgrade request: the ws client library itself refuses a reply without a subprotocol.
    const req = request(`http://127.0.0.1:${csms.port}/ocpp/CP-NP`, {
        headers: {
            Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': randomBytes(16).toString('base64'), 'Sec-WebSocket-Protocol': 'ocpp1.5',
        },
    });
    req.end();
    const [res, socket, head] = await within(new Promise((resolve, reject) => {
        req.once('upgrade', (r, s, hd) => resolve([r, s, hd]));
        req.once('error', reject);
    }), 5000, 'upgrade');
    t.after(() => socket.destroy());
    assert.equal(res.statusCode, 101);
    assert.equal(res.headers['sec-websocket-protocol'], undefined);
    // the server then closes: a close frame (opcode 8) with code 1002
    const frame = head.length ? head : await within(new Promise((r) => socket.once('data', r)), 5000, 'close frame');
    assert.equal(frame[0] & 0x0f, 8);
    assert.equal(frame.readUInt16BE(2), 1002);
    assert.equal(csms.violations[0].kind, 'subprotocol');
});

test('harness: raw peer echoes ocpp1.6 or nothing, answers CALLs, reassembles fragments, validates frames', async (t) => {
    const h = scenario(t);
    const raw = await h.raw();
    const none = await h.raw({ protocol: null });
    const ws = new WebSocket(`${raw.url}/X`, ['ocpp1.6']);
    t.after(() => ws.terminate());
    const frames = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    assert.equal(ws.protocol, 'ocpp1.6');
    ws.send(JSON.stringify([2, 'b1', 'BootNotification', BOOT]));
    const conn = await raw.connection(0);
    await conn.waitFrame((f) => f.json && f.json[1] === 'b1');
    await within((async () => { while (frames.length < 1) await new Promise((r) => setTimeout(r, 10)); })(), 5000, 'boot answer');
    assert.equal(frames[0][2].status, 'Accepted');
    // fragmented send from the raw peer arrives as one message
    const got = new Promise((r) => ws.once('message', (d) => r(d.toString())));
    await conn.sendFragmented(JSON.stringify([2, 'f1', 'Heartbeat', {}]), 3);
    assert.equal(await got, '[2,"f1","Heartbeat",{}]');
    const ws2 = new WebSocket(`${none.url}/Y`, ['ocpp1.6']);
    t.after(() => ws2.terminate());
    const err = await new Promise((r) => {
        ws2.once('open', () => r(null));
        ws2.once('error', (e) => r(e));
    });
    assert.match(String(err && err.message), /no subprotocol/i);
    assert.deepEqual(raw.violations, []);
    // an invalid CALL from the "CP" is caught by the raw peer's schema check
    ws.send(JSON.stringify([2, 'b2', 'BootNotification', {}]));
    await conn.waitFrame((f) => f.json && f.json[1] === 'b2');
    assert.equal(raw.violations.length, 1);
    raw.violations.length = 0;
});

test('csms CLI: one "csms: ws://..." line on stdout, clean exit on SIGTERM', async (t) => {
    const p = spawn(process.execPath, [join(ROOT, 'tools/csms/server.mjs'), '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // A failed check must not leave the CLI running (the test process would wait for it until
    // ctest's timeout).
    t.after(() => {
        if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    });
    let out = '';
    // The first line, on the event (a node start with the schemas can take more than 10 s on a
    // loaded machine: the deadline is only a safety net).
    const line = new Promise((resolve, reject) => {
        p.stdout.on('data', (d) => {
            out += d;
            if (out.includes('\n')) resolve();
        });
        p.once('exit', (code, signal) => reject(new Error(`csms CLI exited (${code ?? signal}) before its start line: ${out}`)));
    });
    await within(line, 60000, 'csms CLI start line');
    assert.match(out, /^csms: ws:\/\/127\.0\.0\.1:\d+\/ocpp\n$/);
    const url = out.trim().slice(6);
    const cp = new RPCClient({ endpoint: url, identity: 'CLI-1', protocols: ['ocpp1.6'], reconnect: false });
    await cp.connect();
    assert.equal((await cp.call('BootNotification', BOOT)).status, 'Accepted');
    p.kill('SIGTERM');
    const code = await within(new Promise((r) => p.once('exit', (c) => r(c))), 10000, 'csms CLI exit');
    assert.equal(code, 0);
    await cp.close({ force: true });
});
