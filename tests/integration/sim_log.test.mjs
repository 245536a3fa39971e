// ocpp-sim's message log (issue 16): one ring for the fleet, bytes per message actually kept
// (--log-mb), each station's records linked; a station someone watches (GET log, its event
// stream) keeps its own log whatever the rest of the fleet sends.

import assert from 'node:assert/strict';
import test from 'node:test';
import { needSim, scenario, simArgs } from './lib/harness.mjs';

/** The station's log (GET log?since=0), checked: contiguous seqs from `first` to `next` - 1. */
async function logOf(sim, id) {
    const r = await sim.api('GET', `/api/stations/${id}/log?since=0`);
    assert.equal(r.status, 200, r.text);
    const { first, next, entries } = r.json;
    assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: next - first }, (_, i) => first + i),
        `${id}: the entries are first..next-1`);
    return r.json;
}

test('issue 16: the fleet log ring keeps bytes per message (more than 128 messages of a station), evicts the oldest, and a watched station keeps its own', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'CP-LOG', '--stations', '2', '--log-mb', '1', '--log-level', 'info'));
    const [a, b] = ['CP-LOG-0001', 'CP-LOG-0002'];
    await sim.waitState((s) => s.connection === 'accepted', { station: a });
    await sim.waitState((s) => s.connection === 'accepted', { station: b });

    // Station a is watched from now on (a GET of its log): 150 small exchanges, 300 more messages,
    // all kept (the old per-station log kept the last 128 of any size).
    assert.equal((await logOf(sim, a)).first, 0);
    for (let i = 0; i < 150; i++) await csms.call(a, 'GetLocalListVersion', {});
    const la = await logOf(sim, a);
    assert.equal(la.first, 0, 'nothing of station a was evicted');
    assert.ok(la.entries.length > 300, `${la.entries.length} messages kept`);
    const res = la.entries.at(-1);
    assert.equal(res.type, 'CALLRESULT');
    assert.equal(res.action, 'GetLocalListVersion', 'a result names the action of its CALL');
    assert.equal(la.entries.find((e) => e.seq === res.answerTo).messageId, res.messageId);

    // Station b (not watched) sends more than the 1 MiB ring holds: its oldest messages go, the
    // newest stay, each whole and linked to its CALL.
    const data = 'x'.repeat(1400);
    for (let i = 0; i < 800; i++) await csms.call(b, 'DataTransfer', { vendorId: 'com.example.log', data });
    const lb = await logOf(sim, b);
    assert.ok(lb.first > 0, `station b's oldest messages were evicted (first ${lb.first})`);
    assert.ok(lb.entries.length > 400 && lb.entries.length < 1400, `${lb.entries.length} kept of ${lb.next}`);
    for (const e of lb.entries.slice(-10)) {
        assert.ok(Array.isArray(e.frame), 'a whole frame');
        if (e.type === 'CALL') assert.equal(e.frame[3].data, data);
        else assert.equal(lb.entries.find((c) => c.seq === e.answerTo).messageId, e.messageId);
    }
    // The watched station kept all of its own in its ring.
    const la2 = await logOf(sim, a);
    assert.equal(la2.first, 0, 'the watched station lost nothing to the other one');
    assert.equal(la2.next, la.next);

    // A message longer than 1536 bytes is cut in the log, flagged (as before).
    await csms.call(a, 'DataTransfer', { vendorId: 'com.example.log', data: 'y'.repeat(3000) });
    const l3 = await logOf(sim, a);
    const cut = l3.entries.find((e) => e.text && e.text.includes('yyyy'));
    assert.equal(cut.truncated, true);
    assert.equal(cut.text.length, 1536);
    assert.equal(cut.frame, undefined);
    // ... its type, id and action read from its first bytes, and its answer linked to it
    assert.equal(cut.type, 'CALL');
    assert.equal(cut.action, 'DataTransfer');
    assert.equal(cut.messageId, JSON.parse(cut.text.slice(0, cut.text.indexOf(',"DataTransfer"')) + ']')[1]);
    const ans = l3.entries.find((e) => e.answerTo === cut.seq);
    assert.equal(ans.action, 'DataTransfer');
});

test('issue 16: --log-mb bad values are refused', { skip: needSim }, async (t) => {
    const h = scenario(t);
    for (const v of ['0', '65537', 'x', '-1']) {
        const sim = h.sim(simArgs('ws://127.0.0.1:9/', 'CP-LOGBAD', '--log-mb', v), { expectExit: false });
        const r = await sim.exited;
        assert.equal(r.code, 2, `--log-mb ${v}`);
        assert.ok(sim.lines.some((l) => l.text.includes(`bad value for --log-mb: ${v}`)), sim.tail(5));
    }
});
