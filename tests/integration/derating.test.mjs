// Issue 15 (temperature, LEDs, vendor keys and DataTransfer) and issue 14's "limit as an
// output" on the EVSE application, end to end: ocpp-sim against the dev CSMS in strict mode.
//   - derating: "Derating from a warning threshold: default 60 °C, falling linearly to 6 A at 80 °C.
//     The offered current steps down, the CSMS sees the lower offered current in meter values";
//   - "At the limit the relay opens and the connector is Faulted with HighTemperature: default
//     85 °C, with 10 °C of hysteresis before it recovers by itself";
//   - a limit below 6 A pauses charging: SuspendedEVSE (OCPP 1.6 §7.7 "the EVSE is not offering
//     energy to the EV, e.g. due to a smart charging restriction"); the simulated EV follows the
//     pilot (IEC 61851-1 Annex A), so the metered power drops with the limit.

import assert from 'node:assert/strict';
import test from 'node:test';
import { cfgArgs, connOf, coreBoot, coreStartTx, cpCall, csmsResult, needSim, simPost, statusCall } from './lib/harness.mjs';

const ID = 'CP-DERATE';
/** Sampled values of a MeterValues CALL, by measurand. */
const values = (m) => Object.fromEntries(m.payload.meterValue.flatMap((v) => v.sampledValue).map((s) => [s.measurand, s]));
/** The next MeterValues of the transaction whose predicate over its values holds. */
const meterWhere = (csms, txId, pred, since) =>
    csms.waitFor((m) => cpCall('MeterValues', ID)(m) && m.payload.transactionId === txId && pred(values(m)), { since, timeout: 15000 });

