// Fleet faults of ocpp-sim's load-test mode (issue 16, "Faults for the CSMS to survive"), ten
// stations against the dev CSMS in strict mode, on a timer (--fault) and through
// POST /api/fleet/faults:
// - boot storm: the power returns after an outage, every station restarts at the same instant;
//   OCPP 1.6 §4.2: "The Charge Point SHALL send a BootNotification.req PDU each time it boots or
//   reboots", so the CSMS gets one BootNotification per station;
// - power cut of a share: a transaction the cut interrupted is stopped with reason PowerLoss
//   after the restart (§7.36 "PowerLoss: Complete loss of power");
// - network flap of a share: exactly that many stations disconnect and come back; a reconnect is
//   no reboot, so no BootNotification (§4.2); with `backoff` the stations' connections are
//   refused during the outage and none reaches the CSMS before it ends;
// - meter burst: MeterValues every second (MeterValueSampleInterval, §9.1.19, set to 1 s) for
//   its duration, then the interval the station had.
// The stations a fault takes are drawn from its seed (the unit test test_sim_faults checks the
// draw); here the CSMS must see exactly the stations GET /api/fleet/faults names.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { SIM, cpCall, event, needSim, scenario, simArgs } from './lib/harness.mjs';

const N = 10;
const ids = Array.from({ length: N }, (_, i) => `FLT-${String(i + 1).padStart(4, '0')}`);
const sorted = (a) => [...a].sort();

