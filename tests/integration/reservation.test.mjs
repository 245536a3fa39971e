// OCPP 1.6 Reservation profile (src/v16/reservation.c) through ocpp-sim against the dev CSMS
// (strict schemas). §5.13 Reserve Now: "it SHALL refuse charging for all incoming idTags on the
// reserved connector, except when the incoming idTag or the parent idTag match the idTag or parent
// idTag of the reservation"; "If the connectorId in the reservation request is 0, then the Charge
// Point SHALL NOT reserve a specific connector, but SHALL make sure that at any time during the
// validity of the reservation, one connector remains available for the reserved idTag"; "If a
// transaction for the reserved idTag is started, then Charge Point SHALL send the reservationId in
// the StartTransaction.req"; "When a reservation expires, the Charge Point SHALL terminate the
// reservation and make the connector available. The Charge Point SHALL send a status notification
// to notify the Central System that the reserved connector is now available." §5.1 Cancel
// Reservation: "If the Charge Point has a reservation matching the reservationId in the request
// PDU, it SHALL return status 'Accepted'. Otherwise it SHALL return 'Rejected'." §4.9 A7, G1.

import assert from 'node:assert/strict';
import test from 'node:test';
import {
    cfgArgs, connOf, coreBoot, cpCall, cpReceived, csmsResult, needSim, simPost, statusCall,
} from './lib/harness.mjs';

const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString();

test('§5.13 connector 1: use by a parentIdTag (another card refused), reservationId in StartTransaction; expiry back to Available; §5.1 cancel', { skip: needSim }, async (t) => {
    const id = 'RV-1';
    const idTags = { 'RV-MEMBER': { status: 'Accepted', parentIdTag: 'RV-FLEET' }, 'RV-OTHER': { status: 'Accepted' } };
    const { csms, sim } = await coreBoot(t, id, { idTags, args: cfgArgs('MeterValueSampleInterval=0', 'ClockAlignedDataInterval=0') });

    // A7: reserved for the fleet; another card is refused there.
    let since = csms.mark();
    assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 1, expiryDate: inSeconds(600), idTag: 'RV-BOSS', parentIdTag: 'RV-FLEET', reservationId: 101 }),
        { status: 'Accepted' });
    await csms.waitFor(statusCall(id, 1, 'Reserved'), { since });
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'RV-OTHER', connector: 1 });
    await cpReceived(sim, await csms.waitFor(csmsResult('Authorize', id), { since }));
    const refused = await sim.waitState(() => true);
    assert.equal(connOf(1)(refused).transactionId, null);
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 0);
    // A card of the fleet (its parentIdTag from Authorize.conf) takes it.
    await simPost(sim, '/api/rfid', { idTag: 'RV-MEMBER', connector: 1 });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'RV-MEMBER');
    assert.equal(start.payload.reservationId, 101);
    assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 101 }), { status: 'Rejected' }, 'ended by the start');

    // Expiry: Reserved, then Available again with a StatusNotification.
    since = csms.mark();
    assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 2, expiryDate: inSeconds(3), idTag: 'RV-LATE', reservationId: 102 }),
        { status: 'Accepted' });
    await csms.waitFor(statusCall(id, 2, 'Reserved'), { since });
    await csms.waitFor(statusCall(id, 2, 'Available'), { since, timeout: 10000 });
    assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 102 }), { status: 'Rejected' }, 'expired');

    // Cancel: Accepted, Available again (G1).
    since = csms.mark();
    assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 2, expiryDate: inSeconds(600), idTag: 'RV-C', reservationId: 103 }),
        { status: 'Accepted' });
    await csms.waitFor(statusCall(id, 2, 'Reserved'), { since });
    assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 103 }), { status: 'Accepted' });
    await csms.waitFor(statusCall(id, 2, 'Available'), { since });
    assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 103 }), { status: 'Rejected' });

    // Bad input changes nothing: §5.13 "The Charge Point SHALL return 'Faulted' if the Charge Point
    // or the connector are in the Faulted state".
    await simPost(sim, '/api/connectors/2/fault', { errorCode: 'GroundFailure' });
    await sim.waitState((s) => connOf(2)(s).status === 'Faulted', { what: 'Faulted on 2' });
    assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 2, expiryDate: inSeconds(600), idTag: 'RV-F', reservationId: 104 }),
        { status: 'Faulted' });
    assert.deepEqual(await csms.call(id, 'CancelReservation', { reservationId: 104 }), { status: 'Rejected' });
});

test('§5.13/§9.3.1 connector 0 with ReserveConnectorZeroSupported: the last free connector is kept for the reserved idTag, whose transaction carries the reservationId', { skip: needSim }, async (t) => {
    const id = 'RV-0';
    const { csms, sim } = await coreBoot(t, id, {
        connectors: 1,
        args: cfgArgs('MeterValueSampleInterval=0', 'ClockAlignedDataInterval=0', 'ReserveConnectorZeroSupported=true'),
    });
    const since = csms.mark();
    assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 0, expiryDate: inSeconds(600), idTag: 'RV-ZERO', reservationId: 200 }),
        { status: 'Accepted' });
    assert.deepEqual(await csms.call(id, 'ReserveNow', { connectorId: 0, expiryDate: inSeconds(600), idTag: 'RV-ZERO2', reservationId: 201 }),
        { status: 'Occupied' });
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'RV-SOMEONE', connector: 1 });
    await cpReceived(sim, await csms.waitFor(csmsResult('Authorize', id), { since }));
    assert.equal(connOf(1)(await sim.waitState(() => true)).transactionId, null, 'the only connector is kept');
    await simPost(sim, '/api/rfid', { idTag: 'RV-ZERO', connector: 1 });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    assert.equal(start.payload.idTag, 'RV-ZERO');
    assert.equal(start.payload.reservationId, 200);
    assert.equal(csms.messages(cpCall('StartTransaction', id), since).length, 1);
});
