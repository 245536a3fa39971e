// Issue 18: ocpp-sim's REST API tells the truth. Findings 2, 3, 4 (idTag rule, cable type
// message), 11 (HEAD, /api, %00, a 100 MB announcement) and the configuration API
// (GET /api/config, PUT /api/config/{key} as a ChangeConfiguration would be handled).

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import test from 'node:test';
import { cfgArgs, coreBoot, cpCall, csmsResult, needSim, needSim201, scenario, simArgs, within } from './lib/harness.mjs';

/** Collect the `card` server-sent events of the simulator. */
async function cardEvents(t, sim) {
    const base = await sim.http();
    const ac = new AbortController();
    t.after(() => ac.abort());
    const r = await fetch(`${base}/api/events`, { signal: ac.signal });
    const cards = [];
    const waiters = new Set();
    (async () => {
        let buf = '';
        try {
            for await (const chunk of r.body) {
                buf += Buffer.from(chunk).toString('utf8');
                let i;
                while ((i = buf.indexOf('\n\n')) >= 0) {
                    const ev = buf.slice(0, i);
                    buf = buf.slice(i + 2);
                    if (!/^event: card$/m.test(ev)) continue;
                    cards.push(JSON.parse(ev.match(/^data: (.*)$/m)[1]));
                    for (const w of [...waiters]) w();
                }
            }
        } catch {
            // aborted at the end of the test
        }
    })();
    return {
        cards,
        /** The first card event from index `since` matching pred. */
        wait(pred, since = 0) {
            return within(new Promise((resolve) => {
                const check = () => {
                    const hit = cards.slice(since).find(pred);
                    if (hit) {
                        waiters.delete(check);
                        resolve(hit);
                    }
                };
                waiters.add(check);
                check();
            }), 20000, 'card event');
        },
    };
}

