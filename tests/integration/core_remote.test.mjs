// OCTT-style Core-profile cases (OCPP 1.6 edition 2): operations initiated by the central
// system (§5): remote start/stop, Reset, UnlockConnector, ChangeAvailability, DataTransfer,
// driven through ocpp-sim's REST API against the dev CSMS (strict schemas).

import assert from 'node:assert/strict';
import test from 'node:test';
import {
    cfgArgs, connOf, connStatus, coreBoot, coreStartTx, cpCall, csmsResult, needSim, simPost, statusCall,
} from './lib/harness.mjs';

test('§5.11/§4.8 remote start, AuthorizeRemoteTxRequests=false: no Authorize, StartTransaction on plug-in', { skip: needSim }, async (t) => {
    const id = 'OC-RS0';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('AuthorizeRemoteTxRequests=false') });
    const since = csms.mark();
    const r = await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REM-0' });
    assert.equal(r.status, 'Accepted');
    await simPost(sim, '/api/connectors/1/plug', {});
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'REM-0');
    assert.equal(start.payload.connectorId, 1);
    assert.equal(csms.messages(cpCall('Authorize', id), since).length, 0, 'no Authorize.req when AuthorizeRemoteTxRequests=false');
    await sim.waitState((s) => connStatus(1, 'Charging')(s) && connOf(1)(s).transactionId !== null, { what: 'Charging' });
});

test('§5.11 remote start, AuthorizeRemoteTxRequests=true (ChangeConfiguration): Authorize before StartTransaction', { skip: needSim }, async (t) => {
    const id = 'OC-RS1';
    const { csms, sim } = await coreBoot(t, id);
    const cc = await csms.call(id, 'ChangeConfiguration', { key: 'AuthorizeRemoteTxRequests', value: 'true' });
    assert.equal(cc.status, 'Accepted');
    await simPost(sim, '/api/connectors/1/plug', {});
    const since = csms.mark();
    const r = await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REM-1' });
    assert.equal(r.status, 'Accepted');
    const auth = await csms.waitFor(cpCall('Authorize', id), { since });
    assert.equal(auth.payload.idTag, 'REM-1');
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.ok(start.seq > auth.seq, 'StartTransaction after Authorize');
    assert.equal(start.payload.idTag, 'REM-1');
});

test('§5.11 remote start refused when the CSMS answers Authorize Invalid (AuthorizeRemoteTxRequests=true)', { skip: needSim }, async (t) => {
    const id = 'OC-RS2';
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('AuthorizeRemoteTxRequests=true'), idTags: { 'REM-BAD': { status: 'Invalid' }, 'REM-OK': { status: 'Accepted' } } });
    await simPost(sim, '/api/connectors/1/plug', {});
    const since = csms.mark();
    await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REM-BAD' });
    // Our Authorize.conf (Invalid) goes out before the next CALL on the same connection.
    await csms.waitFor(csmsResult('Authorize', id), { since });
    // Then a good one: the only StartTransaction is for it.
    const ok = await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REM-OK' });
    assert.equal(ok.status, 'Accepted', 'the connector is free again after the refused remote start');
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'REM-OK');
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 1);
});

test('§5.12/§4.10 remote stop: Accepted, StopTransaction reason Remote; unknown transaction Rejected', { skip: needSim }, async (t) => {
    const id = 'OC-RSTOP';
    const { csms, sim } = await coreBoot(t, id);
    const { txId } = await coreStartTx(csms, sim, id, 1, 'RSTOP-1');
    const bad = await csms.call(id, 'RemoteStopTransaction', { transactionId: txId + 1000 });
    assert.equal(bad.status, 'Rejected');
    const since = csms.mark();
    const r = await csms.call(id, 'RemoteStopTransaction', { transactionId: txId });
    assert.equal(r.status, 'Accepted');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'Remote');
    await sim.waitState((s) => connOf(1)(s).transactionId === null && connStatus(1, 'Finishing')(s), { what: 'Finishing' });
});

for (const type of ['Hard', 'Soft']) {
    test(`§5.14 ${type.toLowerCase()} reset during a transaction: Accepted, StopTransaction reason ${type}Reset`, { skip: needSim }, async (t) => {
        const id = `OC-RST${type[0]}`;
        const { csms, sim } = await coreBoot(t, id);
        const { txId } = await coreStartTx(csms, sim, id, 1, `RST-${type}`);
        const since = csms.mark();
        const r = await csms.call(id, 'Reset', { type });
        assert.equal(r.status, 'Accepted');
        const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
        assert.equal(stop.payload.transactionId, txId);
        assert.equal(stop.payload.reason, `${type}Reset`);
        await sim.waitState((s) => connOf(1)(s).transactionId === null, { what: 'transaction ended' });
        // §4.2: "each time it boots or reboots": after the Stop, a new BootNotification.
        await csms.waitFor(cpCall('BootNotification', id), { since });
    });

    test(`§5.14 ${type.toLowerCase()} reset: the charge point reboots (new BootNotification, connectors re-announced)`, { skip: needSim }, async (t) => {
        const id = `OC-RB${type[0]}`;
        const { csms } = await coreBoot(t, id);
        const since = csms.mark();
        assert.equal((await csms.call(id, 'Reset', { type })).status, 'Accepted');
        const boot = await csms.waitFor(cpCall('BootNotification', id), { since, timeout: 5000 });
        await csms.waitFor((m) => statusCall(id, 0)(m) && m.seq > boot.seq, { since, timeout: 5000 });
    });
}

