// OCTT-style Core-profile cases (OCPP 1.6 edition 2): GetConfiguration (§9.1 keys) and
// metering (§4.7, §3.16: sampled, clock-aligned, Transaction.Begin/End), driven through
// ocpp-sim's REST API against the dev CSMS (strict schemas).

import assert from 'node:assert/strict';
import test from 'node:test';
import { cfgArgs, coreBoot, coreStartTx, cpCall, needSim, simPost } from './lib/harness.mjs';

// OCPP 1.6 §9.1: the Core keys whose "Required" column says yes.
const CORE_REQUIRED = [
    'AuthorizeRemoteTxRequests', 'ClockAlignedDataInterval', 'ConnectionTimeOut', 'ConnectorPhaseRotation',
    'GetConfigurationMaxKeys', 'HeartbeatInterval', 'LocalAuthorizeOffline', 'LocalPreAuthorize',
    'MeterValuesAlignedData', 'MeterValuesSampledData', 'MeterValueSampleInterval', 'NumberOfConnectors',
    'ResetRetries', 'StopTransactionOnEVSideDisconnect', 'StopTransactionOnInvalidId', 'StopTxnAlignedData',
    'StopTxnSampledData', 'SupportedFeatureProfiles', 'TransactionMessageAttempts',
    'TransactionMessageRetryInterval', 'UnlockConnectorOnEVSideDisconnect',
];
// §9.2: required when LocalAuthListManagement is a supported profile.
const LOCAL_LIST_REQUIRED = ['LocalAuthListEnabled', 'LocalAuthListMaxLength', 'SendLocalListMaxLength'];

test('§5.8/§9.1 GetConfiguration without keys: every required Core key is present, well-formed', { skip: needSim }, async (t) => {
    const id = 'OC-GETCFG';
    const { csms } = await coreBoot(t, id);
    const r = await csms.call(id, 'GetConfiguration', {});
    const keys = new Map(r.configurationKey.map((k) => [k.key, k]));
    assert.equal(keys.size, r.configurationKey.length, 'no key listed twice');
    const missing = CORE_REQUIRED.filter((k) => !keys.has(k));
    assert.deepEqual(missing, [], 'required §9.1 keys missing');
    assert.deepEqual(r.unknownKey ?? [], []);
    assert.equal(keys.get('NumberOfConnectors').value, '2');
    assert.equal(keys.get('NumberOfConnectors').readonly, true);
    assert.equal(keys.get('SupportedFeatureProfiles').readonly, true);
    assert.ok(keys.get('SupportedFeatureProfiles').value.split(',').includes('Core'));
    for (const k of ['HeartbeatInterval', 'MeterValueSampleInterval', 'ClockAlignedDataInterval', 'ConnectionTimeOut']) {
        assert.match(keys.get(k).value ?? '', /^\d+$/, `${k} is an integer`);
    }
    for (const k of ['AuthorizeRemoteTxRequests', 'LocalAuthorizeOffline', 'LocalPreAuthorize', 'StopTransactionOnEVSideDisconnect', 'StopTransactionOnInvalidId', 'UnlockConnectorOnEVSideDisconnect']) {
        assert.match(keys.get(k).value ?? '', /^(true|false)$/, `${k} is a boolean`);
    }
    if (keys.get('SupportedFeatureProfiles').value.split(',').includes('LocalAuthListManagement')) {
        assert.deepEqual(LOCAL_LIST_REQUIRED.filter((k) => !keys.has(k)), [], 'required §9.2 keys missing');
    }
    // OCPP 1.6 §9.1.29: SupportedFeatureProfiles lists what the charge point implements (the
    // modules its 1.6 adapter registers), and the keys of other profiles do not exist (§5.3
    // NotSupported, §5.8 unknownKey).
    assert.equal(keys.get('SupportedFeatureProfiles').value,
        'Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger');
    assert.ok(keys.has('LocalAuthListEnabled') && keys.has('ReserveConnectorZeroSupported'));
    assert.ok(keys.has('ChargeProfileMaxStackLevel'));
    // The keys of a profile that is compiled out do not exist: unit test_config
    // test_profiles_follow_registration (this build compiles every 1.6 profile in).
    // A key that does not exist is reported in unknownKey.
    const u = await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] });
    assert.deepEqual(u.unknownKey, ['NoSuchKey']);
    assert.equal(u.configurationKey.length, 1);
});

