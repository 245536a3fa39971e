// OCPP 2.0.1 end-to-end acceptance test of the charge point: `ocpp-sim --ocpp 2.0.1` against
// the dev CSMS (tools/csms), which validates every message in both directions against the
// OCPP 2.0.1 JSON schemas (ocpp-rpc strictMode) and checks the OCPP-J 2.0.1 rules; the harness
// fails a test on any schema or protocol violation and on an unclean exit on SIGTERM.
//
// Spec: OCPP 2.0.1 edition 3, Part 2: B01 Cold Boot, B05 Set Variables, B06 Get Variables,
// B11 Reset without ongoing transaction, G01 Status Notification, G02 Heartbeat; Part 4
// (OCPP-J 2.0.1) §3 subprotocol; Part 2 Appendices 2.1.5 OCPPCommCtrlr.HeartbeatInterval
// (integer, unit s, minLimit 1, ReadWrite, attribute Actual only).
//
// In 2.0.1 mode ocpp-sim takes device-model variables as --config Component.Variable=VALUE.
// The test skips (visibly, with the reason) when OCPP_SIM is unset or `ocpp-sim --help` does
// not mention --ocpp.

import assert from 'node:assert/strict';
import test from 'node:test';
import { assertCadence, cfgArgs, cpCall, csmsResult, event, needSim201, scenario, simArgs, timeline, validator201 } from './lib/harness.mjs';

const skip = needSim201();
const OCPP201 = ['--ocpp', '2.0.1'];
const HB = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };

/** A dev CSMS (boot interval `interval`) and one ocpp-sim in 2.0.1 mode with `connectors`. */
async function start201(t, id, { interval = 2, connectors = 2, args = [], csms: co = {} } = {}) {
    const h = scenario(t);
    const csms = await h.csms({ interval, ...co });
    const sim = h.sim(simArgs(csms.url, id, ...OCPP201, '--connectors', String(connectors), ...args));
    return { h, csms, sim };
}

/** Wait for the BootNotificationRequest of `id` and our Accepted answer; returns both records. */
async function bootAccepted(csms, id, { since = 0 } = {}) {
    const req = await csms.waitFor(cpCall('BootNotification', id), { since, timeout: 20000, what: `BootNotificationRequest of ${id}` });
    const conf = await csms.waitFor((m) => csmsResult('BootNotification', id)(m) && m.id === req.id, { since, timeout: 20000 });
    assert.equal(conf.payload.status, 'Accepted');
    return { req, conf };
}

/**
 * Wait until StatusNotificationRequests from `since` reported connectorStatus Available for
 * connector 1 of every EVSE 1..n (the last report per EVSE counts: an earlier Unavailable, B01
 * scenario step 4, is allowed). Returns the StatusNotification records.
 */
async function availableForAll(csms, id, n, since) {
    const last = new Map();
    await csms.waitFor((m) => {
        if (cpCall('StatusNotification', id)(m)) last.set(`${m.payload.evseId}/${m.payload.connectorId}`, m.payload.connectorStatus);
        return [...Array(n).keys()].every((i) => last.get(`${i + 1}/1`) === 'Available');
    }, { since, timeout: 20000, what: `StatusNotificationRequest Available for EVSE 1..${n} of ${id}` });
    return csms.messages(cpCall('StatusNotification', id), since);
}

/** GetVariables with one GetVariableData; checks B06.FR.01/02 and returns the single result. */
async function getVariable(csms, id, data) {
    const r = await csms.call(id, 'GetVariables', { getVariableData: [data] });
    validator201.validate('urn:GetVariables.conf', r); // the CSMS checked it already (strict mode)
    assert.equal(r.getVariableResult.length, 1, 'B06.FR.01: one GetVariableResult per GetVariableData');
    const res = r.getVariableResult[0];
    assert.equal(res.component.name, data.component.name, 'B06.FR.02: the same component');
    assert.equal(res.variable.name, data.variable.name, 'B06.FR.02: the same variable');
    return res;
}

/** SetVariables with one SetVariableData; checks B05.FR.01/02/03/12 and returns the single result. */
async function setVariable(csms, id, data) {
    const r = await csms.call(id, 'SetVariables', { setVariableData: [data] });
    validator201.validate('urn:SetVariables.conf', r);
    assert.equal(r.setVariableResult.length, 1, 'B05.FR.01: one SetVariableResult per SetVariableData');
    const res = r.setVariableResult[0];
    assert.equal(res.component.name, data.component.name, 'B05.FR.02: the same component');
    assert.equal(res.variable.name, data.variable.name, 'B05.FR.02: the same variable');
    // B05.FR.03: the same attributeType; B05.FR.12: Actual when the request had none.
    assert.equal(res.attributeType, data.attributeType ?? 'Actual', 'B05.FR.03 / B05.FR.12: attributeType');
    return res;
}

