// OCTT-style Core-profile cases (OCPP 1.6 edition 2): authorization (§4.1, §3.5) with the
// authorization cache and offline behaviour, driven through ocpp-sim's REST API against the
// dev CSMS (strict schemas).

import assert from 'node:assert/strict';
import test from 'node:test';
import {
    cfgArgs, connOf, connStatus, coreBoot, coreStartTx, cpCall, cpReceived, csmsResult, event, needSim, simPost,
} from './lib/harness.mjs';

for (const status of ['Invalid', 'Blocked', 'Expired']) {
    test(`§4.1/§7.15 ${status.toLowerCase()} card: Authorize answered ${status}, no transaction`, { skip: needSim }, async (t) => {
        const id = `OC-AU${status[0]}`;
        const idTags = { [`BAD-${status}`]: { status }, 'GOOD-1': { status: 'Accepted' } };
        const { csms, sim } = await coreBoot(t, id, { idTags });
        await simPost(sim, '/api/connectors/1/plug', {});
        const since = csms.mark();
        await simPost(sim, '/api/rfid', { idTag: `BAD-${status}`, connector: 1 });
        const auth = await csms.waitFor(cpCall('Authorize', id), { since });
        assert.equal(auth.payload.idTag, `BAD-${status}`);
        await cpReceived(sim, await csms.waitFor(csmsResult('Authorize', id), { since }));
        // The refused card leaves the connector without a transaction; a good card then starts
        // one: the only StartTransaction is the good card's.
        await simPost(sim, '/api/rfid', { idTag: 'GOOD-1', connector: 1 });
        const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
        assert.equal(start.payload.idTag, 'GOOD-1');
        assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 1);
        await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).idTag === 'GOOD-1', { what: 'Charging with GOOD-1' });
    });
}

test('§4.1/§7.15 ConcurrentTx: a card already in a transaction is refused on the other connector', { skip: needSim }, async (t) => {
    const id = 'OC-CTX';
    const { csms, sim } = await coreBoot(t, id);
    await coreStartTx(csms, sim, id, 1, 'CONC-1');
    // The CSMS now knows CONC-1 is charging: Authorize for it is answered ConcurrentTx.
    csms.handle('Authorize', ({ params, fallback }) => (params.idTag === 'CONC-1' ? { idTagInfo: { status: 'ConcurrentTx' } } : fallback()));
    await simPost(sim, '/api/connectors/2/plug', {});
    const since = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'CONC-1', connector: 2 });
    // A card presented while the first authorization is pending is ignored: wait for its answer.
    await cpReceived(sim, await csms.waitFor(csmsResult('Authorize', id), { since }));
    await simPost(sim, '/api/rfid', { idTag: 'CONC-2', connector: 2 });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'CONC-2');
    assert.equal(start.payload.connectorId, 2);
    assert.equal(csms.messages(cpCall('StopTransaction', id), since).length, 0, 'connector 1 goes on');
    const st = await sim.waitState((s) => connStatus(2, 'Charging')(s), { what: 'Charging on 2' });
    assert.equal(connOf(1)(st).idTag, 'CONC-1');
    assert.equal(connStatus(1, 'Charging')(st), true);
});

test('§3.5.2/§3.5.4 cache hit while offline: a card accepted online starts a transaction offline; StartTransaction delivered after restore', { skip: needSim }, async (t) => {
    const id = 'OC-CACHE';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('AuthorizationCacheEnabled=true', 'LocalAuthorizeOffline=true', 'AllowOfflineTxForUnknownId=false') });
    // Online once: Authorize.conf Accepted fills the cache.
    await simPost(sim, '/api/rfid', { idTag: 'CACHED-1', connector: 1 });
    await csms.waitFor(csmsResult('Authorize', id));
    await simPost(sim, '/api/connectors/1/plug', {});
    await csms.waitFor(cpCall('StartTransaction', id));
    await simPost(sim, '/api/rfid', { idTag: 'CACHED-1', connector: 1 });
    await csms.waitFor(cpCall('StopTransaction', id));
    await simPost(sim, '/api/connectors/1/unplug');
    await sim.waitState(connStatus(1, 'Available'), { what: 'Available' });
    // Network cut.
    const since = csms.mark();
    await simPost(sim, '/api/network', { online: false });
    await csms.waitFor(event('disconnect', id), { since });
    await sim.waitState((s) => s.connection === 'offline', { what: 'offline' });
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'CACHED-1', connector: 1 });
    const st = await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).powerW > 0, { what: 'Charging offline' });
    assert.equal(connOf(1)(st).idTag, 'CACHED-1');
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 0);
    // Restore: the queued StartTransaction is delivered.
    await simPost(sim, '/api/network', { online: true });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'CACHED-1');
    assert.equal(start.payload.connectorId, 1);
    assert.ok(Date.parse(start.payload.timestamp) <= start.t, 'timestamp of the offline start');
    const res = csms.messages(csmsResult('StartTransaction', id), since)[0] ?? await csms.waitFor(csmsResult('StartTransaction', id), { since });
    await sim.waitState((s) => connOf(1)(s).transactionId === res.payload.transactionId, { what: 'transaction id from the CSMS' });
});

