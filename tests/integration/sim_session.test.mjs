// Charging sessions driven through ocpp-sim's REST API against the dev CSMS (strict schemas):
// the EVSE application on the simulated board, the library's connector state machine,
// authorization and transactions.

import assert from 'node:assert/strict';
import test from 'node:test';
import { cpCall, needSim, scenario, simArgs } from './lib/harness.mjs';

const SPEED = '60'; // one real second = one simulated minute: energy rises quickly

async function bootSim(t, id, extra = []) {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, id, '--speed', SPEED, '--connectors', '2', ...extra));
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    return { h, csms, sim };
}

const conn = (n) => (s) => s.connectors[n - 1];
const statusOf = (n, status) => (s) => conn(n)(s).status === status;

async function post(sim, path, body) {
    const r = await sim.api('POST', path, body);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return r.json;
}

test('OCPP 1.6 §4.9/§5 plug -> card -> Charging -> energy rises -> unplug: StopTransaction carries the metered energy', { skip: needSim }, async (t) => {
    const { csms, sim } = await bootSim(t, 'SIM-S1');
    const before = await sim.api('GET', '/api/state');
    const e0 = conn(1)(before.json).energyWh;
    await post(sim, '/api/connectors/1/plug', { evMaxCurrentA: 16, batteryWh: 50000, socPercent: 30 });
    // §4.9: plugging in without authorization is Preparing.
    await sim.waitState(statusOf(1, 'Preparing'), { what: 'Preparing' });
    await post(sim, '/api/rfid', { idTag: 'TAG-1', connector: 1 });
    const st = await sim.waitState((s) => conn(1)(s).status === 'Charging' && conn(1)(s).transactionId !== null, { what: 'Charging' });
    const c = conn(1)(st);
    assert.equal(c.idTag, 'TAG-1');
    assert.equal(c.relayClosed, true);
    assert.equal(c.pilot, 'C');
    const start = await csms.waitFor(cpCall('StartTransaction', 'SIM-S1'));
    assert.equal(start.payload.connectorId, 1);
    assert.equal(start.payload.idTag, 'TAG-1');
    // Energy rises with the physics (16 A x 3 x 230 V = ~11 kW at 60x).
    const rising = await sim.waitState((s) => conn(1)(s).energyWh >= e0 + 200, { what: 'energy rising' });
    assert.ok(conn(1)(rising).powerW > 10000 && conn(1)(rising).powerW < 11100, `power ${conn(1)(rising).powerW}`);
    const un = await post(sim, '/api/connectors/1/unplug');
    assert.equal(un.relayClosed, false);
    const stop = await csms.waitFor(cpCall('StopTransaction', 'SIM-S1'));
    const after = await sim.waitState(statusOf(1, 'Available'), { what: 'Available after unplug' });
    const metered = conn(1)(after).energyWh - e0;
    // §4.10 / §6.49: meterStop - meterStart is the energy the meter measured.
    assert.equal(stop.payload.meterStop - start.payload.meterStart, metered);
    assert.ok(metered >= 200);
    assert.equal(stop.payload.reason, 'EVDisconnected');
    assert.equal(conn(1)(after).transactionId, null);
});

test('OCPP 1.6 §4.9: card first, then plug in: the transaction starts and energy flows', { skip: needSim }, async (t) => {
    const { csms, sim } = await bootSim(t, 'SIM-S2');
    // The card names the connector: with connector 0 the library picks the first free one
    // (ocpp_cp_present_id()), which would be connector 1 here.
    await post(sim, '/api/rfid', { idTag: 'TAG-2', connector: 2 });
    await csms.waitFor(cpCall('Authorize', 'SIM-S2'));
    await post(sim, '/api/connectors/2/plug', {});
    const st = await sim.waitState((s) => conn(2)(s).status === 'Charging' && conn(2)(s).powerW > 0, { what: 'Charging on 2' });
    assert.equal(conn(2)(st).idTag, 'TAG-2');
    const start = await csms.waitFor(cpCall('StartTransaction', 'SIM-S2'));
    assert.equal(start.payload.connectorId, 2);
    assert.equal(conn(1)(st).status, 'Available');
});

