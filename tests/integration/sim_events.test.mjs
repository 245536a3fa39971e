// Issue 18 finding 10: the server-sent events of ocpp-sim (snapshot on connect, `id:` and
// Last-Event-ID, keep-alive, OCPP frames as JSON with their action, no stderr noise when a
// client goes away), and findings 8 and 9 seen by the CSMS: the StartTransaction before the
// Charging status it brought about, timestamps to the millisecond at the time of the event.

import assert from 'node:assert/strict';
import test from 'node:test';
import { coreBoot, cpCall, csmsResult, needSim, scenario, simArgs, simPost, within } from './lib/harness.mjs';

/** An SSE client: parsed events {id, event, data (JSON or null), comment} as they come. */
async function sse(base, path, { lastEventId } = {}) {
    const ac = new AbortController();
    const headers = lastEventId !== undefined ? { 'Last-Event-ID': String(lastEventId) } : {};
    const r = await fetch(base + path, { signal: ac.signal, headers });
    assert.equal(r.status, 200);
    const events = [];
    const waiters = new Set();
    const done = (async () => {
        let buf = '';
        try {
            for await (const chunk of r.body) {
                buf += Buffer.from(chunk).toString('utf8');
                let i;
                while ((i = buf.indexOf('\n\n')) >= 0) {
                    const block = buf.slice(0, i);
                    buf = buf.slice(i + 2);
                    const e = { id: null, event: null, data: null, comment: null };
                    for (const line of block.split('\n')) {
                        if (line.startsWith(':')) e.comment = line.slice(1).trim();
                        else if (line.startsWith('id: ')) e.id = Number(line.slice(4));
                        else if (line.startsWith('event: ')) e.event = line.slice(7);
                        else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
                    }
                    events.push(e);
                    for (const w of [...waiters]) w();
                }
            }
        } catch {
            // aborted
        }
    })();
    return {
        events,
        close: async () => {
            ac.abort();
            await done;
        },
        wait(pred, { since = 0, timeout = 20000, what = 'event' } = {}) {
            return within(new Promise((resolve) => {
                const check = () => {
                    const hit = events.slice(since).find(pred);
                    if (hit) {
                        waiters.delete(check);
                        resolve(hit);
                    }
                };
                waiters.add(check);
                check();
            }), timeout, what);
        },
    };
}

test('issue 18 finding 10: SSE snapshot on connect, id: and Last-Event-ID, keep-alive, frames as JSON with the action; a closing client is no error', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'CP-SSE-1', '--stations', '2', '--sse-keepalive', '1'));
    await sim.waitState((s) => s.connection === 'accepted', { station: 'CP-SSE-1-0001' });
    await sim.waitState((s) => s.connection === 'accepted', { station: 'CP-SSE-1-0002' });
    const base = await sim.http();
    // Snapshot: a state event per station, before anything else.
    const all = await sse(base, '/api/events');
    await all.wait((e) => e.event === 'state' && e.data.id === 'CP-SSE-1-0002', { what: 'snapshot' });
    const first = all.events.filter((e) => e.event !== null).slice(0, 2);
    assert.deepEqual(first.map((e) => [e.event, e.data.id]), [['state', 'CP-SSE-1-0001'], ['state', 'CP-SSE-1-0002']]);
    assert.equal(first[0].data.connection, 'accepted');
    // One station's stream: its snapshot first, then only its own events (the station may
    // still be sending its boot's StatusNotifications: those come as `message` events).
    const one = await sse(base, '/api/stations/CP-SSE-1-0002/events');
    await one.wait((e) => e.event === 'state');
    const mine = one.events.filter((e) => e.event);
    assert.deepEqual([mine[0].event, mine[0].data.id], ['state', 'CP-SSE-1-0002']);
    assert.deepEqual(mine.filter((e) => (e.data.id ?? e.data.station) !== 'CP-SSE-1-0002').map((e) => [e.event, e.data]), [],
        'events of the other station on this station\'s stream');
    await one.close();
    // Live events carry increasing ids; an OCPP message is a JSON frame with its action.
    const mark = all.events.length;
    await simPost(sim, '/api/stations/CP-SSE-1-0001/connectors/1/plug', {});
    const call = await all.wait((e) => e.event === 'message' && e.data.type === 'CALL' && e.data.action === 'StatusNotification' && e.data.dir === 'out', { since: mark });
    assert.equal(call.data.station, 'CP-SSE-1-0001');
    assert.ok(Array.isArray(call.data.frame), 'the frame is JSON, not a string');
    assert.equal(call.data.frame[2], 'StatusNotification');
    assert.equal(call.data.frame[3].status, 'Preparing');
    assert.equal(call.data.messageId, call.data.frame[1]);
    const res = await all.wait((e) => e.event === 'message' && e.data.type === 'CALLRESULT' && e.data.messageId === call.data.messageId, { since: mark });
    assert.equal(res.data.action, 'StatusNotification', 'the answer names the action of its CALL');
    assert.equal(res.data.answerTo, call.data.seq);
    assert.equal(res.data.dir, 'in');
    const live = all.events.slice(mark).filter((e) => e.event);
    assert.ok(live.every((e) => Number.isInteger(e.id)), 'every event has an id');
    for (let i = 1; i < live.length; i++) assert.ok(live[i].id > live[i - 1].id);
    // /api/log has the same fields.
    const log = await sim.api('GET', '/api/stations/CP-SSE-1-0001/log');
    const entry = log.json.entries.find((e) => e.seq === res.data.seq);
    assert.equal(entry.action, 'StatusNotification');
    assert.equal(entry.type, 'CALLRESULT');
    assert.deepEqual(entry.frame, res.data.frame);
    // Keep-alive: a comment within ~1 s of silence (--sse-keepalive 1).
    const k0 = all.events.length;
    await all.wait((e) => e.comment === 'keep-alive', { since: k0, timeout: 5000, what: 'keep-alive' });
    // Resume with Last-Event-ID: exactly the events after it, no snapshot.
    const lastId = live.at(-1).id;
    const resumed = await sse(base, '/api/events', { lastEventId: call.id });
    await resumed.wait((e) => e.id === lastId, { what: 'the missed events' });
    const got = resumed.events.filter((e) => e.event);
    assert.equal(got[0].id, call.id + 1, 'from the event after Last-Event-ID');
    assert.ok(got.every((e) => e.id > call.id));
    await resumed.close();
    // A Last-Event-ID the ring no longer has (or never had): the snapshot again.
    const stale = await sse(base, '/api/events', { lastEventId: 999999 });
    await stale.wait((e) => e.event === 'state' && e.data.id === 'CP-SSE-1-0002');
    await stale.close();
    // A client that goes away is not an error on stderr.
    const n = sim.mark();
    await all.close();
    await simPost(sim, '/api/stations/CP-SSE-1-0001/connectors/1/unplug');
    await sim.waitState((s) => s.connectors[0].status === 'Available', { station: 'CP-SSE-1-0001' });
    await within(new Promise((r) => setTimeout(r, 1500)), 3000, 'keep-alive rounds after the close');
    assert.deepEqual(sim.grep(/Failed to send|http:/, n).map((l) => l.text), []);
});