function values(mv) {
    return mv.payload.meterValue.flatMap((v) => v.sampledValue.map((s) => ({ ...s, timestamp: v.timestamp })));
}

test('§4.7/§9.1 (MeterValueSampleInterval) sampled meter values: context Sample.Periodic, transactionId set, measurands of MeterValuesSampledData', { skip: needSim }, async (t) => {
    const id = 'OC-MVS';
    const { csms, sim } = await coreBoot(t, id, {
        args: cfgArgs('MeterValueSampleInterval=1', 'MeterValuesSampledData=Energy.Active.Import.Register,Power.Active.Import', 'ClockAlignedDataInterval=0'),
    });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'MV-1');
    const since = csms.mark();
    const [mv] = await csms.waitForCount((m) => cpCall('MeterValues', id)(m) && m.payload.transactionId === txId, 2, { since });
    assert.equal(mv.payload.connectorId, 1);
    const sv = values(mv);
    assert.ok(sv.length >= 2, JSON.stringify(mv.payload));
    for (const s of sv) assert.equal(s.context ?? 'Sample.Periodic', 'Sample.Periodic');
    const measurands = new Set(sv.map((s) => s.measurand ?? 'Energy.Active.Import.Register'));
    assert.deepEqual([...measurands].sort(), ['Energy.Active.Import.Register', 'Power.Active.Import']);
    const e = sv.find((s) => (s.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register');
    assert.equal(e.unit ?? 'Wh', 'Wh');
    const p = sv.find((s) => s.measurand === 'Power.Active.Import');
    assert.equal(p.unit, 'W');
    assert.ok(Number(p.value) > 0, `power ${p.value}`);
});

test('§4.7/§9.1 (ClockAlignedDataInterval) clock-aligned meter values: context Sample.Clock at the interval boundaries', { skip: needSim }, async (t) => {
    const id = 'OC-MVC';
    const { csms, sim } = await coreBoot(t, id, {
        args: cfgArgs('ClockAlignedDataInterval=2', 'MeterValuesAlignedData=Energy.Active.Import.Register', 'MeterValueSampleInterval=0'),
    });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'MV-2');
    const since = csms.mark();
    const clock = (m) => cpCall('MeterValues', id)(m) && values(m).some((s) => s.context === 'Sample.Clock');
    const mvs = await csms.waitForCount((m) => clock(m) && m.payload.connectorId === 1, 2, { since });
    for (const mv of mvs) {
        const sv = values(mv);
        for (const s of sv) {
            assert.equal(s.context, 'Sample.Clock');
            assert.equal(s.measurand ?? 'Energy.Active.Import.Register', 'Energy.Active.Import.Register');
            // §9.1 ClockAlignedDataInterval: aligned to the interval from midnight: whole seconds divisible by 2.
            const ms = Date.parse(s.timestamp);
            assert.equal(ms % 2000, 0, `aligned timestamp ${s.timestamp}`);
        }
        // §4.7: during a transaction the connector's values carry the transaction id.
        assert.equal(mv.payload.transactionId, txId);
    }
    assert.notEqual(mvs[0].payload.meterValue[0].timestamp, mvs[1].payload.meterValue[0].timestamp);
});

