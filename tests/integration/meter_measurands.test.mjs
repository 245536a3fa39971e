// The measurand lists follow what the simulated meter supplies (OCPP 1.6 §3.16.4, §9.1.17):
// ocpp-sim's meter reads the register, the power, the current of L1..L3, the voltage of
// L1-N..L3-N, the offered current and the temperature; anything else is Rejected, and a
// phase-qualified item sends that phase only, with its `phase` field (strict schemas).

import assert from 'node:assert/strict';
import test from 'node:test';
import { cfgArgs, coreBoot, coreStartTx, cpCall, needSim } from './lib/harness.mjs';

test('§3.16.4/§9.1.17 measurand lists: what the meter cannot supply is Rejected, Voltage.L1 and Current.Import.L2 are Accepted and sent with their phase', { skip: needSim }, async (t) => {
    const id = 'OC-MEAS';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('MeterValueSampleInterval=0', 'ClockAlignedDataInterval=0') });
    const set = (key, value) => csms.call(id, 'ChangeConfiguration', { key, value });
    for (const key of ['MeterValuesSampledData', 'MeterValuesAlignedData', 'StopTxnSampledData', 'StopTxnAlignedData']) {
        // §3.16.4: "If the comma separated list contains one or more measurands that are not supported
        // by this Charge Point, the Charge Point SHALL respond with: ... status = Rejected."
        for (const v of ['SoC', 'Power.Factor', 'Voltage,SoC', 'Current.Import.N', 'Voltage.L1-L2', 'Energy.Active.Import.Register.L1', 'Voltage.L4']) {
            assert.deepEqual(await set(key, v), { status: 'Rejected' }, `${key}=${v}`);
        }
        assert.deepEqual(await set(key, 'Voltage.L1,Current.Import.L2,Energy.Active.Import.Register'), { status: 'Accepted' }, key);
        const got = await csms.call(id, 'GetConfiguration', { key: [key] });
        assert.equal(got.configurationKey[0].value, 'Energy.Active.Import.Register,Current.Import.L2,Voltage.L1');
    }
    assert.deepEqual(await set('StopTxnSampledData', 'Current.Import'), { status: 'Accepted' });
    assert.deepEqual(await set('MeterValueSampleInterval', '1'), { status: 'Accepted' });
    const since = csms.mark();
    const { txId } = await coreStartTx(csms, sim, id, 1, 'MEAS1');
    const mv = await csms.waitFor((m) => cpCall('MeterValues', id)(m) && m.payload.transactionId === txId, { since });
    const sv = mv.payload.meterValue.flatMap((v) => v.sampledValue);
    assert.deepEqual(sv.map((s) => [s.measurand, s.phase]), [
        ['Energy.Active.Import.Register', undefined],
        ['Current.Import', 'L2'],
        ['Voltage', 'L1-N'], // "Voltage.L1": the voltage of L1, read to N
    ]);
    // §3.16.3: a measurand without phase is "all possible ... phases".
    const stopSince = csms.mark();
    await sim.api('POST', '/api/connectors/1/unplug');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since: stopSince });
    const end = stop.payload.transactionData.flatMap((v) => v.sampledValue).filter((s) => s.context === 'Transaction.End');
    assert.deepEqual(end.map((s) => [s.measurand, s.phase]), [['Current.Import', 'L1'], ['Current.Import', 'L2'], ['Current.Import', 'L3']]);
});