test('issue 18 findings 2-4: POST /api/rfid says what became of the card (OCPP 1.6 §2 CiString: printable ASCII only; §4.1; §3.5 LocalPreAuthorize), and every card is logged', { skip: needSim }, async (t) => {
    const id = 'CP-CARDS';
    const { csms, sim } = await coreBoot(t, id, {
        idTags: { 'CARD-BAD': { status: 'Blocked' } },
        args: cfgArgs('LocalPreAuthorize=true', 'ConnectionTimeOut=600'),
    });
    const ev = await cardEvents(t, sim);
    // §2 "CiString: Case Insensitive String. Only printable ASCII allowed." (IdToken is CiString20Type)
    for (const tag of ['A\tB', 'A\nB', 'A\u001bB', '\u00fc'.repeat(11), 'A\u007f']) {
        const r = await sim.api('POST', '/api/rfid', { idTag: tag, connector: 1 });
        assert.equal(r.status, 400, `${JSON.stringify(tag)}: ${r.text}`);
        assert.match(r.json.error, /printable ASCII/);
        assert.doesNotMatch(r.json.error, /at most 20 characters/);
    }
    // Finding 3: a connector is an integer.
    for (const c of [1.5, 0.5, 2.0000001]) {
        const r = await sim.api('POST', '/api/rfid', { idTag: 'CARD-A', connector: c });
        assert.equal(r.status, 400, `connector ${c}: ${r.text}`);
        assert.match(r.json.error, /"connector" must be an integer/);
    }
    const p = await sim.api('POST', '/api/connectors/1/plug', { phases: 1.5 });
    assert.equal(p.status, 400, p.text);
    assert.match(p.json.error, /"phases" must be an integer/);

    // An Authorize.req goes to the CSMS; its answer comes as a card event.
    let since = csms.mark();
    assert.equal((await sim.api('POST', '/api/connectors/1/plug', {})).status, 200);
    let r = await sim.api('POST', '/api/rfid', { idTag: 'CARD-A', connector: 1 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { idTag: 'CARD-A', connector: 1, result: 'authorizing' });
    await csms.waitFor((m) => cpCall('Authorize', id)(m) && m.payload.idTag === 'CARD-A', { since });
    const a = await ev.wait((c) => c.idTag === 'CARD-A' && c.by === 'csms');
    assert.deepEqual(a, { station: id, idTag: 'CARD-A', connector: 1, result: 'accepted', status: 'Accepted', by: 'csms' });
    await csms.waitFor((m) => cpCall('StartTransaction', id)(m) && m.payload.idTag === 'CARD-A', { since });

    // A Blocked card: rejected by the CSMS.
    r = await sim.api('POST', '/api/rfid', { idTag: 'CARD-BAD', connector: 2 });
    assert.equal(r.json.result, 'authorizing', r.text);
    const b = await ev.wait((c) => c.idTag === 'CARD-BAD' && c.by === 'csms');
    assert.equal(b.result, 'rejected');
    assert.equal(b.status, 'Blocked');

    // Connector 2 holds an authorized card, waiting for the EV.
    r = await sim.api('POST', '/api/rfid', { idTag: 'CARD-B', connector: 2 });
    assert.equal(r.json.result, 'authorizing', r.text);
    await ev.wait((c) => c.idTag === 'CARD-B' && c.by === 'csms' && c.result === 'accepted');
    await sim.waitState((s) => s.connectors[1].idTag === 'CARD-B', { what: 'CARD-B on connector 2' });

    // Nobody can take a third card: 409 with the reason (it was {"ok":true} and dropped).
    const n0 = ev.cards.length;
    r = await sim.api('POST', '/api/rfid', { idTag: 'CARD-C' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.result, 'ignored');
    assert.match(r.json.error, /1: in a transaction/);
    assert.match(r.json.error, /2: authorized for CARD-B, waiting for the EV/);
    assert.equal(r.json.reason, r.json.error);
    const c = await ev.wait((x) => x.idTag === 'CARD-C', n0);
    assert.equal(c.result, 'ignored');
    await sim.waitForLine(/CP-CARDS: card CARD-C at any connector: ignored: no connector can take it/);
    const last = (await sim.api('GET', '/api/state')).json.lastCard; // for a page opened later
    assert.deepEqual(last, { idTag: 'CARD-C', connector: null, result: 'ignored', reason: r.json.reason });

    // §4.1: the card that started the transaction stops it, without an Authorize.req.
    since = csms.mark();
    r = await sim.api('POST', '/api/rfid', { idTag: 'card-a' }); // CiString: case-insensitive
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.result, 'stopping');
    assert.equal(r.json.connector, 1);
    await csms.waitFor(cpCall('StopTransaction', id), { since });
    await csms.waitFor(csmsResult('StopTransaction', id), { since });
    assert.deepEqual(csms.messages(cpCall('Authorize', id), since), []);

    // §3.5 LocalPreAuthorize: CARD-A is in the cache now: decided locally, no Authorize.req.
    since = csms.mark();
    r = await sim.api('POST', '/api/rfid', { idTag: 'CARD-A', connector: 1 });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { idTag: 'CARD-A', connector: 1, result: 'accepted', status: 'Accepted', by: 'local' });
    await csms.waitFor((m) => cpCall('StartTransaction', id)(m) && m.payload.idTag === 'CARD-A', { since });
    assert.deepEqual(csms.messages(cpCall('Authorize', id), since), []);
    // every card is on stderr
    for (const tag of ['CARD-A', 'CARD-BAD', 'CARD-B', 'CARD-C', 'card-a']) {
        assert.ok(sim.grep(`card ${tag} at `).length > 0, `${tag} logged`);
    }
});

