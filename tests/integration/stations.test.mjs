// Many charge points in one process (ocpp-sim --stations N): every one boots against the
// dev CSMS (OCPP 1.6 §4.2) and reports its connectors (errata §3.22). Prints the time taken.

import assert from 'node:assert/strict';
import test from 'node:test';
import { csmsResult, cpCall, needSim, scenario, simArgs } from './lib/harness.mjs';

const N = 100;
const CONNECTORS = 2;

test(`OCPP 1.6 §4.2: ${N} charge points in one process (--stations ${N}) all boot and report their connectors`, { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const t0 = Date.now();
    h.sim(simArgs(csms.url, 'LOAD', '--stations', String(N), '--connectors', String(CONNECTORS), '--log-level', 'info'));
    const ids = Array.from({ length: N }, (_, i) => `LOAD-${String(i + 1).padStart(4, '0')}`);
    const accepted = new Set();
    await csms.waitForCount((m) => {
        if (!csmsResult('BootNotification')(m) || m.payload.status !== 'Accepted' || accepted.has(m.identity)) return false;
        accepted.add(m.identity);
        return true;
    }, N, { timeout: 60000, what: `${N} accepted BootNotifications` });
    const tBoot = Date.now() - t0;
    assert.deepEqual([...accepted].sort(), ids, 'identities <ID>-0001 .. <ID>-0100');
    const status = new Set();
    await csms.waitForCount((m) => {
        if (!cpCall('StatusNotification')(m)) return false;
        const k = `${m.identity}/${m.payload.connectorId}`;
        if (status.has(k)) return false;
        status.add(k);
        return true;
    }, N * (CONNECTORS + 1), { timeout: 60000, what: 'StatusNotification for every connector of every station' });
    const tStatus = Date.now() - t0;
    const connects = csms.records.filter((r) => r.type === 'connect');
    assert.equal(new Set(connects.map((c) => c.identity)).size, N);
    assert.equal(csms.messages(cpCall('BootNotification')).length, N, 'exactly one BootNotification each');
    const msg = `${N} stations: all booted in ${tBoot} ms, all connectors reported in ${tStatus} ms`;
    t.diagnostic(msg);
});
