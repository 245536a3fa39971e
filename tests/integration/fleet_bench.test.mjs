// The fleet bench's own parts (issue 16): the sink CSMS (tools/csms/sink.mjs) answers an OCPP 1.6-J
// charge point and counts what it received; bench/fleet/fleet.mjs runs a small fleet of ocpp-sim
// and of ocpp-rpc clients against it and reports numbers, every boot counted by the sink.

import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { startSink } from '../../tools/csms/sink.mjs';
import { WebSocket, needSim, SIM, validator16, within } from './lib/harness.mjs';

/** A raw OCPP 1.6-J peer: send frames, await the answer to each CALL id. */
async function peer(url, identity) {
    const ws = new WebSocket(`${url}/${identity}`, ['ocpp1.6']);
    await within(new Promise((res, rej) => {
        ws.once('open', res);
        ws.once('error', rej);
    }), 5000, 'connect to the sink');
    const waiting = new Map();
    ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        const w = waiting.get(m[1]);
        if (w) {
            waiting.delete(m[1]);
            w(m);
        }
    });
    let seq = 0;
    return {
        ws,
        call(action, payload) {
            const id = `c${++seq}`;
            const p = new Promise((r) => waiting.set(id, r));
            ws.send(JSON.stringify([2, id, action, payload]));
            return within(p, 5000, `answer to ${action}`);
        },
    };
}

test('sink: OCPP 1.6-J answers, per-action counts, bad frames', async () => {
    const sink = await startSink({ port: 0, interval: 42 });
    try {
        const cp = await peer(sink.url, 'SINK-1');
        assert.equal(cp.ws.protocol, 'ocpp1.6');
        // OCPP 1.6 §4.2: BootNotification.conf Accepted with the heartbeat interval; valid per schema.
        const boot = await cp.call('BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' });
        assert.equal(boot[0], 3);
        assert.equal(boot[2].status, 'Accepted');
        assert.equal(boot[2].interval, 42);
        validator16.validate('urn:BootNotification.conf', boot[2]);
        const a = await cp.call('StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() });
        const b = await cp.call('StartTransaction', { connectorId: 2, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() });
        validator16.validate('urn:StartTransaction.conf', a[2]);
        assert.equal(b[2].transactionId, a[2].transactionId + 1);
        for (const [action, payload] of [
            ['Heartbeat', {}],
            ['StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' }],
            ['Authorize', { idTag: 'T' }],
            ['MeterValues', { connectorId: 1, meterValue: [] }],
            ['StopTransaction', { transactionId: 1, meterStop: 5, timestamp: new Date().toISOString() }],
        ]) {
            const r = await cp.call(action, payload);
            assert.equal(r[0], 3, action);
            validator16.validate(`urn:${action}.conf`, r[2]);
        }
        // Bad input: an unknown action gets CALLERROR NotImplemented (OCPP-J 1.6 §4.2.3); a frame
        // that is not JSON, and one that is not a CALL, are counted as bad and not answered.
        const err = await cp.call('Nonsense', {});
        assert.deepEqual(err.slice(0, 3), [4, err[1], 'NotImplemented']);
        cp.ws.send('not json');
        cp.ws.send('[7,"x"]');
        const after = await cp.call('Heartbeat', {});
        assert.equal(after[0], 3);
        const st = sink.stats();
        assert.equal(st.booted, 1);
        assert.equal(st.calls, 10);
        assert.equal(st.answers, 10);
        assert.equal(st.bad, 2);
        assert.equal(st.actions.Heartbeat.count, 2);
        assert.equal(st.actions.StartTransaction.count, 2);
        assert.ok(st.actions.Heartbeat.p99Us >= st.actions.Heartbeat.p50Us && st.actions.Heartbeat.p50Us > 0);
        // Bad input: a connection without an identity in the path is refused.
        const anon = new WebSocket(sink.url, ['ocpp1.6']);
        await within(new Promise((res) => anon.once('error', res)), 5000, 'refusal of /ocpp');
        cp.ws.close();
    } finally {
        await sink.stop();
    }
});