test('issue 18: GET /api/config lists every key, PUT /api/config/{key} is handled as a ChangeConfiguration (OCPP 1.6 §5.3)', { skip: needSim }, async (t) => {
    const id = 'CP-CFG';
    const { csms, sim } = await coreBoot(t, id);
    const g = await sim.api('GET', '/api/config');
    assert.equal(g.status, 200, g.text);
    const keys = Object.fromEntries(g.json.keys.map((k) => [k.key, k]));
    assert.deepEqual(keys.HeartbeatInterval, { key: 'HeartbeatInterval', value: '300', readonly: false });
    assert.equal(keys.NumberOfConnectors.readonly, true);
    assert.equal(keys.NumberOfConnectors.value, '2');
    assert.equal(keys.AuthorizationKey, undefined, 'write-only: not listed');
    // Accepted: applied as from the CSMS, and the CSMS sees it.
    let r = await sim.api('PUT', '/api/config/heartbeatinterval', { value: '120' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { key: 'HeartbeatInterval', status: 'Accepted', value: '120' });
    const conf = await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval'] });
    assert.equal(conf.configurationKey[0].value, '120');
    // §5.3: "If "key" does not correspond to a configuration setting supported by Charge Point,
    // it SHALL respond with a status 'NotSupported'"; "Rejected" when it did not set it.
    const cases = [
        ['/api/config/Nope', { value: '1' }, 404, 'NotSupported', /no such configuration key/],
        ['/api/config/NumberOfConnectors', { value: '3' }, 400, 'Rejected', /read-only/],
        ['/api/config/HeartbeatInterval', { value: 'abc' }, 400, 'Rejected', /rejected the value/],
        ['/api/config/MeterValuesSampledData', { value: 'SoC' }, 400, 'Rejected', /rejected the value/],
    ];
    for (const [path, body, status, result, re] of cases) {
        r = await sim.api('PUT', path, body);
        assert.equal(r.status, status, `${path}: ${r.text}`);
        assert.equal(r.json.status, result, r.text);
        assert.match(r.json.error, re);
    }
    for (const [body, re] of [[{}, /"value"/], [{ value: 5 }, /must be a string/], ['{"value":', /malformed JSON/]]) {
        r = await sim.api('PUT', '/api/config/HeartbeatInterval', body);
        assert.equal(r.status, 400, r.text);
        assert.match(r.json.error, re);
    }
    r = await sim.api('POST', '/api/config');
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET');
    r = await sim.api('GET', '/api/config/HeartbeatInterval');
    assert.equal(r.status, 405);
    // nothing else changed
    const again = await csms.call(id, 'GetConfiguration', { key: ['HeartbeatInterval', 'NumberOfConnectors'] });
    assert.deepEqual(again.configurationKey.map((k) => k.value), ['120', '2']);
});

test('issue 18: GET /api/config and PUT /api/config/{key} of an OCPP 2.0.1 station: 409, the device model is not a key list', { skip: needSim201() }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const v201 = h.sim(simArgs(csms.url, 'CP-CFG-201', '--ocpp', '2.0.1'));
    for (const [method, path, body] of [['GET', '/api/config'], ['PUT', '/api/config/HeartbeatInterval', { value: '60' }]]) {
        const x = await v201.api(method, path, body);
        assert.equal(x.status, 409, x.text);
        assert.match(x.json.error, /OCPP 2\.0\.1/);
    }
});

/** A raw HTTP request; resolves {head, ms, closed} when the server closes the connection. */
function rawHttp(base, text) {
    const u = new URL(base);
    return new Promise((resolve, reject) => {
        const t0 = Date.now();
        let data = '';
        const s = connect(Number(u.port), u.hostname, () => s.write(text));
        s.setEncoding('utf8');
        s.on('data', (d) => {
            data += d;
        });
        s.on('error', (err) => {
            if (!data) reject(err); // a reset after the answer (unread body bytes) is fine
        });
        s.on('close', () => resolve({ head: data, ms: Date.now() - t0 }));
    });
}