test('§5.18 unlock without a transaction: Unlocked', { skip: needSim }, async (t) => {
    const id = 'OC-UNL0';
    const { csms } = await coreBoot(t, id);
    const r = await csms.call(id, 'UnlockConnector', { connectorId: 1 });
    assert.equal(r.status, 'Unlocked');
    const none = await csms.call(id, 'UnlockConnector', { connectorId: 7 });
    assert.equal(none.status, 'NotSupported', 'a connector that does not exist');
});

test('§5.18/§4.10 unlock during a transaction: StopTransaction reason UnlockCommand, Unlocked, lock open', { skip: needSim }, async (t) => {
    const id = 'OC-UNL1';
    const { csms, sim } = await coreBoot(t, id);
    const { txId, st } = await coreStartTx(csms, sim, id, 1, 'UNL-1');
    assert.equal(connOf(1)(st).locked, true);
    const since = csms.mark();
    const r = await csms.call(id, 'UnlockConnector', { connectorId: 1 });
    assert.equal(r.status, 'Unlocked');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.transactionId, txId);
    assert.equal(stop.payload.reason, 'UnlockCommand');
    const after = await sim.waitState((s) => connOf(1)(s).transactionId === null, { what: 'transaction ended' });
    assert.equal(connOf(1)(after).locked, false);
    assert.equal(connOf(1)(after).relayClosed, false);
});

test('§5.2 availability change during a transaction: Scheduled, Unavailable after the StopTransaction', { skip: needSim }, async (t) => {
    const id = 'OC-AVL';
    const { csms, sim } = await coreBoot(t, id);
    await coreStartTx(csms, sim, id, 1, 'AVL-1');
    const since = csms.mark();
    const r = await csms.call(id, 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' });
    assert.equal(r.status, 'Scheduled');
    assert.equal(csms.messages(statusCall(id, 1, 'Unavailable'), since).length, 0);
    await simPost(sim, '/api/connectors/1/unplug');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    assert.equal(stop.payload.reason, 'EVDisconnected');
    const un = await csms.waitFor(statusCall(id, 1, 'Unavailable'), { since });
    await sim.waitState(connStatus(1, 'Unavailable'), { what: 'Unavailable' });
    // Connector 2 was not affected; back to Operative gives Available.
    const back = await csms.call(id, 'ChangeAvailability', { connectorId: 1, type: 'Operative' });
    assert.equal(back.status, 'Accepted');
    await csms.waitFor(statusCall(id, 1, 'Available'), { since: un.seq + 1 });
});

// §5.2: the change is "scheduled to occur after the transaction has finished"; §4.9: StatusNotifications
// "MUST be sent in the order in which the events that they describe occurred": the Unavailable that the end
// of the transaction brings about follows its StopTransaction.req.
test('§5.2/§4.9 availability change during a transaction: the StatusNotification Unavailable follows the StopTransaction.req', { skip: needSim }, async (t) => {
    const id = 'OC-AVL2';
    const { csms, sim } = await coreBoot(t, id);
    await coreStartTx(csms, sim, id, 1, 'AVL-2');
    const since = csms.mark();
    assert.equal((await csms.call(id, 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).status, 'Scheduled');
    await simPost(sim, '/api/connectors/1/unplug');
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since });
    const un = await csms.waitFor(statusCall(id, 1, 'Unavailable'), { since });
    assert.ok(un.seq > stop.seq, 'Unavailable after the StopTransaction');
});

test('§5.6 DataTransfer CSMS -> CP: UnknownVendorId (ocpp-sim registers no vendor handler)', { skip: needSim }, async (t) => {
    const id = 'OC-DT';
    const { csms } = await coreBoot(t, id);
    const r = await csms.call(id, 'DataTransfer', { vendorId: 'com.example', messageId: 'Hello', data: 'x' });
    assert.equal(r.status, 'UnknownVendorId');
});