test('issue 15 derating 60->80 °C to 6 A in Current.Offered/Power.Offered, HighTemperature at 85 °C with 10 °C hysteresis; limits below 6 A suspend (SuspendedEVSE); lights; vendor keys and DataTransfer', { skip: needSim }, async (t) => {
    const { csms, sim } = await coreBoot(t, ID, {
        connectors: 1,
        args: [...cfgArgs('MeterValueSampleInterval=1', 'MeterValuesSampledData=Power.Active.Import,Current.Offered,Power.Offered,Temperature'),
            '--max-current', '32'],
    });
    // The thresholds are keys of the application (GetConfiguration), range-checked over OCPP.
    const got = await csms.call(ID, 'GetConfiguration', { key: ['TemperatureDeratingStart', 'TemperatureDeratingEnd', 'TemperatureShutdown', 'TemperatureHysteresis', 'LightIntensity', 'BlinkRepeat'] });
    assert.deepEqual(got.configurationKey.map((k) => [k.key, k.value, k.readonly]), [
        ['TemperatureDeratingStart', '60', false], ['TemperatureDeratingEnd', '80', false], ['TemperatureShutdown', '85', false],
        ['TemperatureHysteresis', '10', false], ['LightIntensity', '100', false], ['BlinkRepeat', '3', false]]);
    assert.deepEqual(got.unknownKey ?? [], []);
    const set = (key, value) => csms.call(ID, 'ChangeConfiguration', { key, value });
    assert.deepEqual(await set('TemperatureShutdown', '79'), { status: 'Rejected' }); // below the derating end
    assert.deepEqual(await set('TemperatureDeratingStart', 'hot'), { status: 'Rejected' });
    assert.deepEqual(await set('LightIntensity', '101'), { status: 'Rejected' });
    assert.deepEqual(await set('LightIntensity', '60'), { status: 'Accepted' });

    const { txId } = await coreStartTx(csms, sim, ID, 1, 'HOT1');
    let st = await sim.waitState((s) => connOf(1)(s).led.color === 'blue' && connOf(1)(s).relayClosed, { what: 'charging light' });
    assert.deepEqual(connOf(1)(st).led, { color: 'blue', pattern: 'pulse', intensityPercent: 60, ratePercent: 100 });
    assert.equal(connOf(1)(st).limitReason, 'none');

    // 70 °C: 32 A - (32 - 6) A x (70 - 60) / (80 - 60) = 19 A; 3 phases x 230 V -> 13110 W offered.
    let since = csms.mark();
    let r = await simPost(sim, '/api/connectors/1/temperature', { celsius: 70 });
    assert.equal(r.offeredCurrentA, 19);
    assert.equal(r.limitReason, 'derating');
    let mv = await meterWhere(csms, txId, (v) => Number(v['Current.Offered']?.value) === 19, since);
    assert.equal(Number(values(mv)['Power.Offered'].value), 13110);
    assert.equal(Number(values(mv)['Temperature'].value), 70);
    assert.equal(values(mv)['Temperature'].unit, 'Celsius');

    // 85 °C: the relay opens, Faulted with HighTemperature; 76 °C is inside the hysteresis.
    since = csms.mark();
    r = await simPost(sim, '/api/connectors/1/temperature', { celsius: 85 });
    assert.equal(r.errorCode, 'HighTemperature');
    await csms.waitFor((m) => statusCall(ID, 1, 'Faulted')(m) && m.payload.errorCode === 'HighTemperature', { since });
    st = await sim.waitState((s) => !connOf(1)(s).relayClosed && connOf(1)(s).powerW === 0, { what: 'relay open' });
    assert.deepEqual(connOf(1)(st).led, { color: 'red', pattern: 'blink', intensityPercent: 60, blinks: 0 });
    r = await simPost(sim, '/api/connectors/1/temperature', { celsius: 76 });
    assert.equal(r.errorCode, 'HighTemperature');
    // 75 °C: recovers by itself, derated; from 6 A the current goes back up only to what 1 °C
    // hotter gives: 32 - 26 x 16 / 20 = 11.2 -> 11 A (whole amperes, down).
    since = csms.mark();
    r = await simPost(sim, '/api/connectors/1/temperature', { celsius: 75 });
    assert.equal(r.errorCode, 'NoError');
    await csms.waitFor(statusCall(ID, 1, 'Charging'), { since });
    mv = await meterWhere(csms, txId, (v) => Number(v['Current.Offered']?.value) === 11, since);
    assert.equal(Number(values(mv)['Power.Offered'].value), 11 * 3 * 230);
    await simPost(sim, '/api/connectors/1/temperature', { celsius: 25 });

    // A limit (as smart charging sets it): the EV follows the pilot, the meter sees the drop.
    st = await sim.waitState((s) => connOf(1)(s).powerW === 16 * 3 * 230, { what: 'full power (EV 16 A)' });
    since = csms.mark();
    r = await simPost(sim, '/api/connectors/1/limit', { amps: 8 });
    assert.equal(r.offeredCurrentA, 8);
    assert.equal(r.limitReason, 'smart');
    // 8 A is a duty of 13.3 %, set in permille rounded down (never more than asked): 133 %o,
    // which the EV reads as 7.98 A (IEC 61851-1 table A.8: A = duty % x 0.6).
    const p8 = Math.round(7.98 * 3 * 230);
    st = await sim.waitState((s) => connOf(1)(s).powerW === p8, { what: 'power at 8 A' });
    assert.equal(connOf(1)(st).currentA, 7.98);
    await meterWhere(csms, txId, (v) => Number(v['Power.Active.Import']?.value) === p8 && Number(v['Current.Offered']?.value) === 8, since);
    // Below 6 A: no PWM, SuspendedEVSE, no power; lifted: Charging again.
    since = csms.mark();
    r = await simPost(sim, '/api/connectors/1/limit', { amps: 5.9 });
    assert.equal(r.offeredCurrentA, 0);
    assert.equal(r.evseSuspended, true);
    await csms.waitFor(statusCall(ID, 1, 'SuspendedEVSE'), { since });
    st = await sim.waitState((s) => connOf(1)(s).powerW === 0 && connOf(1)(s).led.color === 'yellow', { what: 'suspended' });
    since = csms.mark();
    await simPost(sim, '/api/connectors/1/limit', { amps: null });
    await csms.waitFor(statusCall(ID, 1, 'Charging'), { since });

    // Vendor DataTransfer under the charger's vendorId (ocpp-c).
    const temps = await csms.call(ID, 'DataTransfer', { vendorId: 'ocpp-c', messageId: 'GetTemperatures' });
    assert.equal(temps.status, 'Accepted');
    assert.deepEqual(JSON.parse(temps.data), { charger: 25, connectors: [25] });
    const counters = await csms.call(ID, 'DataTransfer', { vendorId: 'ocpp-c', messageId: 'GetCounters', data: '1' });
    assert.equal(counters.status, 'Accepted');
    assert.equal(JSON.parse(counters.data).sessions, 1);
    assert.deepEqual(await csms.call(ID, 'DataTransfer', { vendorId: 'ocpp-c', messageId: 'GetCounters', data: '2' }), { status: 'Rejected' });
    assert.deepEqual(await csms.call(ID, 'DataTransfer', { vendorId: 'ocpp-c', messageId: 'DisplayMessage', data: 'Hello driver' }), { status: 'Accepted' });
    assert.deepEqual(await csms.call(ID, 'DataTransfer', { vendorId: 'ocpp-c', messageId: 'Nope' }), { status: 'UnknownMessageId' });
    assert.deepEqual(await csms.call(ID, 'DataTransfer', { vendorId: 'other' }), { status: 'UnknownVendorId' });

    // Bad input: 4xx with a JSON reason, nothing changes.
    for (const [path, body, status] of [
        ['/api/connectors/1/temperature', { celsius: 'hot' }, 400],
        ['/api/connectors/1/temperature', {}, 400],
        ['/api/connectors/1/temperature', { celsius: 500 }, 400],
        ['/api/connectors/1/temperature', '{"celsius":', 400],
        ['/api/connectors/2/temperature', { celsius: 30 }, 404],
        ['/api/connectors/1/limit', { amps: -1 }, 400],
        ['/api/connectors/1/limit', { amps: '8' }, 400],
    ]) {
        const b = await sim.api('POST', path, body);
        assert.equal(b.status, status, `${path} ${JSON.stringify(body)}: ${b.text}`);
        assert.equal(typeof b.json.error, 'string');
    }
    assert.equal((await sim.api('GET', '/api/connectors/1/temperature')).status, 405);
    st = await sim.waitState(() => true);
    assert.equal(connOf(1)(st).temperatureC, 25);

    // Unplugged: the session ends (StopTransactionOnEVSideDisconnect).
    since = csms.mark();
    await simPost(sim, '/api/connectors/1/unplug', {});
    const stop = await csms.waitFor(cpCall('StopTransaction', ID), { since });
    assert.equal(stop.payload.transactionId, txId);
    await csms.waitFor(csmsResult('StopTransaction', ID), { since });

    // A limit below 6 A before the transaction: it starts suspended by the EVSE, no energy.
    await sim.waitState((s) => connOf(1)(s).status === 'Available', { what: 'Available' });
    await simPost(sim, '/api/connectors/1/limit', { amps: 0 });
    since = csms.mark();
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'HOT2', connector: 1 });
    await csms.waitFor(cpCall('StartTransaction', ID), { since });
    await csms.waitFor(statusCall(ID, 1, 'SuspendedEVSE'), { since });
    st = await sim.waitState((s) => connOf(1)(s).status === 'SuspendedEVSE', { what: 'SuspendedEVSE' });
    assert.equal(connOf(1)(st).powerW, 0);
    assert.equal(connOf(1)(st).pilot, 'B'); // no PWM: the EV does not ask (IEC 61851-1)
});