test('OCPP 1.6 §4.9: the EV pauses (SuspendedEV, relay open) and resumes (Charging)', { skip: needSim }, async (t) => {
    const { sim } = await bootSim(t, 'SIM-S3');
    await post(sim, '/api/connectors/1/plug');
    await post(sim, '/api/rfid', { idTag: 'TAG-3', connector: 1 });
    await sim.waitState(statusOf(1, 'Charging'), { what: 'Charging' });
    await post(sim, '/api/connectors/1/ev', { charging: false });
    const p = await sim.waitState(statusOf(1, 'SuspendedEV'), { what: 'SuspendedEV' });
    assert.equal(conn(1)(p).relayClosed, false);
    assert.equal(conn(1)(p).powerW, 0);
    assert.equal(conn(1)(p).pilot, 'B');
    const e = conn(1)(p).energyWh;
    await post(sim, '/api/connectors/1/ev', { charging: true });
    const r = await sim.waitState((s) => statusOf(1, 'Charging')(s) && conn(1)(s).energyWh > e, { what: 'Charging again' });
    assert.equal(conn(1)(r).relayClosed, true);
});

test('OCPP 1.6 §4.9/§7.6: a fault makes the connector Faulted with its error code, clearing it restores', { skip: needSim }, async (t) => {
    const { csms, sim } = await bootSim(t, 'SIM-S4');
    const since = csms.mark();
    await post(sim, '/api/connectors/2/fault', { errorCode: 'GroundFailure', info: 'RCD test', vendorErrorCode: 'E42' });
    const f = await sim.waitState(statusOf(2, 'Faulted'), { what: 'Faulted' });
    assert.equal(conn(2)(f).errorCode, 'GroundFailure');
    assert.equal(conn(2)(f).relayClosed, false);
    const sn = await csms.waitFor((m) => cpCall('StatusNotification', 'SIM-S4')(m) && m.payload.connectorId === 2 && m.payload.status === 'Faulted', { since });
    assert.equal(sn.payload.errorCode, 'GroundFailure');
    assert.equal(sn.payload.info, 'RCD test');
    assert.equal(sn.payload.vendorErrorCode, 'E42');
    const d = await sim.api('DELETE', '/api/connectors/2/fault');
    assert.equal(d.status, 200);
    await sim.waitState((s) => statusOf(2, 'Available')(s) && conn(2)(s).errorCode === 'NoError', { what: 'Available again' });
    await csms.waitFor((m) => cpCall('StatusNotification', 'SIM-S4')(m) && m.payload.connectorId === 2 && m.payload.status === 'Available', { since });
});

test('OCPP 1.6 §3.7/§4.10: network cut during a transaction and restore: the stop is delivered afterwards', { skip: needSim }, async (t) => {
    const { csms, sim } = await bootSim(t, 'SIM-S5');
    await post(sim, '/api/connectors/1/plug');
    await post(sim, '/api/rfid', { idTag: 'TAG-5', connector: 1 });
    await sim.waitState((s) => statusOf(1, 'Charging')(s) && conn(1)(s).transactionId !== null, { what: 'Charging' });
    const since = csms.mark();
    const off = await post(sim, '/api/network', { online: false });
    assert.equal(off.online, false);
    await csms.waitFor((m) => m.type === 'disconnect' && m.identity === 'SIM-S5', { since });
    await sim.waitState((s) => s.connection === 'offline', { what: 'offline' });
    // Charging goes on offline; unplugging stops the transaction locally.
    await post(sim, '/api/connectors/1/unplug');
    const local = await sim.waitState(statusOf(1, 'Available'), { what: 'Available offline' });
    assert.equal(csms.messages((m) => cpCall('StopTransaction', 'SIM-S5')(m)).length, 0);
    await post(sim, '/api/network', { online: true });
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted again', timeout: 60000 });
    const stop = await csms.waitFor(cpCall('StopTransaction', 'SIM-S5'), { since, timeout: 60000 });
    const start = csms.messages(cpCall('StartTransaction', 'SIM-S5'))[0];
    assert.equal(stop.payload.meterStop - start.payload.meterStart, conn(1)(local).energyWh);
});
