// Kill torture (issue #6 "Never lose a transaction"): ocpp-sim with file storage is killed with
// SIGKILL (a power cut: no flush, no exit handler) about 200 times at moments a seeded PRNG picks
// or at crash points (--crash-at), restarted on the same data dir each time, while the driver runs
// charging sessions through its REST API against one dev CSMS. The driver and the checks are
// killTorture() in lib/harness.mjs, the ledger rules tools/csms/ledger.mjs; bench/torture runs the
// same with 1000+ kills.
//
// OCPP 1.6 §3.7: "When offline, the Charge Point MUST queue any transaction-related messages that
// it would have sent to the Central System if the Charge Point had been online." A power cut must
// not lose them either: every transaction has exactly one StartTransaction and one
// StopTransaction at the CSMS; a message is sent twice only when the CSMS's answer was lost in
// flight (counted as DUPLICATED). §4.10 / §7.38 reason PowerLoss: "Complete loss of power." - a
// transaction running at the power cut is stopped with it once the power is back.
//
// Environment: OCPP_TORTURE_KILLS (default 200), OCPP_TORTURE_SEED (default 1).

import assert from 'node:assert/strict';
import test from 'node:test';
import { ledger } from '../../tools/csms/ledger.mjs';
import {
    connOf, coreStartTx, cpCall, csmsResult, killTorture, needSim, scenario, SIM, simPost, tortureTable,
} from './lib/harness.mjs';

const KILLS = Number(process.env.OCPP_TORTURE_KILLS || 200);
const SEED = Number(process.env.OCPP_TORTURE_SEED || 1);

test(`kill torture: ${KILLS} SIGKILLs (seed ${SEED}), lost must be 0`, { skip: needSim, timeout: 280000 }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const report = await killTorture({
        bin: SIM, csms, dataDir: h.tmp('ocpp-torture-'), kills: KILLS, seed: SEED,
        log: (line) => t.diagnostic(line),
    });
    const table = tortureTable(report);
    process.stdout.write(`\n${table}\n\n`);
    for (const line of table.split('\n')) t.diagnostic(line);
    for (const p of report.problems.slice(0, 40)) t.diagnostic(`problem: ${p}`);
    assert.ok(report.kills >= KILLS, 'the sim was killed as often as asked');
    assert.ok(report.sessionsRunning > 0 && report.transactions > 0, 'sessions ran');
    assert.equal(report.lost, 0, `lost transactions:\n${report.problems.slice(0, 20).join('\n')}`);
    assert.deepEqual(report.problems, [], 'ledger problems');
});

// ------------------------------------------------------------------- the pieces, one by one

const DUMMY = (i) => `m${i}`;
/** Synthetic CSMS records: [action, payload, answer] in order, each answered with a CALLRESULT. */
function records(identity, list) {
    const out = [];
    list.forEach(([action, payload, answer = {}], i) => {
        out.push({ seq: out.length, identity, dir: 'in', type: 'CALL', action, id: DUMMY(i), payload });
        out.push({ seq: out.length, identity, dir: 'out', type: 'CALLRESULT', action, id: DUMMY(i), payload: answer });
    });
    return out;
}

test('ledger: counts duplicates, finds lost transactions and broken order (the checks can fail)', () => {
    const start = { connectorId: 1, idTag: 'A', meterStart: 10, timestamp: '2025-01-01T00:00:00Z' };
    const mv = (id, ts, wh) => ({ connectorId: 1, transactionId: id, meterValue: [{ timestamp: ts, sampledValue: [{ value: String(wh) }] }] });
    const stop = (id, wh, reason) => ({ transactionId: id, meterStop: wh, timestamp: '2025-01-01T00:10:00Z', ...(reason ? { reason } : {}) });
    // A clean transaction whose StartTransaction and StopTransaction were each received twice.
    let l = ledger(records('X', [
        ['StartTransaction', start, { transactionId: 1, idTagInfo: { status: 'Accepted' } }],
        ['StartTransaction', start, { transactionId: 2, idTagInfo: { status: 'Accepted' } }],
        ['MeterValues', mv(2, '2025-01-01T00:05:00Z', 20)],
        ['StopTransaction', stop(2, 30)],
        ['StopTransaction', stop(2, 30)],
    ]), 'X');
    assert.equal(l.transactions.length, 1);
    assert.deepEqual(l.duplicated, { start: 1, stop: 1, meterValues: 0 });
    assert.equal(l.lost.length, 0);
    assert.deepEqual(l.problems, []);
    // Lost: no StopTransaction. Broken: MeterValues out of order, above meterStop, two different stops.
    l = ledger(records('X', [
        ['StartTransaction', start, { transactionId: 1, idTagInfo: { status: 'Accepted' } }],
        ['StartTransaction', { ...start, idTag: 'B' }, { transactionId: 2, idTagInfo: { status: 'Accepted' } }],
        ['MeterValues', mv(2, '2025-01-01T00:05:00Z', 40)],
        ['MeterValues', mv(2, '2025-01-01T00:04:00Z', 45)],
        ['StopTransaction', stop(2, 30)],
        ['StopTransaction', stop(2, 31, 'PowerLoss')],
        ['StopTransaction', stop(7, 31)],
    ]), 'X');
    assert.equal(l.lost.length, 1);
    assert.equal(l.lost[0].idTag, 'A');
    const text = l.problems.join('\n');
    for (const what of ['out of time order', 'above meterStop', 'stopped 2 times', 'unknown transactionId 7']) {
        assert.ok(text.includes(what), `the ledger reports "${what}":\n${text}`);
    }
});

