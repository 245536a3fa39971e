// OCTT-style Core-profile cases (OCPP 1.6 edition 2): boot, starting and stopping a
// transaction from the charge point side, driven through ocpp-sim's REST API against the dev
// CSMS (strict schemas; the harness fails a test on any violation).

import assert from 'node:assert/strict';
import test from 'node:test';
import {
    cfgArgs, connOf, connStatus, coreBoot, coreStartTx, cpCall, csmsResult, needSim, scenario, simArgs, simPost, statusCall,
} from './lib/harness.mjs';

test('§4.2/§4.9 cold boot: BootNotification, then StatusNotification for connectors 0..N', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    h.sim(simArgs(csms.url, 'OC-BOOT', '--connectors', '2'));
    const boot = await csms.waitFor(cpCall('BootNotification', 'OC-BOOT'));
    assert.equal(typeof boot.payload.chargePointVendor, 'string');
    assert.equal(typeof boot.payload.chargePointModel, 'string');
    for (const n of [0, 1, 2]) {
        const s = await csms.waitFor(statusCall('OC-BOOT', n));
        // §4.2: StatusNotifications come after the BootNotification was accepted.
        assert.ok(s.seq > boot.seq, `connector ${n} status before BootNotification`);
        assert.equal(s.payload.status, 'Available');
        assert.equal(s.payload.errorCode, 'NoError');
    }
});

test('§4.9/§4.8 plug first: Preparing, then Authorize, StartTransaction, Charging', { skip: needSim }, async (t) => {
    const id = 'OC-PLUG';
    const { csms, sim } = await coreBoot(t, id);
    const since = csms.mark();
    await simPost(sim, '/api/connectors/1/plug', {});
    await csms.waitFor(statusCall(id, 1, 'Preparing'), { since });
    await simPost(sim, '/api/rfid', { idTag: 'PLUG-1', connector: 1 });
    const auth = await csms.waitFor(cpCall('Authorize', id), { since });
    assert.equal(auth.payload.idTag, 'PLUG-1');
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.ok(start.seq > auth.seq);
    assert.equal(start.payload.idTag, 'PLUG-1');
    assert.equal(start.payload.connectorId, 1);
    assert.equal(typeof start.payload.meterStart, 'number');
    await csms.waitFor(statusCall(id, 1, 'Charging'), { since });
    const st = await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).transactionId !== null);
    const res = csms.messages(csmsResult('StartTransaction', id), since)[0];
    assert.equal(connOf(1)(st).transactionId, res.payload.transactionId);
});

test('§4.9/§4.8 card first: Authorize, then plug in: StartTransaction, Charging', { skip: needSim }, async (t) => {
    const id = 'OC-CARD';
    const { csms, sim } = await coreBoot(t, id);
    const since = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'CARD-1', connector: 1 });
    await csms.waitFor(cpCall('Authorize', id), { since });
    // §4.9: the connector is Preparing once the user presented a card (before plugging in).
    await csms.waitFor(statusCall(id, 1, 'Preparing'), { since });
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 0, 'no transaction before the plug');
    await simPost(sim, '/api/connectors/1/plug', {});
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'CARD-1');
    await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).powerW > 0, { what: 'Charging' });
});

test('§4.10 EV-side disconnect, StopTransactionOnEVSideDisconnect=true, UnlockConnectorOnEVSideDisconnect=true', { skip: needSim }, async (t) => {
    const id = 'OC-EVD1';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('StopTransactionOnEVSideDisconnect=true', 'UnlockConnectorOnEVSideDisconnect=true') });
    const { txId, st: charging } = await coreStartTx(csms, sim, id, 1, 'EVD-1');
    assert.equal(connOf(1)(charging).locked, true, 'locked during the transaction');
    const since = csms.mark();
    await simPost(sim, '/api/connectors/1/unplug');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'EVDisconnected');
    const st = await sim.waitState(connStatus(1, 'Available'), { what: 'Available' });
    assert.equal(connOf(1)(st).transactionId, null);
    assert.equal(connOf(1)(st).locked, false, 'connector unlocked on EV-side disconnect');
});

