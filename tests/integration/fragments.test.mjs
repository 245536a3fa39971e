// Messages larger than the charge point's send buffer (issue 12, defect 11): ocpp-sim with the
// 512-byte minimum send buffer (--send-buffer 512) writes them out as WebSocket fragments
// (RFC 6455 §5.4: a text frame with FIN clear, continuation frames, the last with FIN set), and
// the dev CSMS (ocpp-rpc over `ws`, strict schema validation) takes them as whole messages.
// A TCP relay between the two parses the charge point's frames, so that the test sees the
// fragments on the wire, not only their sum.

import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import test from 'node:test';
import { cpCall, csmsResult, needSim, needSim201, scenario, simArgs, validator201 } from './lib/harness.mjs';

const skip = needSim;
const PIECE = 512 - 14; // payload bytes of a fragment: the send buffer less OCPP_MSG_HEADROOM

/**
 * A relay 127.0.0.1:<port> -> `target` (a ws:// URL) that records every WebSocket frame the
 * client sends after its HTTP upgrade request: {op, fin, masked, len}, and per data message
 * the list of its frames (messages).
 */
async function frameRelay(h, target) {
    const { hostname, port: tport, pathname } = new URL(target);
    const spy = { frames: [], messages: [], cur: null };
    const server = createServer((client) => {
        const upstream = createConnection({ host: hostname, port: Number(tport) });
        let buf = Buffer.alloc(0);
        let upgraded = false;
        client.on('data', (d) => {
            upstream.write(d);
            buf = Buffer.concat([buf, d]);
            if (!upgraded) {
                const end = buf.indexOf('\r\n\r\n');
                if (end < 0) return;
                upgraded = true;
                buf = buf.subarray(end + 4);
            }
            for (;;) {
                if (buf.length < 2) return;
                let len = buf[1] & 0x7f;
                let hl = 2;
                if (len === 126) {
                    if (buf.length < 4) return;
                    len = buf.readUInt16BE(2);
                    hl = 4;
                } else if (len === 127) {
                    if (buf.length < 10) return;
                    len = Number(buf.readBigUInt64BE(2));
                    hl = 10;
                }
                const masked = (buf[1] & 0x80) !== 0;
                const total = hl + (masked ? 4 : 0) + len;
                if (buf.length < total) return;
                const f = { op: buf[0] & 0x0f, fin: (buf[0] & 0x80) !== 0, masked, len };
                spy.frames.push(f);
                if (f.op === 1) spy.cur = [f];
                else if (f.op === 0 && spy.cur) spy.cur.push(f);
                if (f.op < 8 && f.fin && spy.cur) {
                    spy.messages.push(spy.cur);
                    spy.cur = null;
                }
                buf = buf.subarray(total);
            }
        });
        upstream.on('data', (d) => client.write(d));
        const end = () => {
            client.destroy();
            upstream.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    spy.url = `ws://127.0.0.1:${server.address().port}${pathname}`;
    spy.close = () => new Promise((r) => server.close(() => r()));
    return spy;
}

/** The largest data message on the wire so far, as its frames. */
const largest = (spy) => spy.messages.reduce((a, m) => (m.reduce((s, f) => s + f.len, 0) > a.reduce((s, f) => s + f.len, 0) ? m : a), []);

/** RFC 6455 §5.4 and §5.3 on the frames of one message. */
function checkFragments(frames, what) {
    assert.ok(frames.length >= 2, `${what}: sent in ${frames.length} frame(s)`);
    frames.forEach((f, i) => {
        assert.equal(f.op, i === 0 ? 1 : 0, `${what}: frame ${i} opcode (text first, then continuation)`);
        assert.equal(f.fin, i === frames.length - 1, `${what}: frame ${i} FIN only on the last`);
        assert.ok(f.masked, `${what}: frame ${i} masked (a client masks every frame)`);
        assert.ok(f.len > 0 && f.len <= PIECE, `${what}: frame ${i} carries ${f.len} bytes, at most the send buffer`);
    });
}

test('OCPP 1.6 §5.8 GetConfiguration of all keys and §4.3 DataTransfer with a 512-byte send buffer: larger messages go out as WebSocket fragments (RFC 6455 §5.4) and reach the CSMS whole and schema-valid', { skip }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const relay = await frameRelay(h, csms.url);
    t.after(() => relay.close());
    const id = 'CP-FRAG16';
    const sim = h.sim(simArgs(relay.url, id, '--send-buffer', '512'));
    await csms.waitFor(csmsResult('BootNotification', id));
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });

    // "If the list does not contain any key, the Charge Point SHALL return a list of all
    // configuration settings" (§5.8): more than the send buffer.
    const all = await csms.call(id, 'GetConfiguration', {});
    const keys = all.configurationKey.map((k) => k.key);
    for (const k of ['HeartbeatInterval', 'NumberOfConnectors', 'SupportedFeatureProfiles', 'MeterValuesSampledData', 'WebSocketPingInterval']) {
        assert.ok(keys.includes(k), `${k} is listed`);
    }
    assert.ok(JSON.stringify(all).length > 1024, 'the answer is larger than the send buffer');
    checkFragments(largest(relay), 'GetConfiguration.conf');

    // DataTransfer.req from the charge point: vendorId CiString255, messageId CiString50 and
    // data, together more than the send buffer.
    const since = csms.mark();
    const m0 = relay.messages.length;
    const vendorId = `com.example.${'v'.repeat(240)}`;
    const data = 'd'.repeat(500);
    const dt = await sim.api('POST', '/api/datatransfer', { vendorId, messageId: 'm'.repeat(50), data });
    assert.equal(dt.status, 202, dt.text);
    const req = await csms.waitFor(cpCall('DataTransfer', id), { since });
    assert.equal(req.payload.vendorId, vendorId);
    assert.equal(req.payload.data, data);
    // (the relay parsed it before passing it on; nothing else since is that large)
    const frames = relay.messages.slice(m0).find((m) => m.reduce((n, f) => n + f.len, 0) > PIECE);
    assert.ok(frames, 'the DataTransfer.req is larger than the send buffer');
    checkFragments(frames, 'DataTransfer.req');
    await csms.waitFor(csmsResult('DataTransfer', id), { since });

    // The simulator's message log shows the message whole (put together from its pieces).
    const log = await sim.api('GET', '/api/log');
    assert.equal(log.status, 200);
    const entries = log.json.entries;
    const sent = entries.filter((e) => e.dir === 'out' && e.text.includes('"DataTransfer"'));
    assert.ok(sent.length >= 1, 'the DataTransfer is in the log');
    const msg = JSON.parse(sent.at(-1).text);
    assert.equal(msg[3].data, data, 'logged whole');
    assert.ok(!sent.at(-1).truncated);
});

