// ocpp-sim's fleet options (issue 16 "Fleet options"): ids from a pattern, a connector mix,
// several CSMS URLs round-robin, credentials from a CSV (HTTP Basic, OCPP 1.6 security
// whitepaper §3 profile 1: "the Charge Point ... uses HTTP Basic authentication", the
// AuthorizationKey as the password), source addresses round-robin (--bind) and a boot ramp,
// against two dev CSMS in strict mode; then the command-line errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { SIM, cpCall, event, needSim, scenario } from './lib/harness.mjs';

const N = 6;
const RAMP = 4; // stations per second: station i starts 250 ms x i after the first
const ids = Array.from({ length: N }, (_, i) => `F${String(7 + i).padStart(5, '0')}`);
const key = (id) => `key-${id}-abcdefg`; // 18 characters: taken as the password itself
const conns = [1, 2, 3, 1, 2, 3]; // --connectors 1,2,3 cyclic by station index
const binds = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];

test('fleet options: id pattern, connector mix, two CSMS, credentials, --bind, --ramp', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const auth = Object.fromEntries(ids.map((id) => [id, key(id)]));
    const csms = [await h.csms({ interval: 300, auth }), await h.csms({ interval: 300, auth })];
    const dir = h.tmp('ocpp-fleet-');
    const creds = join(dir, 'credentials.csv');
    // a header, a comment, CRLF lines, and a line for a station this fleet does not have
    writeFileSync(creds, `id,password\r\n# fleet F\n${ids.map((id) => `${id},${key(id)}\r\n`).join('')}F99999,${key('F99999')}\n`);
    const t0 = Date.now();
    const sim = h.sim(['--csms', `${csms[0].url},${csms[1].url}`, '--id', 'F{n:05}', '--id-start', '7',
        '--stations', String(N), '--connectors', '1,2,3', '--credentials', creds, '--bind', binds.join(','),
        '--ramp', String(RAMP), '--log-level', 'info']);
    const list = await sim.api('GET', '/api/stations');
    assert.deepEqual(list.json.stations.map((s) => [s.id, s.connectors]), ids.map((id, i) => [id, conns[i]]));
    const connects = [];
    for (const [i, id] of ids.entries()) {
        const mine = csms[i % 2];
        const other = csms[(i + 1) % 2];
        const boot = await mine.waitFor(cpCall('BootNotification', id), { timeout: 20000, what: `${id} boot` });
        assert.equal(boot.payload.chargeBoxSerialNumber, id);
        // every connector reports its status (OCPP 1.6 §4.9), and none beyond its count
        for (let c = 0; c <= conns[i]; c++) {
            await mine.waitFor((m) => cpCall('StatusNotification', id)(m) && m.payload.connectorId === c, { timeout: 20000, what: `${id} connector ${c}` });
        }
        assert.ok(!mine.messages(cpCall('StatusNotification', id)).some((m) => m.payload.connectorId > conns[i]), id);
        assert.equal(other.records.filter((r) => r.identity === id).length, 0, `${id} only at CSMS ${i % 2}`);
        const conn = mine.records.find(event('connect', id));
        assert.equal(conn.remote, binds[i % binds.length], `${id}: source address`);
        assert.equal(conn.auth.basic, true, id);
        assert.equal(conn.auth.userMatches, true, id);
        assert.equal(conn.auth.passwordOk, true, id);
        assert.equal(conn.auth.passwordForm, 'text', id);
        connects.push(conn.t);
    }
    // the ramp: station i does not connect before its turn (250 ms x i after the process began)
    for (const [i, at] of connects.entries()) {
        assert.ok(at - t0 >= (i * 1000) / RAMP, `${ids[i]} connected ${at - t0} ms after the start, before its turn`);
    }
    for (const s of await Promise.all(ids.map((id) => sim.waitState((x) => x.connection === 'accepted', { station: id, what: `${id} accepted` })))) {
        assert.equal(s.connectors.length, conns[ids.indexOf(s.id)]);
    }
    // the REST API knows each station's own count
    assert.equal((await sim.api('POST', `/api/stations/${ids[0]}/connectors/2/plug`)).status, 404);
    assert.equal((await sim.api('POST', `/api/stations/${ids[2]}/connectors/3/plug`)).status, 200);
    await csms[0].waitFor((m) => cpCall('StatusNotification', ids[2])(m) && m.payload.connectorId === 3 && m.payload.status === 'Preparing');

    // Errors: exit status 2 and the reason on one line.
    writeFileSync(join(dir, 'bad.csv'), `${ids[0]},${key(ids[0])}\n${ids[1]};${key(ids[1])}\n`);
    writeFileSync(join(dir, 'short.csv'), `${ids[0]},${key(ids[0])}\n`);
    const base = ['--csms', csms[0].url, '--http', 'off', '--data-dir', dir];
    const cases = [
        [['--credentials', join(dir, 'bad.csv'), '--id', 'F{n:05}', '--stations', '2'], /bad\.csv: line 2: expected id,password \(exactly one comma\)/],
        [['--credentials', join(dir, 'short.csv'), '--id', 'F{n:05}', '--id-start', '7', '--stations', '3'],
            /short\.csv has no line for 2 of the 3 stations \(the first: F00008\); add them, or give --password/],
        [['--id', 'F{m}', '--stations', '2'], /--id: bad placeholder at position 2: use \{n\}/],
        [['--connectors', '1:50%,2:40%'], /--connectors: the shares of 1:50%,2:40% add up to 90%, not 100%/],
        [['--csms', 'ws://127.0.0.1:1/ocpp,http://x'], /--csms: http:\/\/x is no ws:\/\/ or wss:\/\/ URL/],
        [['--bind', '127.0.0.2,localhost'], /--bind: localhost is no numeric IPv4 or IPv6 address/],
        [['--ramp', '0'], /--ramp: stations per second, 0\.1\.\.100000/],
    ];
    for (const [extra, want] of cases) {
        const r = spawnSync(SIM, [...base, ...extra], { encoding: 'utf8', timeout: 10000 });
        assert.equal(r.status, 2, `${extra.join(' ')}: exit status\n${r.stderr}`);
        assert.match(r.stderr.split('\n')[0], want, extra.join(' '));
    }
    // Not enough open files for every station's socket: one line that says so (an --http
    // address that is not this host's, RFC 5737, ends the run after the stations' setup)
    const r = spawnSync('sh', ['-c', 'ulimit -n 200 && exec "$0" "$@"', SIM, ...base, '--stations', '300', '--http', '192.0.2.1:0'],
        { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /open files limited to 200 \(hard limit 200\): only 136 of the 300 stations can hold a connection; raise the hard limit/);
});