test('§4.10 EV-side disconnect, StopTransactionOnEVSideDisconnect=false: the transaction goes on (SuspendedEV) and resumes on re-plug', { skip: needSim }, async (t) => {
    const id = 'OC-EVD0';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('StopTransactionOnEVSideDisconnect=false', 'UnlockConnectorOnEVSideDisconnect=false') });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'EVD-0');
    const since = csms.mark();
    await simPost(sim, '/api/connectors/1/unplug');
    // §4.10 / §9.1 StopTransactionOnEVSideDisconnect: with false the transaction is not stopped; the connector is SuspendedEV.
    await csms.waitFor(statusCall(id, 1, 'SuspendedEV'), { since });
    const st = await sim.waitState(connStatus(1, 'SuspendedEV'), { what: 'SuspendedEV after unplug' });
    assert.equal(connOf(1)(st).transactionId, txId);
    await simPost(sim, '/api/connectors/1/plug', {});
    const again = await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).powerW > 0, { what: 'Charging after re-plug' });
    assert.equal(connOf(1)(again).transactionId, txId);
    assert.equal(csms.messages(cpCall('StopTransaction', id), since).length, 0);
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 0);
});

test('§4.10/§3.5 stop by the same card: StopTransaction reason Local with the idTag', { skip: needSim }, async (t) => {
    const id = 'OC-STOP1';
    const { csms, sim } = await coreBoot(t, id);
    const { txId } = await coreStartTx(csms, sim, id, 1, 'SAME-1');
    const since = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'SAME-1', connector: 1 });
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason ?? 'Local', 'Local');
    assert.equal(stop.payload.idTag, 'SAME-1');
    // §4.9: stopped with the cable still in: Finishing (C6), reported after the StopTransaction.req of the stop
    // that brought it about ("in the order in which the events that they describe occurred").
    const fin = await csms.waitFor(statusCall(id, 1, 'Finishing'), { since });
    assert.ok(fin.seq > stop.seq, 'Finishing after the StopTransaction.req');
    await sim.waitState((s) => connOf(1)(s).transactionId === null && connStatus(1, 'Finishing')(s), { what: 'Finishing' });
});

test('§4.10/§7.1 stop by a card of the same group (parentIdTag): the transaction stops', { skip: needSim }, async (t) => {
    const id = 'OC-STOPG';
    const idTags = { 'GRP-A': { status: 'Accepted', parentIdTag: 'FLEET-1' }, 'GRP-B': { status: 'Accepted', parentIdTag: 'FLEET-1' } };
    const { csms, sim } = await coreBoot(t, id, { idTags });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'GRP-A');
    const since = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'GRP-B', connector: 1 });
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.idTag, 'GRP-B');
    assert.equal(stop.payload.reason ?? 'Local', 'Local');
});

test('§4.10 stop by a different card (other group): refused, the transaction goes on', { skip: needSim }, async (t) => {
    const id = 'OC-STOPX';
    const idTags = { 'OWN-A': { status: 'Accepted', parentIdTag: 'FLEET-1' }, 'OTHER-B': { status: 'Accepted', parentIdTag: 'FLEET-2' } };
    const { csms, sim } = await coreBoot(t, id, { idTags });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'OWN-A');
    const since = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'OTHER-B', connector: 1 });
    await csms.waitFor(csmsResult('Authorize', id), { since });
    // Then the owner's card: the first (only) StopTransaction must be the owner's.
    await simPost(sim, '/api/rfid', { idTag: 'OWN-A', connector: 1 });
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.idTag, 'OWN-A', 'the other card must not stop the transaction');
    assert.equal(csms.messages(cpCall('StopTransaction', id), since).length, 1);
});

