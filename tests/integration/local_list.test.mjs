// OCPP 1.6 Local Auth List Management profile (src/v16/locallist.c) through ocpp-sim against the
// dev CSMS (strict schemas):
// §5.15 SendLocalList: "The SendLocalList.req PDU SHALL contain the type of update (full or
// differential) and the version number that the Charge Point MUST associate with the local
// authorization list after it has been updated"; §7.47 VersionMismatch "Version number in the
// request for a differential update is less or equal then version number of current list";
// §7.1 an entry without idTagInfo in a Differential update: "the entry for this idtag in the Local
// Authorization List SHALL be deleted"; §5.10 GetLocalListVersion.
// §3.5 "The LocalAuthorizationOffline configuration key controls whether a Charge Point will
// authorize a user when offline using the Authorization Cache and/or the Local Authorization
// List"; §3.5.2 "The Local Authorization List SHOULD be maintained by the Charge Point in
// non-volatile memory, and SHOULD be persisted across reboots and power outages."

import assert from 'node:assert/strict';
import test from 'node:test';
import {
    cfgArgs, connOf, cpCall, event, needSim, scenario, simArgs, simPost,
} from './lib/harness.mjs';

const ACC = { status: 'Accepted' };

test('§5.15/§5.10/§7.47 a Full list then a Differential update, the version checked after each; §3.5 offline: a card from the list accepted, a removed card refused; §3.5.2 the list survives a power cut; a SendLocalList larger than the receive buffer is refused with the connection kept', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const id = 'LL-1';
    // The CSMS refuses every card: what is accepted offline comes from the list.
    const csms = await h.csms({ interval: 300, idTags: { '*': { status: 'Invalid' } } });
    const dir = h.tmp('ocpp-ll-');
    const args = simArgs(csms.url, id, '--connectors', '2', '--speed', '60', '--data-dir', dir,
        ...cfgArgs('MeterValueSampleInterval=0', 'ClockAlignedDataInterval=0', 'LocalAuthorizeOffline=true',
            'AllowOfflineTxForUnknownId=false'));
    const s1 = h.sim(args, { name: 'before', expectExit: false });
    await s1.waitState((s) => s.connection === 'accepted', { what: 'accepted' });

    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 0 });
    const full = await csms.call(id, 'SendLocalList', {
        listVersion: 5,
        updateType: 'Full',
        localAuthorizationList: [
            { idTag: 'LL-KEEP', idTagInfo: ACC },
            { idTag: 'LL-GONE', idTagInfo: ACC },
            { idTag: 'LL-BLOCK', idTagInfo: { status: 'Blocked' } },
        ],
    });
    assert.deepEqual(full, { status: 'Accepted' });
    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 5 });
    const diff = await csms.call(id, 'SendLocalList', {
        listVersion: 6,
        updateType: 'Differential',
        localAuthorizationList: [{ idTag: 'LL-GONE' }, { idTag: 'LL-NEW', idTagInfo: { status: 'Accepted', parentIdTag: 'LL-FLEET' } }],
    });
    assert.deepEqual(diff, { status: 'Accepted' });
    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 6 });
    assert.deepEqual(await csms.call(id, 'SendLocalList', { listVersion: 6, updateType: 'Differential', localAuthorizationList: [{ idTag: 'LL-X', idTagInfo: ACC }] }),
        { status: 'VersionMismatch' });
    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 6 });

    // Larger than the simulator's 8 KiB receive buffer: refused, the connection stays.
    const big = [];
    for (let i = 0; i < 150; i++) big.push({ idTag: `BIG-${String(i).padStart(4, '0')}`, idTagInfo: { status: 'Accepted', expiryDate: '2030-01-01T00:00:00.000Z' } });
    const mark = csms.mark();
    const r = await csms.callSettled(id, 'SendLocalList', { listVersion: 7, updateType: 'Full', localAuthorizationList: big });
    assert.ok(r.error, `a CALLERROR, got ${JSON.stringify(r)}`);
    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 6 });
    assert.equal(csms.messages(event('disconnect', id), mark).length, 0, 'the connection stays');

    // A power cut; the list comes back from the storage.
    s1.proc.kill('SIGKILL');
    await s1.exited;
    const s2 = h.sim(args, { name: 'after' });
    await s2.waitState((s) => s.connection === 'accepted', { what: 'accepted again' });
    assert.deepEqual(await csms.call(id, 'GetLocalListVersion', {}), { listVersion: 6 });

    // Offline: the list decides.
    const off = csms.mark();
    await simPost(s2, '/api/network', { online: false });
    await csms.waitFor(event('disconnect', id), { since: off });
    await s2.waitState((s) => s.connection === 'offline', { what: 'offline' });
    await simPost(s2, '/api/connectors/2/plug', {});
    await simPost(s2, '/api/rfid', { idTag: 'LL-GONE', connector: 2 });
    await simPost(s2, '/api/rfid', { idTag: 'LL-BLOCK', connector: 2 });
    await simPost(s2, '/api/connectors/1/plug', {});
    await simPost(s2, '/api/rfid', { idTag: 'LL-NEW', connector: 1 });
    const st = await s2.waitState((s) => connOf(1)(s).status === 'Charging', { what: 'Charging offline with LL-NEW' });
    assert.equal(connOf(1)(st).idTag, 'LL-NEW');
    // (offline, a card is decided within the REST call that presents it)
    const st2 = await s2.waitState(() => true);
    assert.equal(connOf(2)(st2).transactionId, null);
    assert.notEqual(connOf(2)(st2).status, 'Charging', 'the removed and the blocked card are refused');
    // Back online: the offline start reaches the CSMS.
    await simPost(s2, '/api/network', { online: true });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since: off });
    assert.equal(start.payload.idTag, 'LL-NEW');
    assert.equal(csms.messages(cpCall('StartTransaction', id), off).length, 1);
});
