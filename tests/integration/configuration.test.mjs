// GetConfiguration / ChangeConfiguration (OCPP 1.6 §5.3, §5.8, §9; OCPP-J errata §3.12 AuthorizationKey).

import assert from 'node:assert/strict';
import test from 'node:test';
import { assertCadence, cpCall, csmsResult, needSim, scenario, simArgs, timeline } from './lib/harness.mjs';

const KEY = '0123456789abcdef0123456789abcdef';

async function bootedSim(t, id, extra = []) {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300, auth: { [id]: KEY } });
    const sim = h.sim(simArgs(csms.url, id, '--password', KEY, ...extra));
    await csms.waitFor(csmsResult('BootNotification', id));
    return { h, csms, sim };
}

test('OCPP 1.6 §5.8 GetConfiguration: all keys, selected keys with unknownKey; AuthorizationKey is never listed (OCPP-J errata §3.12: write-only)', { skip: needSim }, async (t) => {
    const { csms } = await bootedSim(t, 'CP-GETCFG');
    // "If the list does not contain any key, the Charge Point SHALL return a list of all
    // configuration settings" (§5.8)
    const all = await csms.call('CP-GETCFG', 'GetConfiguration', {});
    const keys = all.configurationKey.map((k) => k.key);
    for (const k of ['HeartbeatInterval', 'NumberOfConnectors', 'SupportedFeatureProfiles', 'ConnectionTimeOut',
        'MeterValueSampleInterval', 'WebSocketPingInterval', 'GetConfigurationMaxKeys']) {
        assert.ok(keys.includes(k), `required key ${k} is listed`);
    }
    assert.equal(new Set(keys).size, keys.length, 'no key twice');
    assert.ok(!keys.includes('AuthorizationKey'), 'AuthorizationKey is write-only');
    const byKey = Object.fromEntries(all.configurationKey.map((k) => [k.key, k]));
    assert.equal(byKey.NumberOfConnectors.readonly, true);
    assert.equal(byKey.HeartbeatInterval.readonly, false);
    assert.equal(byKey.NumberOfConnectors.value, '2');
    assert.ok(!all.unknownKey || all.unknownKey.length === 0);
    // "Otherwise Charge Point SHALL return a list of recognized keys and their corresponding
    // values and read-only state. Unrecognized keys SHALL be placed in the response PDU as
    // part of the optional unknown key list element".
    const some = await csms.call('CP-GETCFG', 'GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey', 'AuthorizationKey'] });
    assert.deepEqual(some.configurationKey.map((k) => k.key), ['HeartbeatInterval']);
    assert.ok(some.unknownKey.includes('NoSuchKey'));
    assert.ok(!some.configurationKey.some((k) => k.key === 'AuthorizationKey'));
    // the key in the answer is the boot interval the CSMS gave (§4.2 "adjust the heartbeat interval")
    assert.equal(some.configurationKey[0].value, '300');
});

test('OCPP 1.6 §5.3 ChangeConfiguration: HeartbeatInterval takes effect; unknown key NotSupported; read-only key Rejected; invalid value Rejected', { skip: needSim }, async (t) => {
    const { csms } = await bootedSim(t, 'CP-CHGCFG');
    const since = csms.mark();
    // §5.3: "If the change was applied successfully ... the Charge Point SHALL respond with a
    // status 'Accepted'."
    assert.deepEqual(await csms.call('CP-CHGCFG', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '1' }), { status: 'Accepted' });
    const hbs = await csms.waitForCount(cpCall('Heartbeat', 'CP-CHGCFG'), 4, { since, timeout: 15000 });
    assertCadence(hbs, { min: 1000 - 250, max: 1000 + 1500, what: 'Heartbeat after HeartbeatInterval=1', detail: timeline(csms, hbs[0], hbs.at(-1)) });
    const get = await csms.call('CP-CHGCFG', 'GetConfiguration', { key: ['HeartbeatInterval'] });
    assert.equal(get.configurationKey[0].value, '1');
    // "If the key does not exist, the Charge Point SHALL respond with status 'NotSupported'."
    assert.deepEqual(await csms.call('CP-CHGCFG', 'ChangeConfiguration', { key: 'NoSuchKey', value: '1' }), { status: 'NotSupported' });
    // "If the change was not applied ... the Charge Point SHALL respond with status 'Rejected'"
    // (read-only key, §9.1 NumberOfConnectors: Accessibility R).
    assert.deepEqual(await csms.call('CP-CHGCFG', 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '5' }), { status: 'Rejected' });
    // Invalid values (§9.1.8 HeartbeatInterval: Type integer, in seconds).
    for (const value of ['abc', '-5', '1.5', '', '99999999999999999999']) {
        assert.deepEqual(await csms.call('CP-CHGCFG', 'ChangeConfiguration', { key: 'HeartbeatInterval', value }), { status: 'Rejected' }, `HeartbeatInterval=${JSON.stringify(value)}`);
    }
    const still = await csms.call('CP-CHGCFG', 'GetConfiguration', { key: ['HeartbeatInterval', 'NumberOfConnectors'] });
    assert.deepEqual(still.configurationKey.map((k) => k.value), ['1', '2']);
    // Write-only AuthorizationKey can be set but never read back (OCPP-J errata §3.12).
    const all = await csms.call('CP-CHGCFG', 'GetConfiguration', {});
    assert.ok(!all.configurationKey.some((k) => k.key === 'AuthorizationKey'));
});

test('ocpp-sim --config KEY=VALUE sets a configuration key at startup (reported by GetConfiguration, OCPP 1.6 §5.8)', { skip: needSim }, async (t) => {
    const { csms } = await bootedSim(t, 'CP-CLICFG', ['--config', 'MeterValueSampleInterval=17', '--config', 'WebSocketPingInterval=0']);
    const r = await csms.call('CP-CLICFG', 'GetConfiguration', { key: ['MeterValueSampleInterval', 'WebSocketPingInterval'] });
    assert.deepEqual(r.configurationKey.map((k) => [k.key, k.value]), [['MeterValueSampleInterval', '17'], ['WebSocketPingInterval', '0']]);
});