test('OCPP 2.0.1 B01.FR.01 B01.FR.09: the charging station connects with subprotocol ocpp2.0.1 (OCPP-J 2.0.1 §3.1.2) and sends BootNotificationRequest {reason PowerUp, chargingStation {model, vendorName}} first (B01.FR.08); Accepted (B01.FR.02)', { skip }, async (t) => {
    const { csms } = await start201(t, 'CS201-BOOT', { interval: 300 });
    const connect = await csms.waitFor(event('connect', 'CS201-BOOT'), { timeout: 20000 });
    assert.ok(connect.protocols.includes('ocpp2.0.1'), `offered subprotocols: ${connect.protocols}`);
    assert.equal(connect.protocol, 'ocpp2.0.1', 'the agreed subprotocol');
    const { req, conf } = await bootAccepted(csms, 'CS201-BOOT');
    assert.equal(req.protocol, 'ocpp2.0.1');
    // Schema-valid (the CSMS's strict mode checked it; this names it explicitly).
    validator201.validate('urn:BootNotification.req', req.payload);
    assert.equal(req.payload.reason, 'PowerUp', 'B01.FR.09: reason for a first start with a fresh data dir');
    const cs = req.payload.chargingStation;
    assert.equal(typeof cs.model, 'string');
    assert.ok(cs.model.length > 0 && cs.model.length <= 20, 'chargingStation.model string[20]');
    assert.equal(typeof cs.vendorName, 'string');
    assert.ok(cs.vendorName.length > 0 && cs.vendorName.length <= 50, 'chargingStation.vendorName string[50]');
    // B01.FR.08: no other request between power-on and the Accepted answer.
    const first = csms.messages((m) => m.identity === 'CS201-BOOT' && m.dir === 'in' && m.type === 'CALL')[0];
    assert.equal(first.id, req.id, 'the first CALL is the BootNotificationRequest');
    assert.ok(csms.messages((m) => m.identity === 'CS201-BOOT' && m.dir === 'in' && m.type === 'CALL' && m.seq < conf.seq).length === 1,
        'B01.FR.08: nothing else before the answer');
    validator201.validate('urn:BootNotification.conf', conf.payload);
    assert.deepEqual([conf.payload.status, conf.payload.interval], ['Accepted', 300]);
    // A StatusNotificationRequest follows (B01.FR.05), and still exactly one BootNotificationRequest.
    await availableForAll(csms, 'CS201-BOOT', 2, conf.seq);
    assert.equal(csms.messages(cpCall('BootNotification', 'CS201-BOOT')).length, 1, 'one BootNotificationRequest');
    assert.deepEqual(csms.violations, []);
});

test('OCPP 2.0.1 B01.FR.05 G01.FR.01: after Accepted a StatusNotificationRequest Available with a timestamp for connector 1 of every EVSE 1..N (--connectors 1 and 2; the default build allows OCPP_CONFIG_MAX_CONNECTORS 2)', { skip }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const counts = [1, 2];
    for (const n of counts) h.sim(simArgs(csms.url, `CS201-SN${n}`, ...OCPP201, '--connectors', String(n)), { name: `sn${n}` });
    await Promise.all(counts.map(async (n) => {
        const id = `CS201-SN${n}`;
        const { conf } = await bootAccepted(csms, id);
        const sns = await availableForAll(csms, id, n, 0);
        assert.ok(sns.length >= n, `${id}: ${sns.length} StatusNotificationRequests`);
        for (const s of sns) {
            const p = s.payload;
            validator201.validate('urn:StatusNotification.req', p);
            // B01.FR.08 / B02.FR.02: nothing but BootNotificationRequest before Accepted.
            assert.ok(s.seq > conf.seq, `${id}: StatusNotificationRequest after the Accepted answer`);
            assert.ok(Number.isInteger(p.evseId) && p.evseId >= 1 && p.evseId <= n, `${id}: evseId ${p.evseId} in 1..${n}`);
            assert.equal(p.connectorId, 1, `${id}: one connector per EVSE, connectorId 1`);
            // G01.FR.01: a valid ConnectorStatus; B01 scenario 4-5: Unavailable (optional) then Available.
            assert.ok(['Available', 'Unavailable'].includes(p.connectorStatus), `${id}: EVSE ${p.evseId} ${p.connectorStatus}`);
            const ts = Date.parse(p.timestamp);
            assert.ok(Number.isFinite(ts), `${id}: timestamp "${p.timestamp}" is a date-time`);
            assert.ok(Math.abs(ts - s.t) < 60000, `${id}: timestamp ${p.timestamp} within a minute of its receipt`);
        }
        assert.deepEqual([...new Set(sns.map((s) => s.payload.evseId))].sort(), [...Array(n).keys()].map((i) => i + 1), `${id}: every EVSE reported`);
        // G01 answer: StatusNotificationResponse {} (schema-checked by the CSMS).
        const answers = await csms.waitForCount(csmsResult('StatusNotification', id), sns.length, { timeout: 5000 });
        assert.ok(answers.every((a) => JSON.stringify(a.payload) === '{}'));
    }));
    assert.deepEqual(csms.violations, []);
});