// §4.10 with a socket outlet (ocpp-sim's default; the state says cable: 'socket'): "If StopTransactionOnEVSideDisconnect
// is set to false, this SHALL have priority over UnlockConnectorOnEVSideDisconnect. In other words: cables always remain
// locked when the cable is disconnected at EV side when StopTransactionOnEVSideDisconnect is false." The normal end of
// the transaction unlocks ("As part of the normal transaction termination, the Charge Point SHALL unlock the cable").
for (const unlockKey of ['false', 'true']) {
    test(`§4.10/§9.1 StopTransactionOnEVSideDisconnect=false, UnlockConnectorOnEVSideDisconnect=${unlockKey}: the connector stays locked after an EV-side disconnect until the transaction ends`, { skip: needSim }, async (t) => {
        const id = `OC-EVDL${unlockKey[0]}`;
        const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('StopTransactionOnEVSideDisconnect=false', `UnlockConnectorOnEVSideDisconnect=${unlockKey}`) });
        const { txId, st: charging } = await coreStartTx(csms, sim, id, 1, 'EVD-L');
        assert.equal(connOf(1)(charging).cable, 'socket');
        assert.equal(connOf(1)(charging).locked, true, 'locked during the transaction');
        const since = csms.mark();
        await simPost(sim, '/api/connectors/1/unplug');
        await csms.waitFor(statusCall(id, 1, 'SuspendedEV'), { since });
        const st = await sim.waitState(connStatus(1, 'SuspendedEV'), { what: 'SuspendedEV after unplug' });
        assert.equal(connOf(1)(st).locked, true, 'connector stays locked');
        assert.equal(connOf(1)(st).transactionId, txId);
        // The transaction ends: by the user's card (UnlockConnectorOnEVSideDisconnect=false: "the Connector SHALL remain
        // locked at the Charge Point until the user presents the identifier"), or by the CSMS (RemoteStop).
        if (unlockKey === 'false') {
            await simPost(sim, '/api/rfid', { idTag: 'EVD-L', connector: 1 });
        } else {
            assert.equal((await csms.call(id, 'RemoteStopTransaction', { transactionId: txId })).status, 'Accepted');
        }
        const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
        assert.equal(stop.payload.reason ?? 'Local', unlockKey === 'false' ? 'Local' : 'Remote');
        const after = await sim.waitState((s) => connOf(1)(s).transactionId === null, { what: 'transaction ended' });
        assert.equal(connOf(1)(after).locked, false, 'unlocked at the end of the transaction');
        assert.equal(connStatus(1, 'Available')(after), true);
    });
}

test('§4.10/§9.1 StopTransactionOnEVSideDisconnect=true, UnlockConnectorOnEVSideDisconnect=false: stopped (EVDisconnected), the cable stays locked until its owner presents the card', { skip: needSim }, async (t) => {
    const id = 'OC-EVD10';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('StopTransactionOnEVSideDisconnect=true', 'UnlockConnectorOnEVSideDisconnect=false') });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'EVD-O');
    const since = csms.mark();
    await simPost(sim, '/api/connectors/1/unplug');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'EVDisconnected');
    // §4.9: the status the stop brought about follows the StopTransaction.req.
    const avail = await csms.waitFor(statusCall(id, 1, 'Available'), { since });
    assert.ok(avail.seq > stop.seq);
    const st = await sim.waitState((s) => connOf(1)(s).transactionId === null && connStatus(1, 'Available')(s), { what: 'stopped' });
    assert.equal(connOf(1)(st).locked, true, 'the driver\'s cable stays locked in the socket');
    // The owner's card opens it; it is not an authorization for a new transaction.
    const card = csms.mark();
    await simPost(sim, '/api/rfid', { idTag: 'EVD-O' });
    await sim.waitState((s) => connOf(1)(s).locked === false, { what: 'unlocked by the owner\'s card' });
    assert.equal(csms.messages(cpCall('Authorize', id), card).length, 0);
    assert.equal(csms.messages(cpCall('StartTransaction', id), card).length, 0);
});

test('§4.10 fixed cable (POST /api/connectors/{n}/cable): no lock on the charger side; UnlockConnector NotSupported (errata 3.87)', { skip: needSim }, async (t) => {
    const id = 'OC-FIXED';
    const { csms, sim } = await coreBoot(t, id);
    const c = await simPost(sim, '/api/connectors/1/cable', { type: 'fixed' });
    assert.equal(c.cable, 'fixed');
    const { st } = await coreStartTx(csms, sim, id, 1, 'FIX-1');
    assert.equal(connOf(1)(st).cable, 'fixed');
    assert.equal(connOf(1)(st).locked, false, 'nothing to lock');
    // Not while in use; bad bodies.
    const busy = await sim.api('POST', '/api/connectors/1/cable', { type: 'socket' });
    assert.equal(busy.status, 409, busy.text);
    for (const body of [{}, { type: 'tethered' }, { type: 1 }]) {
        const r = await sim.api('POST', '/api/connectors/2/cable', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(typeof r.json.error, 'string');
    }
    assert.equal((await sim.api('GET', '/api/connectors/2/cable')).status, 405);
    assert.equal((await sim.api('POST', '/api/connectors/9/cable', { type: 'fixed' })).status, 404);
    await simPost(sim, '/api/connectors/2/cable', { type: 'fixed' });
    assert.equal((await csms.call(id, 'UnlockConnector', { connectorId: 2 })).status, 'NotSupported');
    const back = await simPost(sim, '/api/connectors/2/cable', { type: 'socket' });
    assert.equal(back.cable, 'socket');
    assert.equal((await csms.call(id, 'UnlockConnector', { connectorId: 2 })).status, 'Unlocked');
});