test('§4.10/§9.1 StopTxnSampledData: transactionData with Transaction.Begin and Transaction.End values', { skip: needSim }, async (t) => {
    const id = 'OC-MVBE';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('StopTxnSampledData=Energy.Active.Import.Register') });
    const { start } = await coreStartTx(csms, sim, id, 1, 'MV-3');
    await sim.waitState((s) => s.connectors[0].energyWh >= start.payload.meterStart + 50, { what: 'energy flows' });
    const since = csms.mark();
    await simPost(sim, '/api/connectors/1/unplug');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    const td = stop.payload.transactionData;
    assert.ok(Array.isArray(td) && td.length >= 2, JSON.stringify(stop.payload));
    const all = td.flatMap((v) => v.sampledValue.map((s) => ({ ...s, timestamp: v.timestamp })));
    const begin = all.filter((s) => s.context === 'Transaction.Begin');
    const end = all.filter((s) => s.context === 'Transaction.End');
    assert.equal(begin.length, 1, 'one Transaction.Begin value');
    assert.equal(end.length, 1, 'one Transaction.End value');
    assert.equal(Number(begin[0].value), start.payload.meterStart);
    assert.equal(Number(end[0].value), stop.payload.meterStop);
    for (const s of [...begin, ...end]) assert.equal(s.measurand ?? 'Energy.Active.Import.Register', 'Energy.Active.Import.Register');
});

test('§3.16.2/§9.1.5 clock-aligned meter values outside a transaction: Sample.Clock for every connector, no transactionId (§4.7)', { skip: needSim }, async (t) => {
    const id = 'OC-MVCX';
    const { csms } = await coreBoot(t, id, {
        args: cfgArgs('ClockAlignedDataInterval=2', 'MeterValuesAlignedData=Energy.Active.Import.Register,Voltage', 'MeterValueSampleInterval=0'),
    });
    const since = csms.mark();
    const clock = (n) => (m) => cpCall('MeterValues', id)(m) && m.payload.connectorId === n;
    for (const n of [1, 2]) {
        const [mv] = await csms.waitForCount(clock(n), 1, { since });
        // §4.7: "If there is no transaction in progress ... then transaction id may be omitted."
        assert.equal(mv.payload.transactionId, undefined);
        const sv = values(mv);
        assert.ok(sv.every((s) => s.context === 'Sample.Clock'), JSON.stringify(mv.payload));
        assert.deepEqual([...new Set(sv.map((s) => s.measurand ?? 'Energy.Active.Import.Register'))].sort(), ['Energy.Active.Import.Register', 'Voltage']);
        // §3.16.3: every phase the meter measures: three L-N voltages.
        assert.deepEqual(sv.filter((s) => s.measurand === 'Voltage').map((s) => s.phase).sort(), ['L1-N', 'L2-N', 'L3-N']);
        assert.ok(sv.filter((s) => s.measurand === 'Voltage').every((s) => s.unit === 'V'));
        assert.equal(Date.parse(sv[0].timestamp) % 2000, 0, `aligned timestamp ${sv[0].timestamp}`);
    }
});

test('§5.17/§7.35 TriggerMessage MeterValues: context Trigger, during a transaction with its transactionId', { skip: needSim }, async (t) => {
    const id = 'OC-MVT';
    const { csms, sim } = await coreBoot(t, id, {
        args: cfgArgs('ClockAlignedDataInterval=0', 'MeterValueSampleInterval=0', 'MeterValuesSampledData=Energy.Active.Import.Register,Current.Import'),
    });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'MV-T');
    const since = csms.mark();
    assert.equal((await csms.call(id, 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 })).status, 'Accepted');
    const mv = await csms.waitFor(cpCall('MeterValues', id), { since });
    assert.equal(mv.payload.connectorId, 1);
    assert.equal(mv.payload.transactionId, txId);
    const sv = values(mv);
    for (const s of sv) assert.equal(s.context, 'Trigger');
    // The measurands of MeterValuesSampledData (§5.17: the triggered message is a MeterValues.req as usual), Current.Import
    // per phase (§3.16.3).
    assert.equal(sv.filter((s) => (s.measurand ?? 'Energy.Active.Import.Register') === 'Energy.Active.Import.Register').length, 1);
    const cur = sv.filter((s) => s.measurand === 'Current.Import');
    assert.deepEqual(cur.map((s) => s.phase).sort(), ['L1', 'L2', 'L3']);
    assert.ok(cur.every((s) => s.unit === 'A'));
    assert.ok(Number(cur.find((s) => s.phase === 'L1').value) > 0, JSON.stringify(cur));
});