test('issue 18 findings 4 and 11: HEAD, /api, %00 in a path, a 100 MB body announced, the cable type message', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms();
    const sim = h.sim(simArgs(csms.url, 'CP-HTTP'));
    const base = await sim.http();
    const head = await fetch(`${base}/api/state`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type'), /application\/json/);
    assert.equal(await head.text(), '');
    assert.equal((await fetch(`${base}/`, { method: 'HEAD' })).status, 200);
    assert.equal((await fetch(`${base}/api/events`, { method: 'HEAD' })).status, 200);
    const api = await sim.api('GET', '/api');
    assert.equal(api.status, 200, api.text);
    assert.equal(api.json.id, 'CP-HTTP');
    for (const path of ['/api/connectors/1%00', '/api/connectors/1%00/plug', '/api/state%00']) {
        const r = await sim.api('GET', path);
        assert.equal(r.status, 404, `${path}: ${r.text}`);
    }
    const ok = await sim.api('GET', '/api/connectors/%31'); // %31 is "1": decoding still works
    assert.equal(ok.status, 200, ok.text);
    // A request announcing 100 MB is answered at once, without waiting for (or reading) the body.
    const big = await within(rawHttp(base, 'POST /api/rfid HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{"idTag":'), 5000, '413');
    assert.match(big.head, /^HTTP\/1\.1 413/);
    assert.match(big.head, /over 65536 bytes/);
    assert.ok(big.ms < 3000, `answered and closed after ${big.ms} ms`);
    // RFC 9110 §10.1.1: a client that waits for 100-continue gets the final status instead.
    const cont = await within(rawHttp(base, 'POST /api/rfid HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\nExpect: 100-continue\r\n\r\n'), 5000, '413 for 100-continue');
    assert.match(cont.head, /^HTTP\/1\.1 413/);
    assert.doesNotMatch(cont.head, /100 Continue/);
    assert.ok(cont.ms < 3000, `answered and closed after ${cont.ms} ms`);
    // {"type":"tethered"}: the message names the values, not a length.
    const cab = await sim.api('POST', '/api/connectors/1/cable', { type: 'tethered' });
    assert.equal(cab.status, 400);
    assert.match(cab.json.error, /"socket".*"fixed"/);
    assert.doesNotMatch(cab.json.error, /at most/);
    assert.equal((await sim.api('GET', '/api/state')).status, 200);
});

test('issue 18 findings 1, 4 and 12: a long --id registers (no chargeBoxSerialNumber that cannot fit its CiString25Type, OCPP 1.6 §6.2); clear command-line errors; --connectors up to 8', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const longId = 'CP-WITH-A-VERY-LONG-NAME-0001'; // 29 characters
    const sim = h.sim(simArgs(csms.url, longId, '--connectors', '3'));
    await sim.waitState((s) => s.connection === 'accepted', { what: 'a long id accepted', timeout: 15000 });
    const boot = await csms.waitFor(cpCall('BootNotification', longId));
    assert.equal(boot.payload.chargeBoxSerialNumber, undefined);
    // --connectors 3: three connectors, the third one usable
    const s3 = await sim.api('POST', '/api/connectors/3/plug', {});
    assert.equal(s3.status, 200, s3.text);
    await csms.waitFor((m) => cpCall('StatusNotification', longId)(m) && m.payload.connectorId === 3 && m.payload.status === 'Preparing');
    assert.equal((await sim.api('GET', '/api/state')).json.connectors.length, 3);
    const short = h.sim(simArgs(csms.url, 'CP-SHORT'));
    await short.waitState((s) => s.connection === 'accepted');
    assert.equal((await csms.waitFor(cpCall('BootNotification', 'CP-SHORT'))).payload.chargeBoxSerialNumber, 'CP-SHORT');

    // Errors that name the real cause, exit status 2.
    const busy = await sim.http(); // a port that is taken
    const busyPort = new URL(busy).port;
    const cases = [
        [['--id', ''], /--id must not be empty/, /bad charge point configuration \(URL/],
        [['--config', 'Nope=1'], /--config Nope=\.\.\.: no such key \(NotSupported\)/, /refused$/],
        [['--config', 'HeartbeatInterval=abc'], /--config HeartbeatInterval=\.\.\.: the value was Rejected/, /refused$/],
        [['--http', `127.0.0.1:${busyPort}`], new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busyPort}: Address already in use`), /port 0/],
        [['--connectors', '9'], /--connectors must be 1\.\.8/, /^$/],
    ];
    for (const [extra, want, never] of cases) {
        const args = extra.includes('--id') ? ['--csms', csms.url, ...extra] : simArgs(csms.url, 'CP-BAD', ...extra);
        const bad = h.sim(args, { expectExit: false, name: `bad ${extra.join(' ')}` });
        const ex = await within(bad.exited, 10000, `exit of ${extra.join(' ')}`);
        assert.equal(ex.code, 2, `${extra.join(' ')}: exit status\n${bad.tail()}`);
        const err = bad.lines.filter((l) => l.stream === 'stderr').map((l) => l.text);
        assert.ok(err.some((l) => want.test(l)), `${extra.join(' ')}: ${want} in\n${err.join('\n')}`);
        assert.ok(!err.some((l) => never.source !== '^$' && never.test(l)), `${extra.join(' ')}: not ${never} in\n${err.join('\n')}`);
    }
});
