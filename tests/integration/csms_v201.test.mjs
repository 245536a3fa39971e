// Self-test of the dev CSMS's OCPP 2.0.1 side (tools/csms), with ocpp-rpc clients and raw
// WebSocket clients standing in for the charging station. Runs without ocpp-sim.
//
// Spec: OCPP 2.0.1 edition 3 Part 2 (B01-B03 registration, G01 StatusNotification, G02
// Heartbeat) and Part 4 (OCPP-J 2.0.1: §3 subprotocol, §4 RPC framework, §4.3 error codes).

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import test from 'node:test';
import { WebSocket, scenario, validator201, within } from './lib/harness.mjs';

const require = createRequire(import.meta.url);
const { RPCClient, createRPCError } = require('ocpp-rpc');

const BOOT = { reason: 'PowerUp', chargingStation: { model: 'selftest', vendorName: 'ocpp-c' } };

/** An ocpp-rpc client as a stand-in charging station (OCPP 2.0.1 unless told); closed after the test. */
function client(t, csms, identity, opts = {}) {
    const c = new RPCClient({
        endpoint: csms.url,
        identity,
        protocols: ['ocpp2.0.1'],
        strictMode: true,
        reconnect: false,
        ...opts,
    });
    t.after(() => c.close({ force: true }).catch(() => {}));
    return c;
}

/** A raw `ws` client offering `protocols`; frames[] collects the parsed answers. */
async function rawClient(t, csms, identity, protocols = ['ocpp2.0.1']) {
    const ws = new WebSocket(`${csms.url}/${identity}`, protocols);
    t.after(() => ws.terminate());
    const frames = [];
    const waiters = new Set();
    ws.on('message', (d) => {
        const f = JSON.parse(d.toString());
        frames.push(f);
        for (const w of [...waiters]) w(f);
    });
    await within(new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
    }), 5000, 'raw client open');
    /** Send a frame (array or text) and wait for the answer with message id `id`. */
    const send = (frame, id) => {
        const got = new Promise((resolve) => {
            const hit = frames.find((f) => f[1] === id);
            if (hit) return resolve(hit);
            const w = (f) => {
                if (f[1] !== id) return;
                waiters.delete(w);
                resolve(f);
            };
            waiters.add(w);
        });
        ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        return within(got, 5000, `answer to ${id}`);
    };
    return { ws, frames, send };
}

