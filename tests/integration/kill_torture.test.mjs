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
import { killTorture, needSim, scenario, SIM, tortureTable } from './lib/harness.mjs';

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