test('ocpp-sim --crash-at: an unknown or malformed point is refused (exit 2), from the option or the environment', { skip: needSim }, async (t) => {
    const h = scenario(t);
    for (const [args, env] of [[['--crash-at', 'boom'], {}], [['--crash-at', 'send:NoSuchAction'], {}],
        [['--crash-at', 'write:a/b'], {}], [['--crash-at', 'result:StartTransaction@0'], {}],
        [[], { OCPP_SIM_CRASH_AT: 'sent:' }]]) {
        const s = h.sim(['--csms', 'ws://127.0.0.1:9/ocpp', '--http', 'off', ...args], { env, expectExit: false });
        const ex = await s.exited;
        assert.equal(ex.code, 2, `${JSON.stringify(args)} ${JSON.stringify(env)}: ${s.tail(3)}`);
        assert.ok(s.grep(/crash point/).length > 0, s.tail(3));
    }
});

const CRASH_CFG = ['--connectors', '2', '--speed', '600', '--config', 'MeterValueSampleInterval=1', '--config', 'ClockAlignedDataInterval=0'];

test('crash at result:StartTransaction (§3.7, the answer lost in flight): after the restart the same StartTransaction comes again (a duplicate, not a new transaction), then its PowerLoss StopTransaction', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const dir = h.tmp('ocpp-crash-');
    const args = ['--csms', csms.url, '--id', 'KT-R1', '--data-dir', dir, ...CRASH_CFG];
    const s1 = h.sim([...args, '--crash-at', 'result:StartTransaction'], { expectExit: false });
    await s1.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    await simPost(s1, '/api/connectors/1/plug', {});
    await simPost(s1, '/api/rfid', { idTag: 'LOST-ANSWER', connector: 1 });
    const ex = await s1.exited;
    assert.equal(ex.signal, 'SIGKILL');
    assert.ok(s1.grep('crash point result:StartTransaction reached').length === 1, s1.tail(5));
    assert.equal(csms.messages(cpCall('StartTransaction', 'KT-R1')).length, 1, 'the CSMS has it once before the restart');

    const s2 = h.sim(args);
    const stop = await csms.waitFor(cpCall('StopTransaction', 'KT-R1'), { timeout: 20000 });
    const st = await s2.waitState((s) => s.connection === 'accepted');
    await csms.waitFor(csmsResult('StopTransaction', 'KT-R1'));
    const l = ledger(csms.records, 'KT-R1');
    assert.equal(l.transactions.length, 1, 'one transaction');
    assert.equal(l.duplicated.start, 1, 'its StartTransaction counted as a duplicate');
    assert.equal(l.lost.length, 0);
    assert.deepEqual(l.problems, []);
    const tx = l.transactions[0];
    assert.deepEqual(tx.starts[1].payload, tx.starts[0].payload, 'the same payload again');
    assert.equal(stop.payload.reason, 'PowerLoss');
    assert.equal(stop.payload.transactionId, tx.ids[1], 'the stop carries the id of the answer the charge point got');
    // The meter register survived the power cut and covers what the library persisted.
    assert.ok(stop.payload.meterStop >= tx.start.payload.meterStart);
    assert.ok(stop.payload.meterStop <= connOf(1)(st).energyWh, `meterStop ${stop.payload.meterStop} <= register ${connOf(1)(st).energyWh}`);
    assert.equal(connOf(1)(st).plugged, true, 'the EV is still plugged in after the power cut (sim.board)');
});

test('crash at send:StopTransaction (a power cut right after a local stop): the queued StopTransaction (Local, meterStop = the meter) is delivered after the restart, no PowerLoss', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const dir = h.tmp('ocpp-crash-');
    const args = ['--csms', csms.url, '--id', 'KT-S1', '--data-dir', dir, ...CRASH_CFG];
    const s1 = h.sim([...args, '--crash-at', 'send:StopTransaction'], { expectExit: false });
    await s1.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    const { txId } = await coreStartTx(csms, s1, 'KT-S1', 2, 'CUT-AFTER-STOP');
    await s1.waitState((s) => connOf(2)(s).energyWh > 0, { what: 'energy' });
    await simPost(s1, '/api/rfid', { idTag: 'CUT-AFTER-STOP', connector: 2 });
    const ex = await s1.exited;
    assert.equal(ex.signal, 'SIGKILL');
    assert.equal(csms.messages(cpCall('StopTransaction', 'KT-S1')).length, 0, 'never sent before the cut');

    const s2 = h.sim(args);
    const stop = await csms.waitFor(cpCall('StopTransaction', 'KT-S1'), { timeout: 20000 });
    const st = await s2.waitState((s) => s.connection === 'accepted');
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason ?? 'Local', 'Local', 'the reason of the stop that happened, not PowerLoss');
    assert.equal(stop.payload.meterStop, connOf(2)(st).energyWh, 'meterStop = the meter register (persisted with the reading)');
    await csms.waitFor(csmsResult('StopTransaction', 'KT-S1'));
    const l = ledger(csms.records, 'KT-S1');
    assert.equal(l.lost.length, 0);
    assert.equal(l.powerLoss, 0);
    assert.deepEqual(l.problems, []);
});
