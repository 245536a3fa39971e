// OCPP 1.6 Smart Charging (§3.13, §5.5, §5.7, §5.16) end to end: the dev CSMS in strict mode
// sends charging profiles to ocpp-sim; the library's limit reaches the EVSE application's pilot
// (ocpp_cp_callbacks_t.set_limit), the simulated EV follows the pilot duty, and the metered power
// in MeterValues follows the profile. /api/state shows the limit (limitA).
//
// §3.13.4 "While charging is in progress the connector will continuously adapt the maximum
// current or power according to the charging profile."
// §3.13.1 TxProfile: "it SHALL overrule the default charging profile with purpose
// TxDefaultProfile for the duration of the current transaction only."
// errata 3.37: "ChargingProfiles set via SetChargingProfile.req SHALL be persistent across
// reboots/power cycles."
// §5.16.2: "The Charge Point SHALL apply the given profile to the newly started transaction."

import assert from 'node:assert/strict';
import test from 'node:test';
import {
    cfgArgs, connOf, coreBoot, cpCall, needSim, scenario, simArgs, simPost,
} from './lib/harness.mjs';

const INTERVAL_S = 2; // MeterValueSampleInterval: one meter interval
const METER = cfgArgs(`MeterValueSampleInterval=${INTERVAL_S}`, 'ClockAlignedDataInterval=0',
    'MeterValuesSampledData=Energy.Active.Import.Register,Power.Active.Import');
const EV = { evMaxCurrentA: 16, batteryWh: 100000, socPercent: 10, phases: 3 };

/** The Power.Active.Import (W) of a MeterValues.req, or undefined. */
function power(m) {
    for (const v of m.payload.meterValue) {
        for (const s of v.sampledValue) {
            if (s.measurand === 'Power.Active.Import') return Number(s.value) * (s.unit === 'kW' ? 1000 : 1);
        }
    }
    return undefined;
}

const meterOf = (id, n) => (m) => cpCall('MeterValues', id)(m) && m.payload.connectorId === n && power(m) !== undefined;

/** The IEC 61851-1 current of a limit as the pilot carries it (duty = mA / 60, ‰) on 3 x 230 V. */
const watts = (a) => Math.floor((a * 1000) / 60) * 60 / 1000 * 230 * 3;

/** The first MeterValues at or above `since` whose power is near `w` (±3 %), within `ms`. */
async function powerNear(csms, id, n, w, since, ms) {
    const m = await csms.waitFor((x) => meterOf(id, n)(x) && Math.abs(power(x) - w) <= w * 0.03,
        { since, timeout: ms, what: `MeterValues of connector ${n} near ${w} W` });
    return m;
}

const txProfile = (id, txId, limitA, extra = {}) => ({
    chargingProfileId: id, ...(txId !== undefined ? { transactionId: txId } : {}), stackLevel: 0,
    chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: limitA }] }, ...extra,
});

test('OCPP 1.6 §3.13.1/§5.16.3 a TxProfile during a session lowers the metered power within one meter interval; §5.5 clearing it restores the power; /api/state limitA and §5.7 GetCompositeSchedule show the limit', { skip: needSim }, async (t) => {
    const id = 'SC-TX';
    const { csms, sim } = await coreBoot(t, id, { args: METER });
    await simPost(sim, '/api/connectors/1/plug', EV);
    const since = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'SC-1', connector: 1 });
    await csms.waitFor(cpCall('StartTransaction', id), { since });
    const st = await sim.waitState((s) => connOf(1)(s).status === 'Charging' && connOf(1)(s).transactionId !== null, { what: 'Charging' });
    const txId = connOf(1)(st).transactionId;
    assert.equal(connOf(1)(st).limitA, null, 'no profile: no limit');
    // Unlimited: the EV takes its 16 A on 3 phases.
    await powerNear(csms, id, 1, watts(16), since, 10000);

    const set = csms.mark();
    const r = await csms.call(id, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: txProfile(1, txId, 8) });
    assert.equal(r.status, 'Accepted');
    // Within one meter interval: at most the sample that was already under way comes before.
    const low = await powerNear(csms, id, 1, watts(8), set, 10000);
    const between = csms.messages(meterOf(id, 1), set).filter((m) => m.seq < low.seq);
    assert.ok(between.length <= 1, `at most the sample taken before the profile: ${between.map(power)}`);
    const s8 = await sim.waitState((s) => connOf(1)(s).limitA === 8, { what: 'limitA 8' });
    assert.ok(Math.abs(connOf(1)(s8).offeredCurrentA - 8) < 0.1, `offered ${connOf(1)(s8).offeredCurrentA} A`);
    // The dashboard renders it (its script shows each connector's limitA; the browser test
    // tests/browser/dashboard.test.mjs looks at the page itself).
    const page = await sim.api('GET', '/');
    assert.match(page.text, /c\.limitA/);
    const cs = await csms.call(id, 'GetCompositeSchedule', { connectorId: 1, duration: 600, chargingRateUnit: 'A' });
    assert.equal(cs.status, 'Accepted');
    assert.deepEqual(cs.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 8, numberPhases: 3 }]);

    // §5.5: cleared, the limit goes and the EV takes its 16 A again.
    const clr = csms.mark();
    assert.equal((await csms.call(id, 'ClearChargingProfile', { id: 1 })).status, 'Accepted');
    const high = await powerNear(csms, id, 1, watts(16), clr, 10000);
    const before = csms.messages(meterOf(id, 1), clr).filter((m) => m.seq < high.seq);
    assert.ok(before.length <= 1, `within one meter interval: ${before.map(power)}`);
    await sim.waitState((s) => connOf(1)(s).limitA === null, { what: 'limitA null' });
    assert.equal((await csms.call(id, 'ClearChargingProfile', { id: 1 })).status, 'Unknown', '§7.21 Unknown: nothing left to clear');
});

