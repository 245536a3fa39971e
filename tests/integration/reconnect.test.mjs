// CSMS killed and restarted on the same port mid-session (OCPP-J 1.6 §5.4 Reconnecting,
// errata §3.4 back-off, errata §3.7 message ids unique across connections).

import assert from 'node:assert/strict';
import test from 'node:test';
import { cpCall, csmsResult, event, needSim, scenario, simArgs } from './lib/harness.mjs';

test('OCPP-J 1.6 §5.4: after the CSMS is killed and restarted on the same port the CP reconnects, sends no new BootNotification, and goes on with Heartbeats', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 1 });
    const port = csms.port;
    h.sim(simArgs(csms.url, 'CP-RECON'));
    const conf = await csms.waitFor(csmsResult('BootNotification', 'CP-RECON'));
    await csms.waitFor(cpCall('Heartbeat', 'CP-RECON'), { since: conf.seq });

    for (const [how, force] of [['killed (TCP dropped, no close frame)', true], ['stopped (close 1001)', false]]) {
        const since = csms.mark();
        const idsBefore = new Set(csms.messages((m) => m.dir === 'in' && m.type === 'CALL').map((m) => m.id));
        await csms.restart({ force, downMs: 1500 });
        assert.equal(csms.port, port);
        const connect = await csms.waitFor(event('connect', 'CP-RECON'), { since, timeout: 20000, what: `reconnect after the CSMS was ${how}` });
        const hb = await csms.waitFor(cpCall('Heartbeat', 'CP-RECON'), { since: connect.seq, timeout: 10000 });
        // "When reconnecting a charge point should not send a BootNotification unless one or
        // more of the elements in the BootNotification have changed since the last connection."
        assert.deepEqual(csms.messages(cpCall('BootNotification', 'CP-RECON'), since), [], `no BootNotification after the CSMS was ${how}`);
        // errata §3.7: "A message ID for any CALL message MUST be different from all message IDs
        // previously used by the same sender for any other CALL message on any WebSocket
        // connection with the same 'connection URL'".
        const reused = csms.messages((m) => m.dir === 'in' && m.type === 'CALL' && m.seq >= since && idsBefore.has(m.id));
        assert.deepEqual(reused, [], 'message ids are not reused after reconnecting');
        assert.ok(hb.seq > connect.seq);
    }
    const connects = csms.records.filter(event('connect', 'CP-RECON'));
    assert.equal(connects.length, 3);
});

test('OCPP-J 1.6 errata §3.4: while the CSMS is down the CP retries with a growing back-off, then reconnects', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'CP-DOWN'));
    await csms.waitFor(csmsResult('BootNotification', 'CP-DOWN'));
    const lines = sim.mark();
    await csms.stop({ force: true });
    // Down for a while: the CP fails to connect (connection refused) a few times.
    const fails = [];
    for (let i = 0; i < 3; i++) {
        const l = await sim.waitForLine(/OCPP_ERR_/, { since: fails.length ? fails[fails.length - 1].n + 1 : lines, timeout: 15000 });
        fails.push(l);
    }
    const gaps = fails.slice(1).map((l, i) => l.t - fails[i].t);
    // back-off starts at about 1 s (with jitter between half and all of it) and grows
    assert.ok(gaps[0] >= 400, `first retry gap ${gaps[0]} ms`);
    assert.ok(gaps[1] >= 900, `second retry gap ${gaps[1]} ms`);
    const since = csms.mark();
    await csms.listen(csms.port);
    await csms.waitFor(event('connect', 'CP-DOWN'), { since, timeout: 20000 });
});
