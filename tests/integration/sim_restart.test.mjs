// ocpp-sim across a power cut (issue 12, defect 14): the simulated board's physical state lives in
// the station's data dir (record sim.board) and comes back after a SIGKILL, as on real hardware: a
// power cut of the charger does not unplug the EV, clear a tripped fault, turn a fixed cable into a
// socket outlet or reset the EV's battery and the connector's temperature.
//
// OCPP 1.6 edition 2 (quoted from the spec text):
// §7.36 Reason: "PowerLoss: Complete loss of power." (the other tests of the project number it
// §7.38 / §7.39; edition 2's table of contents has 7.36 Reason, 7.39 RemoteStartStopStatus).
// §7.7 ChargePointStatus: "Available: When a Connector becomes available for a new user";
// "Preparing: When a Connector becomes no longer available for a new user but there is no ongoing
// Transaction (yet). Typically a Connector is in preparing state when a user presents a tag,
// inserts a cable or a vehicle occupies the parking bay"; "Finishing: When a Transaction has
// stopped at a Connector, but the Connector is not yet available for a new user, e.g. the cable
// has not been removed or the vehicle has not left the parking bay".
// §4.9 transitions: "B1 Intended usage is ended (e.g. plug removed ...)", "F1 All user actions
// completed" - only removing the cable makes the connector Available again.
//
// With the EV still connected after the PowerLoss stop the connector is not available for a new
// user: Finishing (§7.7, the transaction stopped and the cable has not been removed) is the
// precise status; Preparing (a cable inserted, no transaction yet) is what the library reports
// today (its restore does not mark the connector as finishing, and it cannot know the cable is in
// before the EVSE application reports it). Both are accepted here; Available is the defect.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import {
    cfgArgs, connOf, cpCall, needSim, scenario, simArgs, simPost, sleep, statusCall,
} from './lib/harness.mjs';

/** §7.7: the connector is occupied by the EV whose transaction the power cut ended. */
const OCCUPIED_AFTER_STOP = new Set(['Finishing', 'Preparing']);
const RECORD = 'sim.board';