test('OCPP 1.6 §5.16.2 RemoteStartTransaction with a chargingProfile (TxProfile): the transaction it starts charges at that limit', { skip: needSim }, async (t) => {
    const id = 'SC-RS';
    const { csms, sim } = await coreBoot(t, id, { args: [...METER, ...cfgArgs('AuthorizeRemoteTxRequests=false')] });
    const since = csms.mark();
    const r = await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'SC-R', chargingProfile: txProfile(7, undefined, 10) });
    assert.equal(r.status, 'Accepted');
    await simPost(sim, '/api/connectors/1/plug', EV);
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'SC-R');
    await sim.waitState((s) => connOf(1)(s).status === 'Charging' && connOf(1)(s).limitA === 10, { what: 'Charging at 10 A' });
    await powerNear(csms, id, 1, watts(10), start.seq, 10000);
    // No sample of the transaction was above the profile's limit.
    const samples = csms.messages(meterOf(id, 1), since).map(power);
    assert.ok(samples.every((w) => w <= watts(10) * 1.03), `samples ${samples}`);
});

test('errata 3.37: charging profiles survive a restart of ocpp-sim on the same data directory (record smartcharging)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const dir = h.tmp('ocpp-smart-');
    const id = 'SC-PERSIST';
    const args = simArgs(csms.url, id, '--connectors', '2', '--speed', '60', '--data-dir', dir);
    const s1 = h.sim(args, { name: 'before', expectExit: false });
    await s1.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    const def = {
        chargingProfileId: 20, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 8280 }] },
    };
    assert.equal((await csms.call(id, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: def })).status, 'Accepted');
    const max = {
        chargingProfileId: 21, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute',
        chargingSchedule: { startSchedule: '2020-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 20 }] },
    };
    assert.equal((await csms.call(id, 'SetChargingProfile', { connectorId: 0, csChargingProfiles: max })).status, 'Accepted');
    // 8280 W / (230 V x 3) = 12 A on every connector.
    await s1.waitState((s) => connOf(1)(s).limitA === 12 && connOf(2)(s).limitA === 12, { what: 'limitA 12' });
    s1.proc.kill('SIGKILL'); // a power cut
    await s1.exited;

    const back = csms.mark();
    const s2 = h.sim(args, { name: 'after' });
    await s2.waitState((s) => s.connection === 'accepted', { what: 'accepted again' });
    await csms.waitFor(cpCall('BootNotification', id), { since: back });
    await s2.waitState((s) => connOf(1)(s).limitA === 12 && connOf(2)(s).limitA === 12, { what: 'limitA 12 after the restart' });
    const c1 = await csms.call(id, 'GetCompositeSchedule', { connectorId: 1, duration: 60, chargingRateUnit: 'W' });
    assert.deepEqual(c1.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 8280, numberPhases: 3 }]);
    // §5.7 connector 0: the total expected consumption, nothing without a transaction.
    const c0 = await csms.call(id, 'GetCompositeSchedule', { connectorId: 0, duration: 60 });
    assert.deepEqual(c0.chargingSchedule.chargingSchedulePeriod, [{ startPeriod: 0, limit: 0, numberPhases: 3 }]);
    // A clear is persisted as well.
    assert.equal((await csms.call(id, 'ClearChargingProfile', {})).status, 'Accepted');
    await s2.waitState((s) => connOf(1)(s).limitA === null, { what: 'no limit' });
    await s2.stop();
    const s3 = h.sim(args, { name: 'third' });
    await s3.waitState((s) => s.connection === 'accepted', { what: 'accepted a third time' });
    assert.equal((await csms.call(id, 'ClearChargingProfile', {})).status, 'Unknown', 'nothing came back');
});
