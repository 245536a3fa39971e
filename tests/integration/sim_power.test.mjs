// ocpp-sim's local reboot and power cut (issue 18, "Controls: ... reset and power cut"), against
// the dev CSMS in strict mode:
// - POST /api/reboot: the charger's own reboot. OCPP 1.6 §7.36 Reason "Reboot: Local reset or
//   reboot of the Charge Point" — the running transaction is stopped with it, then the station
//   boots again (§4.2 "each time it boots or reboots": BootNotification).
// - POST /api/power-cut: "PowerLoss: Complete loss of power." The station sends nothing more (the
//   TCP connection is reset, no close frame), comes back from what it had persisted, boots, and
//   stops the transaction the cut interrupted with reason PowerLoss (§4.10: "the Charge Point
//   SHALL ... send a StopTransaction.req ... when power returns").

import assert from 'node:assert/strict';
import test from 'node:test';
import { coreBoot, coreStartTx, cpCall, needSim } from './lib/harness.mjs';

test('POST /api/reboot: StopTransaction reason Reboot, then a new BootNotification; the EV stays plugged', { skip: needSim }, async (t) => {
    const id = 'PW-REBOOT';
    const { csms, sim } = await coreBoot(t, id);
    const { txId } = await coreStartTx(csms, sim, id, 1, 'RB-1');
    const mark = csms.mark();
    const r = await sim.api('POST', '/api/reboot');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { result: 'rebooting', stopped: [1] });
    const stop = await csms.waitFor((m) => cpCall('StopTransaction', id)(m), { since: mark });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'Reboot');
    await csms.waitFor((m) => cpCall('BootNotification', id)(m), { since: mark });
    const s = await sim.waitState((x) => x.connection === 'accepted' && x.connectors[0].plugged === true, { what: 'booted again' });
    assert.equal(s.connectors[0].transactionId, null);
    assert.equal((await sim.api('GET', '/api/reboot')).status, 405);
});

test('POST /api/power-cut: no close frame, a new BootNotification, the interrupted transaction stopped with PowerLoss', { skip: needSim }, async (t) => {
    const id = 'PW-CUT';
    const { csms, sim } = await coreBoot(t, id);
    const { txId } = await coreStartTx(csms, sim, id, 1, 'PC-1');
    const mark = csms.mark();
    const r = await sim.api('POST', '/api/power-cut');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { result: 'restarted' });
    const boot = await csms.waitFor((m) => cpCall('BootNotification', id)(m), { since: mark });
    const stop = await csms.waitFor((m) => cpCall('StopTransaction', id)(m), { since: mark });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'PowerLoss');
    assert.ok(stop.seq > boot.seq, 'the stop goes after the boot of the restarted station');
    assert.equal(csms.messages((m) => cpCall('StopTransaction', id)(m), mark).length, 1, 'stopped once');
    assert.equal((await sim.api('PUT', '/api/power-cut')).status, 405);
});