test('csms 2.0.1: subprotocol ocpp2.0.1, BootNotification Accepted, Heartbeat, StatusNotification, Authorize, TransactionEvent, DataTransfer; records carry the protocol (OCPP 2.0.1 B01.FR.02, G01, G02.FR.03; OCPP-J 2.0.1 §3.2)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 2, idTags: { BAD: { status: 'Blocked' } } });
    const cp = client(t, csms, 'CS-201');
    await cp.connect();
    assert.equal(cp.protocol, 'ocpp2.0.1');
    const boot = await cp.call('BootNotification', BOOT);
    validator201.validate('urn:BootNotification.conf', boot);
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 2);
    assert.ok(Math.abs(Date.parse(boot.currentTime) - Date.now()) < 5000);
    const hb = await cp.call('Heartbeat', {});
    assert.ok(Math.abs(Date.parse(hb.currentTime) - Date.now()) < 5000, 'G02.FR.03: HeartbeatResponse has the current time');
    const now = new Date().toISOString();
    assert.deepEqual(await cp.call('StatusNotification', { timestamp: now, connectorStatus: 'Available', evseId: 1, connectorId: 1 }), {});
    assert.deepEqual(await cp.call('Authorize', { idToken: { idToken: 'GOOD', type: 'ISO14443' } }), { idTokenInfo: { status: 'Accepted' } });
    assert.deepEqual(await cp.call('Authorize', { idToken: { idToken: 'BAD', type: 'ISO14443' } }), { idTokenInfo: { status: 'Blocked' } });
    const txBase = { timestamp: now, seqNo: 0, transactionInfo: { transactionId: 'tx-1' }, evse: { id: 1, connectorId: 1 } };
    assert.deepEqual(await cp.call('TransactionEvent', { ...txBase, eventType: 'Started', triggerReason: 'Authorized', idToken: { idToken: 'BAD', type: 'ISO14443' } }),
        { idTokenInfo: { status: 'Blocked' } });
    assert.deepEqual(await cp.call('TransactionEvent', { ...txBase, seqNo: 1, eventType: 'Ended', triggerReason: 'StopAuthorized' }), {});
    assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'com.example' }), { status: 'UnknownVendorId' });
    assert.deepEqual(await cp.call('NotifyEvent', {
        generatedAt: now, seqNo: 0,
        eventData: [{ eventId: 1, timestamp: now, trigger: 'Delta', actualValue: 'Occupied', eventNotificationType: 'HardWiredNotification', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'AvailabilityState' } }],
    }), {});

    const connect = await csms.waitFor((r) => r.type === 'connect' && r.identity === 'CS-201');
    assert.equal(connect.protocol, 'ocpp2.0.1');
    assert.deepEqual(connect.protocols, ['ocpp2.0.1']);
    const msgs = csms.messages((m) => m.identity === 'CS-201');
    assert.ok(msgs.length >= 18);
    assert.ok(msgs.every((m) => m.protocol === 'ocpp2.0.1'), 'every message record has protocol ocpp2.0.1');
    const conf = await csms.waitFor((m) => m.type === 'CALLRESULT' && m.action === 'BootNotification');
    assert.deepEqual(Object.keys(conf.payload).sort(), ['currentTime', 'interval', 'status']);
    const clients = await (await fetch(`${csms.apiUrl}/clients`)).json();
    assert.deepEqual(clients.map((c) => [c.identity, c.protocol, c.registration]), [['CS-201', 'ocpp2.0.1', 'Accepted']]);
    assert.deepEqual(csms.violations, []);
});

test('csms 2.0.1: the subprotocol is the first of the client\'s offer that the CSMS speaks; opts.protocols restricts (OCPP-J 2.0.1 §3.1.2, §3.1.3, §3.2)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const a = client(t, csms, 'CS-A', { protocols: ['ocpp2.0.1', 'ocpp1.6'] });
    await a.connect();
    assert.equal(a.protocol, 'ocpp2.0.1');
    const b = client(t, csms, 'CS-B', { protocols: ['ocpp1.6', 'ocpp2.0.1'], strictMode: false });
    await b.connect();
    assert.equal(b.protocol, 'ocpp1.6');
    assert.equal((await b.call('BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' })).status, 'Accepted');
    const c = client(t, csms, 'CS-C', { protocols: ['ocpp2.1', 'ocpp2.0.1'] });
    await c.connect();
    assert.equal(c.protocol, 'ocpp2.0.1');
    const only16 = await h.csms({ protocols: ['ocpp1.6'] });
    const d = client(t, only16, 'CS-D', { protocols: ['ocpp2.0.1', 'ocpp1.6'], strictMode: false });
    await d.connect();
    assert.equal(d.protocol, 'ocpp1.6');
    const ev = csms.records.filter((r) => r.type === 'connect').map((r) => [r.identity, r.protocol]);
    assert.deepEqual(ev, [['CS-A', 'ocpp2.0.1'], ['CS-B', 'ocpp1.6'], ['CS-C', 'ocpp2.0.1']]);
    assert.deepEqual(csms.messages((m) => m.identity === 'CS-B').map((m) => m.protocol), ['ocpp1.6', 'ocpp1.6']);
});