test('fleet faults: boot storm, power cut, flap with and without back-off, meter burst', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'FLT', '--stations', String(N), '--connectors', '1', '--speed', '60',
        '--log-level', 'info', '--fault-seed', '7', '--fault', 'boot-storm:20%:1s:backoff@2s', '--fault', 'meter-burst:10s@1h'));
    await csms.waitForCount(cpCall('BootNotification'), N, { timeout: 20000, what: '10 boots' });
    let mark = csms.mark();
    const api = async (method, body) => sim.api(method, '/api/fleet/faults', body);
    const fault = async (id) => (await api('GET')).json.faults.find((f) => f.id === id);
    const post = async (spec) => {
        const r = await api('POST', { fault: spec });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.source, 'rest');
        return r.json;
    };

    // The timer: 2 s after the start, the power of 20% of the fleet (2 stations) comes back
    // after an outage, the CSMS refusing their connections for 1 s: they restart, back off,
    // come back after the outage and boot.
    let list = (await api('GET')).json;
    assert.equal(list.stations, N);
    assert.equal(list.seed, 7);
    const burst = list.faults[1];
    assert.equal(burst.fault, 'meter-burst:10s@1h');
    assert.equal(burst.state, 'scheduled');
    assert.ok(burst.startsInMs > 3500000 && burst.startsInMs <= 3600000, JSON.stringify(burst));
    const timed = await csms.waitForCount(event('disconnect'), 2, { since: mark, timeout: 10000, what: 'the timer boot storm' });
    const reboots = await csms.waitForCount(cpCall('BootNotification'), 2, { since: mark, timeout: 10000, what: 'boots after the outage' });
    const f1 = await fault(1);
    assert.equal(f1.fault, 'boot-storm:20%:1s:backoff@2s');
    assert.equal(f1.source, 'option');
    assert.equal(f1.state, 'done');
    assert.equal(f1.stations, 2);
    assert.equal(f1.seed, 8, '--fault-seed plus the fault number');
    assert.deepEqual(sorted(timed.map((e) => e.identity)), sorted(f1.stationIds));
    assert.deepEqual(sorted(reboots.map((m) => m.identity)), sorted(f1.stationIds));
    for (const m of reboots) assert.ok(m.t >= f1.endedAt, `${m.identity} booted at ${m.t}, in the outage (until ${f1.endedAt})`);
    assert.ok(sim.grep(/connect failed/).length >= 2, 'connections refused during the outage');

    // Bad bodies and methods.
    for (const [body, re] of [
        ['not json', /JSON object/],
        [{}, /"fault" is required/],
        [{ fault: 5 }, /must be a string/],
        [{ fault: 'flop:10%' }, /unknown kind flop/],
        [{ fault: 'flap:50%' }, /flap needs a share and how long/],
        [{ fault: 'power-cut:150%' }, /bad share 150%/],
        [{ fault: 'flap:50%:1s', share: 5 }, /unknown field "share"/],
        [{ fault: 'flap:50%:1s\u0000x' }, /must not contain a NUL/],
        [{ fault: `boot-storm:${'9'.repeat(60)}s` }, /longer than 63 characters/],
        [{ '\u0001\u0002': 1 }, /unknown field/],
    ]) {
        const r = await api('POST', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.match(r.json.error, re);
    }
    const put = await api('PUT', { fault: 'boot-storm' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, POST');
    assert.equal((await api('GET')).json.faults.length, 2, 'nothing added by a bad request');

    // A transaction on every station.
    mark = csms.mark();
    await Promise.all(ids.map(async (id) => {
        assert.equal((await sim.api('POST', `/api/stations/${id}/connectors/1/plug`)).status, 200);
        assert.equal((await sim.api('POST', `/api/stations/${id}/rfid`, { idTag: `T${id.slice(-4)}` })).status, 200);
    }));
    await csms.waitForCount(cpCall('StartTransaction'), N, { since: mark, timeout: 10000 });
    await Promise.all(ids.map((id) => sim.waitState((s) => s.connectors[0].status === 'Charging', { station: id, timeout: 10000 })));

    // Meter burst: MeterValues every second on every station, then the interval back (60 s).
    const before = csms.messages(cpCall('MeterValues'), mark).length;
    mark = csms.mark();
    const b = await post('meter-burst:3s');
    assert.equal(b.stations, N);
    assert.equal(b.transactions, N);
    assert.equal(b.refused, 0);
    const mv = await csms.waitForCount(cpCall('MeterValues'), 2 * N, { since: mark, timeout: 10000, what: 'the burst' });
    assert.deepEqual(sorted(new Set(mv.map((m) => m.identity))), ids, 'every station sends');
    assert.ok(mv.length > before, `more MeterValues in the burst (${mv.length}) than before (${before})`);
    await sim.waitForLine(`fault ${b.id} meter-burst:3s: over`, { timeout: 10000 });
    const cfg = (await sim.api('GET', `/api/stations/${ids[0]}/config`)).json.keys;
    assert.equal(cfg.find((k) => k.key === 'MeterValueSampleInterval').value, '60');

    // Power cut of 30%: three stations restart, their transactions stopped with PowerLoss.
    mark = csms.mark();
    const pc = await post('power-cut:30%');
    assert.equal(pc.state, 'done');
    assert.equal(pc.stations, 3);
    assert.equal(pc.transactions, 3);
    const stops = await csms.waitForCount(cpCall('StopTransaction'), 3, { since: mark, timeout: 10000 });
    assert.ok(stops.every((m) => m.payload.reason === 'PowerLoss'), JSON.stringify(stops.map((m) => m.payload)));
    assert.deepEqual(sorted(stops.map((m) => m.identity)), sorted(pc.stationIds));
    const boots = await csms.waitForCount(cpCall('BootNotification'), 3, { since: mark, timeout: 10000 });
    assert.deepEqual(sorted(boots.map((m) => m.identity)), sorted(pc.stationIds));

    // Flap of 50% for 1 s: exactly five stations disconnect and come back, without a boot.
    mark = csms.mark();
    const fl = await post('flap:50%:1s');
    assert.equal(fl.state, 'running');
    assert.equal(fl.stations, 5);
    const down = await csms.waitForCount(event('disconnect'), 5, { since: mark, timeout: 10000 });
    assert.deepEqual(sorted(down.map((e) => e.identity)), sorted(fl.stationIds));
    const up = await csms.waitForCount(event('connect'), 5, { since: mark, timeout: 10000 });
    assert.deepEqual(sorted(up.map((e) => e.identity)), sorted(fl.stationIds));
    assert.equal((await fault(fl.id)).state, 'done');
    assert.equal(csms.records.slice(mark).filter(event('disconnect')).length, 5, 'the others stayed');

    // Flap of 30% with back-off: refused during the outage, back on the library's back-off.
    mark = csms.mark();
    const fb = await post('flap:30%:1s:backoff');
    assert.equal(fb.stations, 3);
    const down2 = await csms.waitForCount(event('disconnect'), 3, { since: mark, timeout: 10000 });
    assert.deepEqual(sorted(down2.map((e) => e.identity)), sorted(fb.stationIds));
    const up2 = await csms.waitForCount(event('connect'), 3, { since: mark, timeout: 15000 });
    assert.deepEqual(sorted(up2.map((e) => e.identity)), sorted(fb.stationIds));
    const fbDone = await fault(fb.id);
    assert.equal(fbDone.state, 'done');
    for (const e of up2) assert.ok(e.t >= fbDone.endedAt, `${e.identity} came back at ${e.t}, before the outage ended (${fbDone.endedAt})`);
    assert.ok(sim.grep(/connect failed/).length >= 5, 'connections refused during the outage');

    // Boot storm (REST, no back-off): every station restarts at once, ten BootNotifications.
    const charging = (await Promise.all(ids.map((id) => sim.api('GET', `/api/stations/${id}/state`))))
        .filter((r) => r.json.connectors[0].transactionId !== null).length;
    mark = csms.mark();
    const bs = await post('boot-storm');
    assert.equal(bs.fault, 'boot-storm');
    assert.equal(bs.stations, N);
    assert.equal(bs.transactions, charging);
    assert.deepEqual(bs.stationIds, ids);
    const storm = await csms.waitForCount(cpCall('BootNotification'), N, { since: mark, timeout: 10000 });
    assert.deepEqual(sorted(storm.map((m) => m.identity)), ids);
    const lost = await csms.waitForCount(cpCall('StopTransaction'), charging, { since: mark, timeout: 10000 });
    assert.ok(lost.every((m) => m.payload.reason === 'PowerLoss'));

    // Later through REST: scheduled, nothing done yet.
    const later = await post('power-cut:10%@1h');
    assert.equal(later.state, 'scheduled');
    assert.equal(later.stations, 0);
    assert.ok(later.startsInMs > 3500000 && later.startsInMs <= 3600000, JSON.stringify(later));
    list = (await api('GET')).json;
    assert.deepEqual(list.faults.map((f) => [f.id, f.state]),
        [[1, 'done'], [2, 'scheduled'], [3, 'done'], [4, 'done'], [5, 'done'], [6, 'done'], [7, 'done'], [8, 'scheduled']]);
});

test('--fault: bad forms are refused with a reason and exit status 2', { skip: needSim }, () => {
    for (const [args, re] of [
        [['--fault', 'flap:25%:30s'], /when\? add @TIME/],
        [['--fault', 'flop@1s'], /unknown kind flop/],
        [['--fault', 'flap:25%:0s@1s'], /bad duration 0s/],
        [['--fault', 'boot-storm:backoff@1s'], /backoff needs an outage/],
        [['--fault', 'meter-burst:30s:backoff@1s'], /backoff goes with an outage/],
        [['--fault', 'power-cut:10%@5d'], /bad time @5d/],
        [['--fault-seed', 'x'], /--fault-seed must be a number/],
    ]) {
        const r = spawnSync(SIM, ['--csms', 'ws://127.0.0.1:9/ocpp', '--http', 'off', ...args], { encoding: 'utf8', timeout: 10000 });
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re, args.join(' '));
    }
});