test('OCPP 2.0.1 B01.FR.04 G02.FR.01 G02.FR.02: BootNotificationResponse interval 2 -> HeartbeatRequest about every 2 s', { skip }, async (t) => {
    const { csms } = await start201(t, 'CS201-HB', { interval: 2, connectors: 2 });
    const { conf } = await bootAccepted(csms, 'CS201-HB');
    const hbs = await csms.waitForCount(cpCall('Heartbeat', 'CS201-HB'), 4, { since: conf.seq, timeout: 20000, what: '4 HeartbeatRequests' });
    for (const hb of hbs) validator201.validate('urn:Heartbeat.req', hb.payload);
    assertCadence(hbs, { min: 1500, max: 4000, what: 'HeartbeatRequest at interval 2 s', detail: timeline(csms, hbs[0], hbs.at(-1)) });
    const answers = await csms.waitForCount(csmsResult('Heartbeat', 'CS201-HB'), 4, { since: conf.seq, timeout: 5000 });
    assert.ok(answers.every((a) => typeof a.payload.currentTime === 'string'), 'G02.FR.03: HeartbeatResponse with currentTime');
    assert.deepEqual(csms.violations, []);
});

test('OCPP 2.0.1 B06.FR.10 B06.FR.06 B06.FR.07 B06.FR.08: GetVariables OCPPCommCtrlr.HeartbeatInterval Accepted "2"; unknown component, unknown variable, attributeType Target -> UnknownComponent, UnknownVariable, NotSupportedAttributeType without attributeValue', { skip }, async (t) => {
    const id = 'CS201-GET';
    const { csms } = await start201(t, id, { interval: 2, args: cfgArgs('OCPPCommCtrlr.HeartbeatInterval=2') });
    await bootAccepted(csms, id);

    // B06.FR.10 (Accepted, the value), B06.FR.11 (no attributeType -> Actual).
    const hb = await getVariable(csms, id, HB);
    assert.equal(hb.attributeStatus, 'Accepted', 'B06.FR.10');
    assert.equal(hb.attributeValue, '2', 'B06.FR.10: the value of OCPPCommCtrlr.HeartbeatInterval');
    assert.equal(hb.attributeType, 'Actual', 'B06.FR.11: attributeType Actual when the request had none');
    // B06.FR.03: an explicit attributeType comes back.
    const actual = await getVariable(csms, id, { ...HB, attributeType: 'Actual' });
    assert.deepEqual([actual.attributeStatus, actual.attributeValue, actual.attributeType], ['Accepted', '2', 'Actual'], 'B06.FR.03');

    // B06.FR.06: unknown component -> UnknownComponent, attributeValue omitted.
    const uc = await getVariable(csms, id, { component: { name: 'NoSuchCtrlr' }, variable: { name: 'HeartbeatInterval' } });
    assert.equal(uc.attributeStatus, 'UnknownComponent', 'B06.FR.06');
    assert.equal(uc.attributeValue, undefined, 'B06.FR.06: SHALL omit the attributeValue');
    // B06.FR.07: a variable unknown for a known component -> UnknownVariable, attributeValue omitted.
    const uv = await getVariable(csms, id, { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } });
    assert.equal(uv.attributeStatus, 'UnknownVariable', 'B06.FR.07');
    assert.equal(uv.attributeValue, undefined, 'B06.FR.07: SHALL omit the attributeValue');
    // B06.FR.08: HeartbeatInterval has only an Actual attribute (Part 2 Appendices 2.1.5).
    const tg = await getVariable(csms, id, { ...HB, attributeType: 'Target' });
    assert.equal(tg.attributeStatus, 'NotSupportedAttributeType', 'B06.FR.08');
    assert.equal(tg.attributeValue, undefined, 'B06.FR.08: SHALL omit the attributeValue');
    assert.equal(tg.attributeType, 'Target', 'B06.FR.03: the same attributeType');
    assert.deepEqual(csms.violations, []);
});