test('csms 2.0.1: invalid and malformed messages are violations; CALLERROR codes in 2.0.1 spelling (OCPP-J 2.0.1 §4.1.4, §4.2.3, §4.3 table 8)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ expectViolations: true });
    const cp = client(t, csms, 'CS-BAD', { strictMode: false });
    await cp.connect();
    const kinds = () => csms.violations.map((v) => v.kind);

    // A required field missing: schema violation, answered OccurrenceConstraintViolation (2.0.1
    // spelling, table 8; ocpp-rpc's own mapping would give the 1.6 spelling).
    await assert.rejects(cp.call('BootNotification', { reason: 'PowerUp' }), (err) => {
        assert.equal(err.rpcErrorCode, 'OccurrenceConstraintViolation');
        assert.ok(err.message.length <= 255, 'ErrorDescription string[255] (§4.2.3 table 7)');
        return true;
    });
    assert.deepEqual(kinds(), ['schema']);
    assert.match(csms.violations[0].message, /charge point sent an invalid BootNotification\.req/);
    // A 1.6 payload on a 2.0.1 connection is a schema violation as well.
    await assert.rejects(cp.call('BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' }));
    assert.deepEqual(kinds(), ['schema', 'schema']);
    // An action 2.0.1 does not know: NotImplemented ("Requested Action is not known by receiver").
    await assert.rejects(cp.call('StartTransaction', { connectorId: 1, idTag: 'X', meterStart: 0, timestamp: new Date().toISOString() }),
        (err) => err.rpcErrorCode === 'NotImplemented');
    assert.equal(kinds().length, 3);
    // Boot properly, then a CSMS -> CS action sent by the charging station.
    assert.equal((await cp.call('BootNotification', BOOT)).status, 'Accepted');
    await assert.rejects(cp.call('Reset', { type: 'Immediate' }), (err) => err.rpcErrorCode === 'NotSupported');
    assert.equal(kinds()[3], 'direction');

    // Raw frames: an id over 36 characters, CALLERRORs with 1.6 codes or a too long description.
    const raw = await rawClient(t, csms, 'CS-BAD');
    const longId = 'x'.repeat(37);
    assert.equal((await raw.send([2, longId, 'Heartbeat', {}], longId))[0], 3);
    assert.equal(csms.violations.at(-1).kind, 'messageId');
    assert.match(csms.violations.at(-1).message, /OCPP-J 2\.0\.1 §4\.1\.4/);
    // same id again on this connection
    assert.equal((await raw.send([2, 'dup-1', 'Heartbeat', {}], 'dup-1'))[0], 3);
    raw.ws.send(JSON.stringify([2, 'dup-1', 'Heartbeat', {}]));
    await csms.waitFor((r) => r.type === 'violation' && /reused on the same connection/.test(r.message));

    const answerWith = async (frameFor) => {
        const since = csms.mark();
        const call = csms.callSettled('CS-BAD', 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }, { timeout: 5000 });
        const req = await csms.waitFor((m) => m.type === 'CALL' && m.dir === 'out' && m.action === 'GetVariables', { since });
        raw.ws.send(JSON.stringify(frameFor(req.id)));
        return call;
    };
    const n0 = csms.violations.length;
    const r1 = await answerWith((id) => [4, id, 'FormationViolation', '1.6 spelling', {}]);
    assert.equal(r1.error.code, 'FormationViolation');
    assert.match(csms.violations.at(-1).message, /not an OCPP-J 2\.0\.1 error code/);
    await answerWith((id) => [4, id, 'OccurenceConstraintViolation', '1.6 spelling', {}]);
    await answerWith((id) => [4, id, 'GenericError', 'd'.repeat(256), {}]);
    assert.match(csms.violations.at(-1).message, /longer than 255/);
    await answerWith((id) => [4, id, 'GenericError', 'no details']); // 4 elements, no ErrorDetails: two rules
    assert.deepEqual(csms.violations.slice(n0).map((v) => v.kind), ['callerror', 'callerror', 'callerror', 'callerror', 'callerror']);
    // 2.0.1 codes are fine: MessageTypeNotSupported, RpcFrameworkError, FormatViolation, ...
    const n1 = csms.violations.length;
    for (const code of ['MessageTypeNotSupported', 'RpcFrameworkError', 'FormatViolation', 'OccurrenceConstraintViolation']) {
        const r = await answerWith((id) => [4, id, code, '', {}]);
        assert.equal(r.error.code, code);
    }
    // A schema-invalid GetVariablesResponse (attributeStatus missing).
    const bad = await answerWith((id) => [3, id, { getVariableResult: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }]);
    assert.ok(bad.error);
    assert.deepEqual(csms.violations.slice(n1).map((v) => v.kind), ['schema']);
    assert.match(csms.violations.at(-1).message, /GetVariables\.conf/);
    // Invalid JSON is a badMessage.
    raw.ws.send('[2, "j1", "Heartbeat", {');
    await csms.waitFor((r) => r.type === 'violation' && r.kind === 'badMessage');
});