test('issue 18 findings 8 and 9: the CSMS gets StartTransaction before the Charging status (§4.9 order), and timestamps in milliseconds at the time of the event', { skip: needSim }, async (t) => {
    const id = 'CP-ORDER';
    const { csms, sim } = await coreBoot(t, id, { args: ['--config', 'MinimumStatusDuration=0'] });
    const since = csms.mark();
    await simPost(sim, '/api/connectors/1/plug', {});
    await simPost(sim, '/api/rfid', { idTag: 'CARD-1', connector: 1 });
    const start = await csms.waitFor(cpCall('StartTransaction', id), { since });
    const charging = await csms.waitFor((m) => cpCall('StatusNotification', id)(m) && m.payload.status === 'Charging', { since });
    const started = await csms.waitFor(csmsResult('StartTransaction', id), { since });
    assert.ok(charging.seq > started.seq, `Charging (#${charging.seq}) after the StartTransaction's answer (#${started.seq})`);
    assert.ok(start.seq < charging.seq);
    // Charging begins when the application, seeing the transaction, closes the relay: at its
    // next poll, stamped with that poll's time (ocpp_cp_set_now), not before the start.
    const dt = Date.parse(charging.payload.timestamp) - Date.parse(start.payload.timestamp);
    assert.ok(dt >= 0 && dt <= 2000, `the status is stamped when it changed: Charging ${charging.payload.timestamp}, StartTransaction ${start.payload.timestamp}`);
    // The unplug's time, to the millisecond: the StopTransaction is stamped then, not up to
    // 1.3 s earlier (the clock took the CSMS's currentTime with its milliseconds).
    await sim.waitState((s) => s.connectors[0].transactionId !== null);
    const s2 = csms.mark();
    const t0 = Date.now();
    await simPost(sim, '/api/connectors/1/unplug');
    const t1 = Date.now();
    const stop = await csms.waitFor(cpCall('StopTransaction', id), { since: s2 });
    assert.match(stop.payload.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const ts = Date.parse(stop.payload.timestamp);
    assert.ok(ts >= t0 - 150 && ts <= t1 + 150, `stop stamped ${stop.payload.timestamp}, unplugged between ${new Date(t0).toISOString()} and ${new Date(t1).toISOString()}`);
    const stamps = csms.messages((m) => cpCall('StatusNotification', id)(m) || cpCall('StartTransaction', id)(m), since).map((m) => m.payload.timestamp);
    assert.ok(stamps.some((x) => !x.endsWith('.000Z')), `milliseconds: ${stamps.join(' ')}`);
});

test('issue 16: an event nobody listens to is not built; a client resuming across one gets the snapshot instead (docs/simulator.md, the message log)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'CP-SKIP', '--stations', '2', '--log-level', 'info'));
    const a = 'CP-SKIP-0001';
    await sim.waitState((s) => s.connection === 'accepted', { station: a });
    await sim.waitState((s) => s.connection === 'accepted', { station: 'CP-SKIP-0002' });
    const base = await sim.http();
    // No event stream yet: this message is logged, but no event is built for it.
    await csms.call(a, 'GetLocalListVersion', {});
    const log = await sim.api('GET', `/api/stations/${a}/log`);
    const skipped = log.json.entries.find((e) => e.action === 'GetLocalListVersion' && e.type === 'CALL');
    assert.ok(skipped, 'in the log');
    // A client "resuming" from the first event: the snapshot, not a stream with holes.
    const c = await sse(base, '/api/events', { lastEventId: 0 });
    const first = await c.wait((e) => e.event !== null);
    assert.equal(first.event, 'state', 'a snapshot, not the events after Last-Event-ID');
    await csms.call(a, 'GetLocalListVersion', {});
    const live = await c.wait((e) => e.event === 'message' && e.data.action === 'GetLocalListVersion' && e.data.type === 'CALL');
    assert.ok(live.data.seq > skipped.seq, 'live events again once someone listens');
    assert.ok(!c.events.some((e) => e.event === 'message' && e.data.seq === skipped.seq && e.data.station === a),
        'the message nobody listened to never became an event');
    await c.close();
});