test('§3.5.3/§9.1 unknown card offline refused with AllowOfflineTxForUnknownId=false (a cached card then starts)', { skip: needSim }, async (t) => {
    const id = 'OC-OFF0';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('AllowOfflineTxForUnknownId=false', 'LocalAuthorizeOffline=true', 'AuthorizationCacheEnabled=true') });
    // CACHED-0 is accepted online once (a whole session), so it is in the cache.
    await coreStartTx(csms, sim, id, 1, 'CACHED-0');
    await simPost(sim, '/api/rfid', { idTag: 'CACHED-0', connector: 1 });
    await csms.waitFor(cpCall('StopTransaction', id));
    await simPost(sim, '/api/connectors/1/unplug');
    await sim.waitState(connStatus(1, 'Available'), { what: 'Available' });
    const since = csms.mark();
    await simPost(sim, '/api/network', { online: false });
    await sim.waitState((s) => s.connection === 'offline', { what: 'offline' });
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'UNKNOWN-0', connector: 1 });
    await simPost(sim, '/api/rfid', { idTag: 'CACHED-0', connector: 1 });
    const st = await sim.waitState((s) => connStatus(1, 'Charging')(s), { what: 'Charging offline with the cached card' });
    assert.equal(connOf(1)(st).idTag, 'CACHED-0', 'the unknown card must not start a transaction offline');
    await simPost(sim, '/api/network', { online: true });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'CACHED-0');
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 1);
});

test('§3.5.3/§9.1 offline start with AllowOfflineTxForUnknownId=true: unknown card charges offline, StartTransaction after restore', { skip: needSim }, async (t) => {
    const id = 'OC-OFF1';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('AllowOfflineTxForUnknownId=true') });
    const since = csms.mark();
    await simPost(sim, '/api/network', { online: false });
    await csms.waitFor(event('disconnect', id), { since });
    await sim.waitState((s) => s.connection === 'offline', { what: 'offline' });
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'UNKNOWN-1', connector: 1 });
    const st = await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).powerW > 0, { what: 'Charging offline' });
    assert.equal(connOf(1)(st).idTag, 'UNKNOWN-1');
    await simPost(sim, '/api/network', { online: true });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'UNKNOWN-1');
});

test('§4.8/§9.1 StopTransactionOnInvalidId=true: StartTransaction.conf Invalid stops the transaction (reason DeAuthorized)', { skip: needSim }, async (t) => {
    const id = 'OC-DEAUTH';
    // Remote start without Authorize, so the first idTagInfo the charge point sees is the one
    // in StartTransaction.conf.
    const { csms, sim } = await coreBoot(t, id, {
        args: cfgArgs('AuthorizeRemoteTxRequests=false', 'StopTransactionOnInvalidId=true'),
        idTags: { 'DEAUTH-1': { status: 'Invalid' } },
    });
    await simPost(sim, '/api/connectors/1/plug', {});
    const since = csms.mark();
    assert.equal((await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'DEAUTH-1' })).status, 'Accepted');
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    const res = await csms.waitFor(csmsResult('StartTransaction', id), { since });
    assert.equal(res.payload.idTagInfo.status, 'Invalid');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.ok(stop.seq > start.seq);
    assert.equal(stop.payload.transactionId, res.payload.transactionId);
    assert.equal(stop.payload.reason, 'DeAuthorized');
    const st = await sim.waitState((s) => connOf(1)(s).transactionId === null, { what: 'transaction ended' });
    assert.equal(connOf(1)(st).relayClosed, false);
});
