// 50 charge points in one ocpp-sim process each complete a charging session against the
// dev CSMS, driven through /api/stations/{id}/... (OCPP 1.6 §4.9, §5: Start/StopTransaction).

import assert from 'node:assert/strict';
import test from 'node:test';
import { cpCall, needSim, scenario, simArgs } from './lib/harness.mjs';

const N = 50;

test(`${N} stations in one process each complete a charging session`, { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'MANY', '--stations', String(N), '--connectors', '1', '--speed', '60', '--log-level', 'info'));
    const ids = Array.from({ length: N }, (_, i) => `MANY-${String(i + 1).padStart(4, '0')}`);
    const list = await sim.api('GET', '/api/stations');
    assert.deepEqual(list.json.stations.map((s) => s.id), ids);
    // With several stations the short paths say where to go.
    assert.equal((await sim.api('GET', '/api/state')).status, 404);
    const one = async (id) => {
        const p = `/api/stations/${id}`;
        await sim.waitState((s) => s.connection === 'accepted', { station: id, timeout: 60000, what: `${id} accepted` });
        assert.equal((await sim.api('POST', `${p}/connectors/1/plug`)).status, 200);
        assert.equal((await sim.api('POST', `${p}/rfid`, { idTag: `T${id.slice(-4)}` })).status, 200);
        await sim.waitState((s) => s.connectors[0].status === 'Charging' && s.connectors[0].energyWh >= 50, { station: id, timeout: 60000, what: `${id} charging` });
        assert.equal((await sim.api('POST', `${p}/connectors/1/unplug`)).status, 200);
        return sim.waitState((s) => s.connectors[0].status === 'Available', { station: id, timeout: 60000, what: `${id} available` });
    };
    const finals = await Promise.all(ids.map(one));
    for (const [i, id] of ids.entries()) {
        const stop = await csms.waitFor(cpCall('StopTransaction', id), { timeout: 60000 });
        const start = csms.messages(cpCall('StartTransaction', id))[0];
        assert.equal(stop.payload.meterStop - start.payload.meterStart, finals[i].connectors[0].energyWh, id);
    }
    // Issue 16: a turn of the event loop polls the stations that are due, have I/O or were
    // changed through the API, not every station at every wake-up (which made N x turns).
    assert.equal((await sim.stop()).code, 0);
    const line = sim.grep(/\d+ loop turns, \d+ station polls/)[0];
    assert.ok(line, `ocpp-sim reports its loop turns and station polls on exit\n${sim.tail()}`);
    const [turns, polls] = line.text.match(/(\d+) loop turns, (\d+) station polls/).slice(1).map(Number);
    assert.ok(polls < (N * turns) / 2, `${polls} station polls in ${turns} turns of ${N} stations`);
});