test('OCPP 1.6 §4.9/§7.7, §7.36 Reason PowerLoss "Complete loss of power": after a SIGKILL with the EV plugged in and charging, the restarted station stops the transaction with PowerLoss and reports the connector Finishing/Preparing, not Available, while the cable is in (plugged: true); unplugged it becomes Available (§4.9 F1/B1). Fault, fixed cable, EV battery and temperature survive too', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const dir = h.tmp('ocpp-restart-');
    const id = 'RS-1';
    const args = simArgs(csms.url, id, '--connectors', '2', '--speed', '60', '--data-dir', dir,
        ...cfgArgs('MeterValueSampleInterval=0', 'ClockAlignedDataInterval=0'));

    const s1 = h.sim(args, { name: 'before', expectExit: false });
    await s1.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    // Connector 2: a fixed cable, and a fault the hardware detected (a tripped RCD).
    await simPost(s1, '/api/connectors/2/cable', { type: 'fixed' });
    await simPost(s1, '/api/connectors/2/fault', { errorCode: 'GroundFailure', info: 'RCD tripped', vendorErrorCode: 'RCD-30mA' });
    await s1.waitState((s) => connOf(2)(s).status === 'Faulted', { what: 'Faulted on 2' });
    // Connector 1: an EV at 40 %, a card, charging.
    const mark = csms.mark();
    await simPost(s1, '/api/connectors/1/plug', { socPercent: 40, evMaxCurrentA: 16, batteryWh: 60000, phases: 3 });
    await simPost(s1, '/api/rfid', { idTag: 'CUT-1', connector: 1 });
    const start = await csms.waitFor((m) => cpCall('StartTransaction', id)(m) && m.payload.connectorId === 1, { since: mark });
    const charging = await s1.waitState((s) => connOf(1)(s).status === 'Charging' && connOf(1)(s).transactionId !== null, { what: 'Charging' });
    const txId = connOf(1)(charging).transactionId;
    // 16 A x 3 phases warms the connector towards 30.1 °C (tau one simulated minute = 1 s here).
    await s1.waitState((s) => connOf(1)(s).temperatureC >= 29 && connOf(1)(s).socPercent > 40.5, { what: 'warm and charged' });
    await sleep(2500); // the slowly changing values (temperature, state of charge) are saved every 2 s
    const before = connOf(1)(await s1.waitState(() => true));
    s1.proc.kill('SIGKILL'); // the power cut
    const ex = await s1.exited;
    assert.equal(ex.signal, 'SIGKILL');
    const cutPath = join(dir, id, RECORD);
    const cut = existsSync(cutPath) ? readFileSync(cutPath, 'utf8') : ''; // the record as the cut left it

    const back = csms.mark();
    // After the cut, simulated time runs at real pace: at --speed 60 the connector cools with a
    // time constant of 1 s, and a first state read 1.5 s late (a loaded machine) would find it
    // at ambient already, which says nothing about what was restored.
    const s2 = h.sim(args.map((a, i) => (args[i - 1] === '--speed' ? '1' : a)), { name: 'after' });
    // The board as the power came back, before anything else happened.
    const first = await s2.waitState(() => true, { what: 'the REST API' });
    const k1 = connOf(1)(first);
    const k2 = connOf(2)(first);
    assert.equal(k1.plugged, true, 'a power cut of the charger does not unplug the EV');
    assert.equal(k1.evCharging, true, 'the EV still asks for energy');
    assert.ok(k1.socPercent > 40 && k1.socPercent <= before.socPercent,
        `the EV battery kept its charge: ${k1.socPercent} % (at the cut ${before.socPercent} %, plugged at 40 %)`);
    assert.ok(k1.temperatureC > 26 && k1.temperatureC <= before.temperatureC,
        `the connector is still warm: ${k1.temperatureC} °C (at the cut ${before.temperatureC} °C, ambient 25 °C)`);
    assert.equal(k1.relayClosed, false, 'outputs are the application\'s: the relay starts open');
    assert.equal(k2.plugged, false);
    assert.equal(k2.cable, 'fixed', 'the fixed cable is still fixed');
    assert.equal(k2.errorCode, 'GroundFailure', 'the fault is still there');

    // §7.36: the transaction the cut interrupted ends with PowerLoss.
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since: back, timeout: 20000 });
    assert.equal(stop.payload.reason, 'PowerLoss');
    assert.equal(stop.payload.transactionId, txId);
    assert.ok(stop.payload.meterStop >= start.payload.meterStart);
    // §4.9 / §7.7: the connector's status after the restart, cable still in: not Available.
    const sn1 = await csms.waitFor(statusCall(id, 1), { since: back, what: 'StatusNotification of connector 1 after the restart' });
    t.diagnostic(`connector 1 after the restart: ${sn1.payload.status}`);
    assert.ok(OCCUPIED_AFTER_STOP.has(sn1.payload.status),
        `connector 1 with the EV still plugged in is reported ${sn1.payload.status}, expected Finishing or Preparing (§7.7)`);
    const sn2 = await csms.waitFor(statusCall(id, 2), { since: back, what: 'StatusNotification of connector 2 after the restart' });
    assert.equal(sn2.payload.status, 'Faulted');
    assert.equal(sn2.payload.errorCode, 'GroundFailure');
    assert.equal(sn2.payload.info, 'RCD tripped');
    assert.equal(sn2.payload.vendorErrorCode, 'RCD-30mA');
    const st = await s2.waitState((s) => s.connection === 'accepted' && OCCUPIED_AFTER_STOP.has(connOf(1)(s).status),
        { what: 'accepted, connector 1 occupied' });
    assert.equal(connOf(1)(st).plugged, true, '/api/state: plugged');
    assert.equal(connOf(1)(st).transactionId, null, 'no transaction: it was stopped (PowerLoss)');
    assert.ok(stop.payload.meterStop <= connOf(1)(st).energyWh, 'meterStop within the meter register');
    // Nothing said Available for connector 1 while the cable was in.
    assert.deepEqual(csms.messages(statusCall(id, 1, 'Available'), back), [], 'no Available while the cable is in');

    // §4.9 F1/B1: the driver pulls the cable; now the connector is free.
    const un = csms.mark();
    await simPost(s2, '/api/connectors/1/unplug');
    await csms.waitFor(statusCall(id, 1, 'Available'), { since: un, what: 'Available after the unplug' });
    await s2.waitState((s) => connOf(1)(s).status === 'Available' && !connOf(1)(s).plugged, { what: 'Available' });
    // The fault clears through the API only, as before the cut.
    const cl = csms.mark();
    const r = await s2.api('DELETE', '/api/connectors/2/fault');
    assert.equal(r.status, 200, r.text);
    await csms.waitFor(statusCall(id, 2, 'Available'), { since: cl, what: 'connector 2 Available after the fault cleared' });
    // The log says what happened to the board at each start.
    assert.ok(s1.grep(/no board state in .*sim\.board yet: a fresh board, nothing plugged in/).length === 1, s1.tail(10));
    assert.ok(s2.grep(/board state restored from .*sim\.board: 1 of 2 connector\(s\) plugged in, 1 fault/).length === 1, s2.tail(10));
    t.diagnostic(`${RECORD} at the power cut: ${cut.trim()}`);
    assert.equal(JSON.parse(cut).connectors.find((c) => c.id === 1).plugged, true);
    // Those changes are saved at once: a clean restart shows them.
    await s2.stop();
    const again = JSON.parse(readFileSync(join(dir, id, RECORD), 'utf8'));
    const c1 = again.connectors.find((c) => c.id === 1);
    const c2 = again.connectors.find((c) => c.id === 2);
    assert.equal(c1.plugged, false);
    assert.equal(c2.fault, null);
    assert.equal(c2.cable, 'fixed');
});

