// ocpp-sim's REST API against bad requests: every error gets the right 4xx with
// {"error": ...}, and the simulator keeps working (GET /api/state afterwards).

import assert from 'node:assert/strict';
import test from 'node:test';
import { needSim, scenario, simArgs } from './lib/harness.mjs';

test('REST API: bad requests get 400/404/405/409/413 and the simulator keeps working', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const sim = h.sim(simArgs(csms.url, 'SIM-API', '--connectors', '2'));
    const cases = [
        // [method, path, body, status, error substring]
        ['POST', '/api/connectors/3/plug', undefined, 404, 'no connector 3'],
        ['POST', '/api/connectors/0/plug', undefined, 404, 'no connector 0'],
        ['POST', '/api/connectors/x/plug', undefined, 404, 'no connector x'],
        ['POST', '/api/connectors/99999999999999999999/plug', undefined, 404, 'no connector'],
        ['POST', '/api/connectors/1/plug', '{"evMaxCurrentA":', 400, 'malformed JSON'],
        ['POST', '/api/connectors/1/plug', '[1,2]', 400, 'JSON object'],
        ['POST', '/api/connectors/1/plug', '{"evMaxCurrentA":"16"}', 400, '"evMaxCurrentA" must be a number'],
        ['POST', '/api/connectors/1/plug', '{"evMaxCurrentA":1e9}', 400, 'out of range'],
        ['POST', '/api/connectors/1/plug', '{"socPercent":101}', 400, 'out of range'],
        ['POST', '/api/connectors/1/plug', '{"batteryWh":-5}', 400, 'out of range'],
        ['POST', '/api/connectors/1/plug', '{"a":"\\ud800"}', 400, 'malformed JSON'],
        ['POST', '/api/connectors/1/ev', '{}', 400, '"charging"'],
        ['POST', '/api/connectors/1/ev', '{"charging":"yes"}', 400, 'true or false'],
        ['POST', '/api/connectors/1/ev', '{"charging":true}', 409, 'no EV'],
        ['POST', '/api/connectors/1/unplug', undefined, 409, 'not plugged'],
        ['POST', '/api/connectors/1/fault', '{}', 400, '"errorCode"'],
        ['POST', '/api/connectors/1/fault', '{"errorCode":"Melted"}', 400, 'no ChargePointErrorCode'],
        ['POST', '/api/connectors/1/fault', '{"errorCode":"NoError"}', 400, 'no ChargePointErrorCode'],
        ['POST', '/api/connectors/1/fault', `{"errorCode":"OtherError","info":"${'x'.repeat(51)}"}`, 400, '"info"'],
        ['POST', '/api/connectors/1/fault', '{"errorCode":42}', 400, 'must be a string'],
        ['POST', '/api/rfid', '{}', 400, '"idTag"'],
        ['POST', '/api/rfid', '{"idTag":""}', 400, '"idTag"'],
        ['POST', '/api/rfid', `{"idTag":"${'A'.repeat(21)}"}`, 400, '1..20 printable ASCII'],
        ['POST', '/api/rfid', '{"idTag":"A","connector":7}', 404, 'no connector 7'],
        ['POST', '/api/rfid', '{"idTag":"A","connector":"1"}', 400, 'must be a number'],
        ['POST', '/api/network', '{"online":1}', 400, 'true or false'],
        ['POST', '/api/network', 'null', 400, 'JSON object'],
        ['GET', '/api/log?since=abc', undefined, 400, 'sequence number'],
        ['GET', '/api/nope', undefined, 404, 'unknown path'],
        ['GET', '/nope', undefined, 404, 'unknown path'],
        ['GET', '/api/stations/NOPE/state', undefined, 404, 'no station NOPE'],
        ['GET', '/api/connectors/1/plug', undefined, 405, 'not allowed'],
        ['DELETE', '/api/state', undefined, 405, 'not allowed'],
        ['PUT', '/api/connectors/1/fault', '{}', 405, 'not allowed'],
        ['POST', '/api/rfid', 'x'.repeat(1 << 20), 413, 'over'],
        ['POST', '/api/connectors/1/plug', Buffer.alloc(70000, 0x20), 413, 'over'],
    ];
    for (const [method, path, body, status, msg] of cases) {
        const r = await sim.api(method, path, body);
        assert.equal(r.status, status, `${method} ${path} ${String(body).slice(0, 40)} -> ${r.status} ${r.text}`);
        assert.equal(typeof r.json?.error, 'string', `${method} ${path}: {"error": ...} expected, got ${r.text}`);
        assert.ok(r.json.error.includes(msg), `${method} ${path}: "${r.json.error}" should say "${msg}"`);
        if (status === 405) assert.ok(r.headers.get('allow'), `${method} ${path}: Allow header`);
        const ok = await sim.api('GET', '/api/state');
        assert.equal(ok.status, 200, `still alive after ${method} ${path}`);
    }
    assert.equal((await sim.api('GET', '/api/connectors/1/plug')).headers.get('allow'), 'POST');
    assert.equal((await sim.api('PUT', '/api/connectors/1/fault')).headers.get('allow'), 'POST, DELETE');
    // A good request after all that still works, and the log answers.
    const p = await sim.api('POST', '/api/connectors/1/plug', { evMaxCurrentA: 10.5, socPercent: 0 });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.plugged, true);
    assert.equal(p.json.socPercent, 0);
    const s = await sim.api('GET', '/api/state');
    assert.deepEqual(Object.keys(s.json),
        ['id', 'csms', 'connection', 'networkOnline', 'networkMode', 'connectors', 'queue', 'display']);
    assert.equal(s.json.connectors.length, 2);
    const log = await sim.api('GET', '/api/log?since=0');
    assert.equal(log.status, 200);
    assert.ok(Array.isArray(log.json.entries));
    const page = await sim.api('GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /text\/html/);
    const list = await sim.api('GET', '/api/stations');
    assert.deepEqual(list.json.stations.map((x) => x.id), ['SIM-API']);
});

test('REST API: events stream (SSE) reports state changes and messages', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const sim = h.sim(simArgs(csms.url, 'SIM-SSE'));
    const base = await sim.http();
    const ac = new AbortController();
    t.after(() => ac.abort());
    const r = await fetch(`${base}/api/events`, { signal: ac.signal });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/event-stream/);
    const reader = r.body.getReader();
    let buf = '';
    const want = async (re) => {
        while (!re.test(buf)) {
            const { value, done } = await reader.read();
            if (done) throw new Error('event stream ended');
            buf += Buffer.from(value).toString('utf8');
        }
    };
    await sim.api('POST', '/api/connectors/1/plug');
    await want(/event: state\ndata: \{"id":"SIM-SSE"[^\n]*"plugged":true/);
    await want(/event: message\ndata: \{"station":"SIM-SSE"/);
    ac.abort();
});