test('OCPP 2.0.1 B05.FR.10 B05.FR.07 B05.FR.05 B05.FR.04 B05.FR.06: SetVariables HeartbeatInterval "3" Accepted, read back "3", heartbeats every 3 s; non-integer -> Rejected; unknown variable / component / attributeType -> UnknownVariable / UnknownComponent / NotSupportedAttributeType', { skip }, async (t) => {
    const id = 'CS201-SET';
    const { csms } = await start201(t, id, { interval: 2, args: cfgArgs('OCPPCommCtrlr.HeartbeatInterval=2') });
    const { conf } = await bootAccepted(csms, id);
    // Running at 2 s first, so the change below is visible.
    await csms.waitForCount(cpCall('Heartbeat', id), 2, { since: conf.seq, timeout: 20000, what: 'two heartbeats at 2 s' });

    // B05.FR.10: the value could be set -> Accepted (B05.FR.12: attributeType Actual).
    const set = await setVariable(csms, id, { ...HB, attributeValue: '3' });
    assert.equal(set.attributeStatus, 'Accepted', 'B05.FR.10');
    const got = await getVariable(csms, id, HB);
    assert.deepEqual([got.attributeStatus, got.attributeValue], ['Accepted', '3'], 'B06.FR.10: the new value');

    // B05.FR.07: incorrectly formatted for an integer variable -> Rejected; the value stays.
    for (const bad of ['abc', '2.5']) {
        const r = await setVariable(csms, id, { ...HB, attributeValue: bad });
        assert.equal(r.attributeStatus, 'Rejected', `B05.FR.07: "${bad}" is not an integer`);
    }
    // B05.FR.05: unknown variable of a known component.
    const uv = await setVariable(csms, id, { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' }, attributeValue: '1' });
    assert.equal(uv.attributeStatus, 'UnknownVariable', 'B05.FR.05');
    // B05.FR.04: unknown component.
    const uc = await setVariable(csms, id, { component: { name: 'NoSuchCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '5' });
    assert.equal(uc.attributeStatus, 'UnknownComponent', 'B05.FR.04');
    // B05.FR.06: an attributeType the variable does not have (HeartbeatInterval: Actual only).
    const at = await setVariable(csms, id, { ...HB, attributeType: 'Target', attributeValue: '5' });
    assert.equal(at.attributeStatus, 'NotSupportedAttributeType', 'B05.FR.06');
    const still = await getVariable(csms, id, HB);
    assert.equal(still.attributeValue, '3', 'the rejected SetVariables changed nothing');

    // G02.FR.02: heartbeats now follow the new interval. From here on the CSMS sends nothing, so
    // no other exchange resets the heartbeat timer (G02.FR.05).
    const since = csms.mark();
    const hbs = await csms.waitForCount(cpCall('Heartbeat', id), 4, { since, timeout: 25000, what: '4 HeartbeatRequests at 3 s' });
    assertCadence(hbs, { min: 2500, max: 5000, what: 'HeartbeatRequest at interval 3 s', detail: timeline(csms, hbs[0], hbs.at(-1)) });
    assert.deepEqual(csms.violations, []);
});

test('OCPP 2.0.1 B11.FR.01 B11.FR.03 B11.FR.04: Reset OnIdle without a transaction -> ResetResponse Accepted, then the station reboots: new connection, BootNotificationRequest reason RemoteReset (B01.FR.03, B01.FR.09), StatusNotificationRequests again', { skip }, async (t) => {
    const id = 'CS201-RST';
    const { csms } = await start201(t, id, { interval: 300, connectors: 2 });
    const { conf } = await bootAccepted(csms, id);
    await availableForAll(csms, id, 2, conf.seq);
    const since = csms.mark();
    const r = await csms.call(id, 'Reset', { type: 'OnIdle' });
    validator201.validate('urn:Reset.conf', r);
    assert.equal(r.status, 'Accepted', 'B11.FR.01 / B11.FR.03: idle, no transaction: Accepted');
    // B11.FR.03: SHALL start a reboot; B11.FR.04 / B01.FR.03: connect again and send a BootNotificationRequest.
    const reconnect = await csms.waitFor((m) => event('connect', id)(m) && m.connection === 2, { since, timeout: 30000, what: 'the reconnect after the reset' });
    assert.equal(reconnect.protocol, 'ocpp2.0.1');
    const { req, conf: conf2 } = await bootAccepted(csms, id, { since });
    assert.equal(req.payload.reason, 'RemoteReset', 'B01.FR.09: BootReason of a reboot after a ResetRequest');
    assert.ok(req.seq > reconnect.seq, 'the BootNotificationRequest comes on the new connection');
    await availableForAll(csms, id, 2, conf2.seq);
    assert.deepEqual(csms.violations, []);
});