test('csms 2.0.1: call() validates with the 2.0.1 schemas of the connection; TriggerMessage allows the triggered message while Pending', async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    csms.setBoot('CS-P', [{ status: 'Pending', interval: 30 }, { status: 'Accepted', interval: 300 }]);
    const cp = client(t, csms, 'CS-P');
    cp.handle('GetVariables', ({ params }) => ({
        getVariableResult: params.getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: '300', component: d.component, variable: d.variable })),
    }));
    cp.handle('TriggerMessage', () => ({ status: 'Accepted' }));
    cp.handle('GetBaseReport', () => ({ status: 'Accepted' }));
    await cp.connect();
    const p = await cp.call('BootNotification', BOOT);
    assert.equal(p.status, 'Pending');
    assert.equal(p.interval, 30);
    // B02.FR.01: the CSMS may retrieve information while Pending.
    const g = await csms.call('CS-P', 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
    assert.equal(g.getVariableResult[0].attributeValue, '300');
    // Our own invalid payloads and 1.6 actions are refused before they go out (no violation).
    await assert.rejects(csms.call('CS-P', 'GetVariables', { key: ['HeartbeatInterval'] }));
    await assert.rejects(csms.call('CS-P', 'GetConfiguration', {}), (err) => err.rpcErrorCode === 'NotImplemented');
    // Triggered: Heartbeat, and NotifyReport after GetBaseReport (B02.FR.02), are answered normally.
    assert.equal((await csms.call('CS-P', 'TriggerMessage', { requestedMessage: 'Heartbeat' })).status, 'Accepted');
    assert.ok((await cp.call('Heartbeat', {})).currentTime);
    assert.equal((await csms.call('CS-P', 'GetBaseReport', { requestId: 1, reportBase: 'ConfigurationInventory' })).status, 'Accepted');
    const now = new Date().toISOString();
    assert.deepEqual(await cp.call('NotifyReport', { requestId: 1, generatedAt: now, seqNo: 0 }), {});
    // A triggered BootNotification may come before the interval (B02.FR.04 "unless requested").
    assert.equal((await csms.call('CS-P', 'TriggerMessage', { requestedMessage: 'BootNotification' })).status, 'Accepted');
    assert.equal((await cp.call('BootNotification', { ...BOOT, reason: 'Triggered' })).status, 'Accepted');
    assert.deepEqual(csms.violations, []);
});