// A bad record must never stop the charger from starting: it starts as a fresh board (nothing
// plugged in, socket outlets, no fault) and says why, once, in its log.
const BAD = [
    ['binary garbage', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x80, 0x0a, 0x7b])],
    ['cut off in the middle', '{"format":"ocpp-sim board","version":1,"connectors":[{"id":1,"plugged":tr'],
    ['valid JSON of the wrong shape', '[1, 2, 3]'],
    ['a field of the wrong type', '{"format":"ocpp-sim board","version":1,"connectors":[{"id":1,"cable":"socket","plugged":"yes"}]}'],
    ['a value out of range', '{"format":"ocpp-sim board","version":1,"connectors":[{"id":1,"cable":"socket","plugged":true,"evCharging":true,"evMaxCurrentMa":16000,"phases":9,"batteryWh":60000,"batteryUj":0,"temperatureDc":250,"relayWelded":false,"pilotFault":false,"fault":null}]}'],
    ['an unknown version', '{"format":"ocpp-sim board","version":99,"connectors":[]}'],
    ['an unknown error code', '{"format":"ocpp-sim board","version":1,"connectors":[{"id":1,"cable":"socket","plugged":false,"temperatureDc":250,"relayWelded":false,"pilotFault":false,"fault":{"errorCode":"Smoke","info":"","vendorErrorCode":""}}]}'],
];

test('ocpp-sim: a corrupt sim.board (garbage, truncated, wrong shape/type/range/version) is not loaded: the station starts unplugged, says so in its log, and works', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const dir = h.tmp('ocpp-badboard-');
    for (const [i, [what, content]] of BAD.entries()) {
        const id = `RS-BAD${i}`;
        mkdirSync(join(dir, id), { recursive: true });
        writeFileSync(join(dir, id, RECORD), content);
        const s = h.sim(simArgs(csms.url, id, '--connectors', '2', '--data-dir', dir), { name: `bad${i}` });
        const line = await s.waitForLine(/board state .*sim\.board.*(unreadable|not valid)/, { timeout: 10000 });
        assert.match(line.text, /nothing plugged in/, `${what}: ${line.text}`);
        const st = await s.waitState((x) => x.connection === 'accepted', { what: `${what}: accepted` });
        for (const k of st.connectors) {
            assert.equal(k.plugged, false, `${what}: connector ${k.id} unplugged`);
            assert.equal(k.cable, 'socket', `${what}: connector ${k.id} a socket outlet`);
            assert.equal(k.errorCode, 'NoError', `${what}: connector ${k.id} no fault`);
            assert.equal(k.status, 'Available', `${what}: connector ${k.id} Available`);
        }
        // It works: plug in, and the new state replaces the bad record.
        await simPost(s, '/api/connectors/1/plug', {});
        await s.waitState((x) => connOf(1)(x).status === 'Preparing', { what: `${what}: Preparing` });
        const now = JSON.parse(readFileSync(join(dir, id, RECORD), 'utf8'));
        assert.equal(now.connectors.find((c) => c.id === 1).plugged, true, `${what}: the record is rewritten`);
        const r = await s.stop();
        assert.equal(r.code, 0, `${what}: ${s.tail(5)}`);
    }
});