test('OCPP 2.0.1 B06 GetVariables with ItemsPerMessage elements, 512-byte send buffer: the answer (one result per element, B06.FR.01) goes out in fragments and is schema-valid', { skip: needSim201() }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const relay = await frameRelay(h, csms.url);
    t.after(() => relay.close());
    const id = 'CS-FRAG201';
    h.sim(simArgs(relay.url, id, '--ocpp', '2.0.1', '--send-buffer', '512'));
    await csms.waitFor(csmsResult('BootNotification', id));
    const v = (component, variable, instance) => ({ component: { name: component }, variable: instance ? { name: variable, instance } : { name: variable } });
    const getVariableData = [
        v('OCPPCommCtrlr', 'HeartbeatInterval'), v('OCPPCommCtrlr', 'WebSocketPingInterval'),
        v('OCPPCommCtrlr', 'MessageTimeout', 'Default'), v('ChargingStation', 'Model'),
        v('ChargingStation', 'VendorName'), v('DeviceDataCtrlr', 'ItemsPerMessage', 'GetVariables'),
        v('DeviceDataCtrlr', 'BytesPerMessage', 'GetVariables'), v('ClockCtrlr', 'DateTime'),
    ];
    const r = await csms.call(id, 'GetVariables', { getVariableData });
    validator201.validate('urn:GetVariables.conf', r);
    assert.equal(r.getVariableResult.length, getVariableData.length);
    assert.ok(r.getVariableResult.every((x) => x.attributeStatus === 'Accepted'));
    checkFragments(largest(relay), 'GetVariablesResponse');
});