test('csms 2.0.1: Pending and Rejected rules: SecurityError and violations (OCPP 2.0.1 B02.FR.02, B02.FR.04, B02.FR.09, B03.FR.02, B03.FR.07, B03.FR.08)', async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ expectViolations: true });
    csms.setBoot('CS-PEND', [{ status: 'Pending', interval: 30 }]);
    const cp = client(t, csms, 'CS-PEND');
    await cp.connect();
    assert.equal((await cp.call('BootNotification', BOOT)).status, 'Pending');
    // B02.FR.02 (CS) and B02.FR.09 (CSMS answers SecurityError).
    await assert.rejects(cp.call('Heartbeat', {}), (err) => err.rpcErrorCode === 'SecurityError');
    assert.equal(csms.violations.length, 1);
    assert.match(csms.violations[0].message, /B02\.FR\.02/);
    // B02.FR.04: a BootNotificationRequest before the interval on the same connection.
    assert.equal((await cp.call('BootNotification', BOOT)).status, 'Pending');
    assert.match(csms.violations[1].message, /B02\.FR\.04/);

    csms.setBoot('CS-REJ', [{ status: 'Rejected', interval: 30 }]);
    const rej = client(t, csms, 'CS-REJ');
    await rej.connect();
    assert.equal((await rej.call('BootNotification', BOOT)).status, 'Rejected');
    // B03.FR.08: the CS answers a CSMS request with CALLERROR SecurityError: no violation.
    rej.handle('GetVariables', () => {
        throw createRPCError('SecurityError', 'not accepted');
    });
    const n = csms.violations.length;
    const r = await csms.callSettled('CS-REJ', 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
    assert.equal(r.error.code, 'SecurityError');
    assert.equal(csms.violations.length, n);
    assert.ok(csms.records.some((x) => x.type === 'warning' && /B03\.FR\.03/.test(x.message)), 'the CSMS notes that it should not initiate');
    // B03.FR.07: a CALL other than BootNotification -> SecurityError, and B03.FR.02 a violation.
    await assert.rejects(rej.call('Heartbeat', {}), (err) => err.rpcErrorCode === 'SecurityError');
    assert.match(csms.violations.at(-1).message, /B03\.FR\.02/);
    // A BootNotificationRequest before the interval ran out.
    await rej.call('BootNotification', BOOT);
    assert.match(csms.violations.at(-1).message, /B03\.FR\.02/);
    // A CALLRESULT while Rejected.
    rej.handle('GetVariables', ({ params }) => ({
        getVariableResult: params.getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: '1', component: d.component, variable: d.variable })),
    }));
    await csms.call('CS-REJ', 'GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
    assert.match(csms.violations.at(-1).message, /B03\.FR\.08/);
    assert.ok(csms.violations.every((v) => v.kind === 'boot'), JSON.stringify(csms.violations.map((v) => v.message)));
});

test('harness: a raw peer agrees ocpp2.0.1 from a list and checks frames against the 2.0.1 schemas and error codes', async (t) => {
    const h = scenario(t);
    const raw = await h.raw({ protocol: ['ocpp2.0.1', 'ocpp1.6'] });
    const ws = new WebSocket(`${raw.url}/X`, ['ocpp2.0.1', 'ocpp1.6']);
    t.after(() => ws.terminate());
    const answers = [];
    ws.on('message', (d) => answers.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    assert.equal(ws.protocol, 'ocpp2.0.1');
    const conn = await raw.connection(0);
    ws.send(JSON.stringify([2, 'b1', 'BootNotification', BOOT]));
    await conn.waitFrame((f) => f.json && f.json[1] === 'b1');
    ws.send(JSON.stringify([2, 'a1', 'Authorize', { idToken: { idToken: 'T', type: 'ISO14443' } }]));
    await conn.waitFrame((f) => f.json && f.json[1] === 'a1');
    await within((async () => { while (answers.length < 2) await new Promise((r) => setTimeout(r, 10)); })(), 5000, 'answers');
    validator201.validate('urn:BootNotification.conf', answers[0][2]);
    validator201.validate('urn:Authorize.conf', answers[1][2]);
    assert.deepEqual(raw.violations, []);
    // a 1.6 BootNotification and a 1.6-spelled error code are violations on a 2.0.1 connection
    ws.send(JSON.stringify([2, 'b2', 'BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' }]));
    await conn.waitFrame((f) => f.json && f.json[1] === 'b2');
    conn.pending.set('r1', 'Reset');
    ws.send(JSON.stringify([4, 'r1', 'FormationViolation', '', {}]));
    await conn.waitFrame((f) => f.json && f.json[1] === 'r1');
    assert.equal(raw.violations.length, 2);
    assert.match(raw.violations[1].error, /OCPP-J 2\.0\.1/);
    raw.violations.length = 0;
});