test('sink command line: the URL line, stats on stdin, bad options', async () => {
    const badArgs = spawnSync(process.execPath, ['tools/csms/sink.mjs', '--interval', '0'], { encoding: 'utf8', timeout: 10000 });
    assert.equal(badArgs.status, 2);
    assert.match(badArgs.stderr, /--interval/);
    const p = spawn(process.execPath, ['tools/csms/sink.mjs', '--interval', '5'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
        let out = '';
        p.stdout.setEncoding('utf8');
        const line = (re) => within(new Promise((res) => {
            const check = () => {
                const m = out.match(re);
                if (m) {
                    p.stdout.off('data', on);
                    res(m);
                }
            };
            const on = (d) => {
                out += d;
                check();
            };
            p.stdout.on('data', on);
            check();
        }), 10000, `sink output ${re}`);
        const [, url] = await line(/^sink: (ws:\/\/127\.0\.0\.1:\d+\/ocpp)$/m);
        const cp = await peer(url, 'CLI-1');
        await cp.call('BootNotification', { chargePointVendor: 'v', chargePointModel: 'm' });
        p.stdin.write('stats\n');
        const [json] = await line(/^\{.*\}$/m);
        const st = JSON.parse(json);
        assert.equal(st.booted, 1);
        assert.equal(st.actions.BootNotification.count, 1);
        cp.ws.close();
    } finally {
        p.kill('SIGTERM');
    }
});

test('fleet bench: 20 stations of ocpp-sim and of ocpp-rpc against the sink', { skip: needSim }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-test-'));
    try {
        // Bad input: too few stations, an unknown CSMS kind.
        for (const bad of [['--stations', '1'], ['--csms', 'nope']]) {
            const r = spawnSync(process.execPath, ['bench/fleet/fleet.mjs', '--sim', SIM, ...bad], { encoding: 'utf8', timeout: 10000 });
            assert.equal(r.status, 2, bad.join(' '));
            assert.match(r.stderr, /usage: fleet\.mjs/);
        }
        const json = join(dir, 'fleet.json');
        const r = spawnSync(process.execPath, ['bench/fleet/fleet.mjs', '--sim', SIM, '--stations', '20', '--interval', '1',
            '--duration', '2', '--settle', '0.5', '--csms', 'sink', '--json', json], { encoding: 'utf8', timeout: 60000 });
        assert.equal(r.status, 0, r.stderr);
        const rep = JSON.parse(readFileSync(json, 'utf8'));
        assert.deepEqual(rep.rows.map((x) => [x.fleetKind, x.csms]), [['sim', 'sink'], ['node', 'sink']]);
        for (const row of rep.rows) {
            assert.equal(row.booted, 20, `${row.fleet}: the sink counted every BootNotification`);
            assert.equal(row.connected, 20, row.fleet);
            assert.ok(row.connections >= 20, `${row.fleet}: ${row.connections} connections`);
            assert.ok(row.heartbeats >= 20, `${row.fleet}: ${row.heartbeats} heartbeats in 2 s at 1 s`);
            for (const k of ['bootS', 'rssKb', 'hwmKb', 'kbPerStation', 'fleetCpuS', 'csmsCpuS', 'fleetCpuPct', 'fleetUsPerMsg']) {
                assert.ok(Number.isFinite(row[k]), `${row.fleet}: ${k} = ${row[k]}`);
            }
            assert.ok(row.rssKb > 1000, `${row.fleet}: RSS ${row.rssKb} kB`);
        }
        assert.equal(rep.baselines.length, 2);
        assert.equal(rep.ratios.length, 1);
        // The printed table: a row per fleet, numbers in the boot and memory columns.
        assert.match(r.stdout, /^ocpp-sim\s+sink\s+20\s+20\s+[\d.]+\s+[\d.]+/m);
        assert.match(r.stdout, /^ocpp-rpc \(Node\)\s+sink\s+20\s+20\s+[\d.]+\s+[\d.]+/m);
        assert.match(r.stdout, /ratio Node fleet \/ ocpp-sim against sink: memory per station -?[\d.]+ \(HWM -?[\d.]+\), CPU per message/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