test('§4.3/§6.15/§6.16 DataTransfer CP -> CSMS (POST /api/datatransfer): the request as given, the answer\'s status and data', { skip: needSim }, async (t) => {
    const id = 'OC-DTCP';
    const { csms, sim } = await coreBoot(t, id);
    // The CSMS knows vendor com.example, message Ping; everything else keeps the default (UnknownVendorId).
    csms.handle('DataTransfer', ({ params, fallback }) => (params.vendorId === 'com.example'
        ? (params.messageId === 'Ping' ? { status: 'Accepted', data: `pong:${params.data ?? ''}` } : { status: 'UnknownMessageId' })
        : fallback()));
    assert.deepEqual((await sim.api('GET', '/api/datatransfer')).json, { state: 'idle' });
    const since = csms.mark();
    const r = await sim.api('POST', '/api/datatransfer', { vendorId: 'com.example', messageId: 'Ping', data: 'h\u00e9llo "x"' });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.state, 'pending');
    const req = await csms.waitFor(cpCall('DataTransfer', id), { since });
    assert.deepEqual(req.payload, { vendorId: 'com.example', messageId: 'Ping', data: 'h\u00e9llo "x"' });
    const done = await sim.waitState((s) => s.dataTransfer?.state === 'answered', { what: 'answered' });
    assert.equal(done.dataTransfer.status, 'Accepted');
    assert.equal(done.dataTransfer.answerData, 'pong:h\u00e9llo "x"');
    // Optional fields absent stay absent (§6.15: messageId and data are optional).
    const s2 = csms.mark();
    assert.equal((await sim.api('POST', '/api/datatransfer', { vendorId: 'org.other' })).status, 202);
    const req2 = await csms.waitFor(cpCall('DataTransfer', id), { since: s2 });
    assert.deepEqual(req2.payload, { vendorId: 'org.other' });
    await sim.waitState((s) => s.dataTransfer?.state === 'answered' && s.dataTransfer.vendorId === 'org.other', { what: 'second answer' });
    const g = await sim.api('GET', '/api/datatransfer');
    assert.deepEqual(g.json, { state: 'answered', vendorId: 'org.other', status: 'UnknownVendorId' });
    const s3 = csms.mark();
    assert.equal((await sim.api('POST', '/api/datatransfer', { vendorId: 'com.example', messageId: 'Nope' })).status, 202);
    await csms.waitFor(cpCall('DataTransfer', id), { since: s3 });
    const st3 = await sim.waitState((s) => s.dataTransfer?.state === 'answered' && s.dataTransfer.messageId === 'Nope', { what: 'third answer' });
    assert.equal(st3.dataTransfer.status, 'UnknownMessageId');
    // A CALLERROR is no answer: failed.
    csms.callError('DataTransfer', 'InternalError', { identity: id });
    assert.equal((await sim.api('POST', '/api/datatransfer', { vendorId: 'com.example', messageId: 'Ping' })).status, 202);
    await sim.waitState((s) => s.dataTransfer?.state === 'failed', { what: 'failed after a CALLERROR' });
});

test('§4.3 DataTransfer CP -> CSMS: bad requests get 400/405/409 with a reason and send nothing', { skip: needSim }, async (t) => {
    const id = 'OC-DTBAD';
    const { csms, sim } = await coreBoot(t, id);
    const since = csms.mark();
    const bad = [
        undefined, {}, { vendorId: '' }, { vendorId: 7 }, { vendorId: 'v'.repeat(256) },
        { vendorId: 'v', messageId: 'm'.repeat(51) }, { vendorId: 'v', messageId: 5 },
        { vendorId: 'v', data: { x: 1 } }, { vendorId: 'v', data: 'd'.repeat(513) },
        { vendorId: 'v\u0000w' }, { vendorId: 'line\nbreak' }, { vendorId: 'v', data: 'bell\u0007' },
    ];
    for (const body of bad) {
        const r = await sim.api('POST', '/api/datatransfer', body);
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(typeof r.json.error, 'string');
    }
    for (const raw of ['{"vendorId":', '[1]', '"v"']) {
        const r = await sim.api('POST', '/api/datatransfer', raw);
        assert.equal(r.status, 400, raw);
    }
    const del = await sim.api('DELETE', '/api/datatransfer');
    assert.equal(del.status, 405);
    assert.equal(del.headers.get('allow'), 'GET, POST');
    // One at a time: while the first waits for its answer (the CSMS holds it back), a second is 409.
    let release;
    const held = new Promise((r) => { release = r; });
    csms.handle('DataTransfer', async () => { await held; return { status: 'Rejected' }; }, { identity: id, times: 1 });
    assert.equal((await sim.api('POST', '/api/datatransfer', { vendorId: 'slow' })).status, 202);
    await csms.waitFor(cpCall('DataTransfer', id), { since });
    const busy = await sim.api('POST', '/api/datatransfer', { vendorId: 'second' });
    assert.equal(busy.status, 409, busy.text);
    assert.match(busy.json.error, /under way/);
    release();
    const st = await sim.waitState((s) => s.dataTransfer?.state === 'answered', { what: 'answered' });
    assert.equal(st.dataTransfer.status, 'Rejected');
    assert.equal(csms.messages(cpCall('DataTransfer', id), since).length, 1, 'only the valid request went out');
    // Offline: not accepted, 409.
    await simPost(sim, '/api/network', { online: false });
    await sim.waitState((s) => s.connection === 'offline', { what: 'offline' });
    const off = await sim.api('POST', '/api/datatransfer', { vendorId: 'v' });
    assert.equal(off.status, 409, off.text);
    assert.match(off.json.error, /not accepted/);
});
