// Integration-test harness: the dev CSMS (tools/csms), the charge-point program (OCPP_SIM),
// raw WebSocket peers for bad input, TLS material, temp dirs; cleanup and the
// "no schema violation" assertion run after every test.
//
//   import test from 'node:test';
//   import { scenario, needSim } from './lib/harness.mjs';
//   test('OCPP 1.6 §4.2 boot', { skip: needSim }, async (t) => {
//       const h = scenario(t);
//       const csms = await h.csms({ interval: 1 });
//       const sim = h.sim(['--csms', csms.url, '--id', 'CP-1']);
//       await csms.waitFor(m => m.type === 'CALL' && m.action === 'BootNotification');
//   });
//
// Timeouts are a safety net only; tests wait for events, never sleep for correctness.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCPP16_ERROR_CODES, OCPP201_ERROR_CODES, startCsms } from '../../../tools/csms/csms.mjs';
import { ledger } from '../../../tools/csms/ledger.mjs';

const require = createRequire(import.meta.url);
// The `ws` package ocpp-rpc itself uses (resolved from ocpp-rpc, not hoisting luck).
export const WebSocket = createRequire(require.resolve('ocpp-rpc'))('ws');
export const WebSocketServer = WebSocket.WebSocketServer;
const { createValidator } = require('ocpp-rpc');
const schema16 = require('ocpp-rpc/lib/schemas/ocpp1_6.json');
export const validator16 = createValidator('ocpp1.6', schema16);
const schema201 = require('ocpp-rpc/lib/schemas/ocpp2_0_1.json');
/** The OCPP 2.0.1 schemas (ocpp-rpc's lib/schemas/ocpp2_0_1.json), ids `urn:<Action>.req|.conf`. */
export const validator201 = createValidator('ocpp2.0.1', schema201);

export { OCPP201_ERROR_CODES, startCsms };

/** Path of the charge-point program, from the environment (set by ctest). */
export const SIM = process.env.OCPP_SIM || '';
/** `skip` option for tests that need the charge-point program. */
export const needSim = SIM ? false : 'OCPP_SIM is not set (run through ctest, or export OCPP_SIM=path/to/ocpp-sim)';
let simHelpCache;
/** The output of `ocpp-sim --help` (stdout and stderr), '' without OCPP_SIM. */
export function simHelp() {
    if (simHelpCache === undefined) {
        if (!SIM) {
            simHelpCache = '';
        } else {
            const r = spawnSync(SIM, ['--help'], { encoding: 'utf8', timeout: 10000 });
            simHelpCache = `${r.stdout || ''}${r.stderr || ''}`;
        }
    }
    return simHelpCache;
}
/**
 * `skip` option for tests that need a command-line option of ocpp-sim (e.g. '--ocpp'): the
 * reason when OCPP_SIM is not set or `ocpp-sim --help` does not mention the option, else false.
 */
export function needSimOption(option) {
    if (!SIM) return needSim;
    return simHelp().includes(option) ? false : `${SIM} --help does not mention ${option} (this ocpp-sim lacks it)`;
}
/** `skip` option for tests of an OCPP 2.0.1 station: the reason when this ocpp-sim has none (no
 *  --ocpp option, or built with OCPP_OCPP201=OFF: its --help says so), else false. */
export function needSim201() {
    const why = needSimOption('--ocpp');
    if (why) return why;
    return simHelp().includes('2.0.1 not in this build') ? `${SIM} is built without OCPP 2.0.1 (OCPP_OCPP201=OFF)` : false;
}
const KEEP = !!process.env.OCPP_TEST_KEEP;
const ECHO = !!process.env.OCPP_TEST_VERBOSE;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Reject after `ms` with a message; the safety net around any promise. */
export function within(promise, ms, what) {
    let timer;
    const t = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    });
    return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

/**
 * The cadence of a periodic message, from the times (`t`, ms) of at least 4 records:
 * - every gap at least `min` ms: the spec's lower bound; load only delays a message, so
 *   this holds on any machine;
 * - the median gap at most `max` ms: "at the interval", not at a multiple of it. A median of
 *   3 or more gaps is not moved by one late message (a 2 s stall of a loaded CI machine), so
 *   the check is about the charge point, not about the scheduler. Exact timing is checked with
 *   an injected clock in the unit tests (test_cp, test_cp_wakeup).
 * Fails with every gap and `detail` (e.g. what else was exchanged) in the message.
 */
export function assertCadence(recs, { min, max, what, detail = '' }) {
    assert.ok(recs.length >= 4, `${what}: ${recs.length} records, 4 needed for a median of 3 gaps`);
    const gaps = recs.slice(1).map((r, i) => r.t - recs[i].t);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    const why = `${what}: gaps ${gaps.join(', ')} ms (each >= ${min}, median <= ${max})${detail ? `\n${detail}` : ''}`;
    assert.ok(gaps.every((g) => g >= min), why);
    assert.ok(median <= max, why);
    return gaps;
}

/** The records of a dev CSMS from `a` to `b` (both included), a line each, with their time
 *  after `a`: what was exchanged around a timing check that failed. */
export function timeline(csms, a, b) {
    return csms.records.slice(a.seq, b.seq + 1)
        .map((r) => `  +${r.t - a.t} ms ${r.identity || ''} ${r.dir || ''} ${r.type} ${r.action || ''}`).join('\n');
}

// ------------------------------------------------------------------- charge-point process

/** A running charge-point program with its output lines. */
export class Sim {
    constructor(bin, args, { env, cwd, name = 'sim' } = {}) {
        this.name = name;
        this.args = args;
        this.lines = []; // {n, stream, text, t}
        this.waiters = new Set();
        this.proc = spawn(bin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        this.exit = null;
        this.exited = new Promise((resolve) => {
            this.proc.once('exit', (code, signal) => {
                this.exit = { code, signal };
                this._line('exit', `<exited code=${code} signal=${signal}>`);
                resolve(this.exit);
            });
            this.proc.once('error', (err) => {
                this.exit = { code: null, signal: null, error: err };
                this._line('exit', `<spawn error ${err.message}>`);
                resolve(this.exit);
            });
        });
        for (const stream of ['stdout', 'stderr']) {
            let buf = '';
            this.proc[stream].setEncoding('utf8');
            this.proc[stream].on('data', (d) => {
                buf += d;
                let i;
                while ((i = buf.indexOf('\n')) >= 0) {
                    this._line(stream, buf.slice(0, i).replace(/\r$/, ''));
                    buf = buf.slice(i + 1);
                }
            });
            this.proc[stream].on('end', () => {
                if (buf) this._line(stream, buf);
                buf = '';
            });
        }
    }

    _line(stream, text) {
        const rec = { n: this.lines.length, stream, text, t: Date.now() };
        this.lines.push(rec);
        if (ECHO) process.stderr.write(`[${this.name} ${stream}] ${text}\n`);
        for (const w of [...this.waiters]) w(rec);
    }

    mark() {
        return this.lines.length;
    }

    /** Base URL of the REST API (from the "dashboard: http://HOST:PORT/" line), waiting for it. */
    async http({ timeout = 20000 } = {}) {
        if (!this.base) {
            const l = await this.waitForLine(/^dashboard: http:\/\//, { timeout });
            this.base = l.text.slice('dashboard: '.length).replace(/\/$/, '');
        }
        return this.base;
    }

    /**
     * A REST request: api('POST', '/api/connectors/1/plug', {socPercent: 50}).
     * `body` may be an object (sent as JSON), a string or a Buffer (sent as is).
     * Resolves {status, json, text, headers}; never throws on a 4xx/5xx.
     */
    async api(method, path, body, { headers = {} } = {}) {
        const base = await this.http();
        const init = { method, headers: { ...headers } };
        if (body !== undefined) {
            init.body = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
            init.headers['content-type'] ??= 'application/json';
        }
        const r = await fetch(base + path, init);
        const text = await r.text();
        let json;
        try {
            json = JSON.parse(text);
        } catch {
            json = undefined;
        }
        return { status: r.status, json, text, headers: r.headers };
    }

    /** GET state (of `station`, or the only one) until pred(state) holds; returns that state. */
    async waitState(pred, { station, timeout = 60000, what = 'state' } = {}) {
        const path = station ? `/api/stations/${encodeURIComponent(station)}/state` : '/api/state';
        const t0 = Date.now();
        let last;
        for (;;) {
            const r = await this.api('GET', path);
            last = r.json;
            if (r.status === 200 && pred(last)) return last;
            if (this.exit) throw new Error(`${this.name} exited while waiting for ${what}\n${this.tail()}`);
            if (Date.now() - t0 > timeout) {
                throw new Error(`${this.name}: ${what} not reached within ${timeout} ms; last state ${JSON.stringify(last)}`);
            }
            await sleep(50); // polling interval of a condition, not a correctness sleep
        }
    }

    /** Output lines from `since` matching re (a RegExp or a substring). */
    grep(re, since = 0) {
        const m = typeof re === 'string' ? (s) => s.includes(re) : (s) => re.test(s);
        return this.lines.slice(since).filter((l) => m(l.text));
    }

    tail(n = 40) {
        return this.lines.slice(-n).map((l) => `  ${l.stream === 'stderr' ? '' : '[out] '}${l.text}`).join('\n');
    }

    /** First output line from `since` matching re; rejects after timeout or if the process exits. */
    waitForLine(re, { timeout = 60000, since = 0 } = {}) {
        const m = typeof re === 'string' ? (s) => s.includes(re) : (s) => re.test(s);
        const hit = this.lines.slice(since).find((l) => m(l.text));
        if (hit) return Promise.resolve(hit);
        return new Promise((resolve, reject) => {
            const done = (err, v) => {
                clearTimeout(timer);
                this.waiters.delete(w);
                if (err) reject(err);
                else resolve(v);
            };
            const w = (l) => {
                if (l.n >= since && m(l.text)) done(null, l);
                else if (l.stream === 'exit') done(new Error(`${this.name} exited while waiting for ${re}\n${this.tail()}`));
            };
            const timer = setTimeout(() => done(new Error(`${this.name}: no line matching ${re} within ${timeout} ms\n${this.tail()}`)), timeout);
            this.waiters.add(w);
        });
    }

    /** SIGTERM (default) and wait; SIGKILL after `timeout`. Resolves with {code, signal, killed}. */
    async stop({ signal = 'SIGTERM', timeout = 10000 } = {}) {
        if (this.exit) return this.exit;
        this.proc.kill(signal);
        let timer;
        const r = await Promise.race([this.exited, new Promise((res) => {
            timer = setTimeout(() => res(null), timeout);
        })]);
        clearTimeout(timer);
        if (r) return r;
        this.proc.kill('SIGKILL');
        const k = await this.exited;
        return { ...k, killed: true };
    }
}

// ------------------------------------------------------------------- TLS material

/**
 * Generate with the openssl CLI, in `dir`: a CA, a server certificate for 127.0.0.1 and
 * localhost signed by it, an unrelated second CA with its own server certificate, and a
 * certificate from our CA for another host name. Returns file paths:
 * {ca, cert, key, otherCa, otherCert, otherKey, wrongNameCert, wrongNameKey}.
 */
export function makeTls(dir) {
    const run = (...a) => execFileSync('openssl', a, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const ext = (name, san) => {
        const f = join(dir, `${name}.ext`);
        writeFileSync(f, [
            'basicConstraints=critical,CA:FALSE',
            'keyUsage=critical,digitalSignature,keyEncipherment',
            'extendedKeyUsage=serverAuth',
            `subjectAltName=${san}`,
            '',
        ].join('\n'));
        return f;
    };
    // IP:127.0.0.1 is what RFC 6125 / RFC 5280 clients match for an IP host; DNS:127.0.0.1 as
    // well because mbedTLS 2.28 (Debian's) matches only dNSName entries and the CN.
    const san = 'IP:127.0.0.1,DNS:localhost,DNS:127.0.0.1';
    const caExt = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
    const ca = (prefix, cn) => run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
        '-keyout', `${prefix}ca.key`, '-out', `${prefix}ca.crt`, '-subj', `/CN=${cn}`, ...caExt);
    const leaf = (caPrefix, name, cn, sanList) => {
        run('req', '-newkey', 'rsa:2048', '-nodes', '-sha256',
            '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
        run('x509', '-req', '-sha256', '-days', '2', '-in', `${name}.csr`,
            '-CA', `${caPrefix}ca.crt`, '-CAkey', `${caPrefix}ca.key`, '-CAcreateserial',
            '-out', `${name}.crt`, '-extfile', ext(name, sanList));
    };
    ca('', 'ocpp-c test CA');
    ca('other-', 'unrelated test CA');
    leaf('', 'server', '127.0.0.1', san);
    leaf('other-', 'other-server', '127.0.0.1', san);
    leaf('', 'wrongname-server', 'other.example', 'DNS:other.example');
    const p = (f) => join(dir, f);
    return {
        ca: p('ca.crt'), cert: p('server.crt'), key: p('server.key'),
        otherCa: p('other-ca.crt'), otherCert: p('other-server.crt'), otherKey: p('other-server.key'),
        wrongNameCert: p('wrongname-server.crt'), wrongNameKey: p('wrongname-server.key'),
    };
}

// ------------------------------------------------------------------- raw WebSocket peer

/** A connection accepted by RawServer: send anything, see everything. */
export class RawConn {
    constructor(ws, req, server) {
        this.ws = ws;
        this.req = req;
        this.server = server;
        this.frames = []; // {n, text, binary, t, json}
        this.pending = new Map(); // our CALL ids -> action (schema checks of the replies)
        this.waiters = new Set();
        this.close = null;
        this.closed = new Promise((resolve) => {
            ws.once('close', (code, reason) => {
                this.close = { code, reason: reason.toString() };
                for (const w of [...this.waiters]) w(null);
                resolve(this.close);
            });
        });
        ws.on('message', (data, isBinary) => this._onFrame(data, isBinary));
    }

    _onFrame(data, isBinary) {
        const text = data.toString('utf8');
        let json;
        try {
            json = JSON.parse(text);
        } catch {
            json = undefined;
        }
        const f = { n: this.frames.length, text, binary: isBinary, t: Date.now(), json };
        this.frames.push(f);
        this.server._check(this, f);
        if (this.server.autoAnswer && Array.isArray(json) && json[0] === 2) this._autoAnswer(json);
        for (const w of [...this.waiters]) w(f);
    }

    _autoAnswer([, id, action]) {
        const now = new Date().toISOString();
        const answers = {
            BootNotification: { status: 'Accepted', currentTime: now, interval: 300 },
            Heartbeat: { currentTime: now },
            Authorize: { idTagInfo: { status: 'Accepted' } },
            StartTransaction: { transactionId: 1, idTagInfo: { status: 'Accepted' } },
            DataTransfer: { status: 'UnknownVendorId' },
            SignCertificate: { status: 'Rejected' },
        };
        if (this.ws.protocol === 'ocpp2.0.1') {
            // OCPP 2.0.1 answers that differ from 1.6 (valid per the 2.0.1 schemas).
            answers.Authorize = { idTokenInfo: { status: 'Accepted' } };
            delete answers.StartTransaction;
        }
        this.sendJson([3, id, answers[action] || {}]);
    }

    mark() {
        return this.frames.length;
    }

    get open() {
        return this.ws.readyState === WebSocket.OPEN;
    }

    send(data, opts = {}) {
        return new Promise((resolve, reject) => this.ws.send(data, opts, (err) => (err ? reject(err) : resolve())));
    }

    sendJson(v) {
        return this.send(JSON.stringify(v));
    }

    /** Send `data` (string or Buffer) as one message split into fragments of `size` bytes. */
    async sendFragmented(data, size, { binary = false } = {}) {
        const buf = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
        for (let off = 0; off < buf.length; off += size) {
            const end = Math.min(buf.length, off + size);
            await this.send(buf.subarray(off, end), { binary, fin: end === buf.length });
        }
    }

    /** First frame from `since` matching pred; resolves null if the connection closes first. */
    waitFrame(pred, { timeout = 10000, since = 0 } = {}) {
        const hit = this.frames.slice(since).find(pred);
        if (hit) return Promise.resolve(hit);
        if (this.close) return Promise.resolve(null);
        return new Promise((resolve, reject) => {
            const w = (f) => {
                if (f && !pred(f)) return;
                clearTimeout(timer);
                this.waiters.delete(w);
                resolve(f);
            };
            const timer = setTimeout(() => {
                this.waiters.delete(w);
                reject(new Error(`raw peer: no matching frame within ${timeout} ms; last frames:\n${this.frames.slice(-5).map((f) => `  ${f.text.slice(0, 200)}`).join('\n')}`));
            }, timeout);
            this.waiters.add(w);
        });
    }

    /** The CP's answer (CALLRESULT / CALLERROR) to message id `id`, or null if it closed. */
    waitReply(id, opts) {
        return this.waitFrame((f) => Array.isArray(f.json) && (f.json[0] === 3 || f.json[0] === 4) && f.json[1] === id, opts);
    }

    /** Send a CALL and wait for the reply frame's JSON. */
    async call(action, payload, { id = `raw-${Math.random().toString(36).slice(2, 10)}`, timeout = 10000 } = {}) {
        const since = this.mark();
        this.pending.set(id, action);
        await this.sendJson([2, id, action, payload]);
        const f = await this.waitReply(id, { timeout, since });
        return f && f.json;
    }
}

/**
 * A bare WebSocket server (the `ws` package) on 127.0.0.1 for tests the dev CSMS cannot
 * do: protocol: 'ocpp1.6' (echo it, default), 'ocpp2.0.1', a list (the first one of the
 * client's offer that is in it) or null (never send Sec-WebSocket-Protocol).
 * It answers the CP's CALLs with minimal valid payloads (autoAnswer) and validates every
 * frame from the CP against the schemas of the agreed subprotocol (OCPP 1.6 unless
 * ocpp2.0.1 was agreed) (violations[]).
 */
export class RawServer {
    constructor({ protocol = 'ocpp1.6', tls, autoAnswer = true } = {}) {
        this.protocol = protocol;
        this.tls = tls;
        this.autoAnswer = autoAnswer;
        this.conns = [];
        this.handshakes = [];
        this.violations = [];
        this.waiters = new Set();
    }

    async listen() {
        this.http = this.tls
            ? createHttpsServer({ cert: this.tls.cert, key: this.tls.key, minVersion: 'TLSv1.2' })
            : createHttpServer();
        this.wss = new WebSocketServer({
            server: this.http,
            maxPayload: 64 << 20,
            handleProtocols: (protocols) => {
                if (Array.isArray(this.protocol)) return [...protocols].find((p) => this.protocol.includes(p)) || false;
                return this.protocol && protocols.has(this.protocol) ? this.protocol : false;
            },
        });
        this.wss.on('headers', (headers, req) => this.handshakes.push({ url: req.url, headers: req.headers, response: [...headers] }));
        this.wss.on('connection', (ws, req) => {
            const c = new RawConn(ws, req, this);
            this.conns.push(c);
            for (const w of [...this.waiters]) w(c);
        });
        await new Promise((r) => this.http.listen(0, '127.0.0.1', r));
        this.port = this.http.address().port;
        this.url = `${this.tls ? 'wss' : 'ws'}://127.0.0.1:${this.port}/ocpp`;
        return this;
    }

    _check(conn, f) {
        const j = f.json;
        if (!Array.isArray(j)) return;
        const bad = (error) => {
            this.violations.push({ frame: f.text, error });
            process.stderr.write(`\n*** SCHEMA VIOLATION: (raw peer) ${error}: ${f.text.slice(0, 400)}\n\n`);
        };
        const v201 = conn.ws.protocol === 'ocpp2.0.1';
        const validator = v201 ? validator201 : validator16;
        try {
            if (j[0] === 2) validator.validate(`urn:${j[2]}.req`, j[3]);
            if (j[0] === 3 && conn.pending.has(j[1])) validator.validate(`urn:${conn.pending.get(j[1])}.conf`, j[2]);
        } catch (err) {
            bad(err.message);
        }
        if (j[0] === 4 && v201) {
            // OCPP-J 2.0.1 §4.2.3 table 7: [4, id, errorCode (§4.3 table 8), errorDescription string[255], errorDetails {}]
            if (j.length !== 5 || typeof j[1] !== 'string' || !OCPP201_ERROR_CODES.includes(j[2])
                || typeof j[3] !== 'string' || j[3].length > 255 || !j[4] || typeof j[4] !== 'object' || Array.isArray(j[4])) {
                bad('malformed CALLERROR (OCPP-J 2.0.1 §4.2.3)');
            }
        } else if (j[0] === 4) {
            // OCPP-J 1.6 §4.2.3: [4, id, errorCode (table 7), errorDescription, errorDetails {}]
            if (j.length !== 5 || typeof j[1] !== 'string' || !OCPP16_ERROR_CODES.includes(j[2])
                || typeof j[3] !== 'string' || !j[4] || typeof j[4] !== 'object' || Array.isArray(j[4])) {
                bad('malformed CALLERROR (OCPP-J 1.6 §4.2.3)');
            }
        }
        if (j[0] === 3 || j[0] === 4) conn.pending.delete(j[1]);
    }

    /** The n-th connection (0-based), waiting for it. */
    connection(n = 0, { timeout = 60000 } = {}) {
        if (this.conns[n]) return Promise.resolve(this.conns[n]);
        return new Promise((resolve, reject) => {
            const w = () => {
                if (!this.conns[n]) return;
                clearTimeout(timer);
                this.waiters.delete(w);
                resolve(this.conns[n]);
            };
            const timer = setTimeout(() => {
                this.waiters.delete(w);
                reject(new Error(`raw server: connection #${n} not seen within ${timeout} ms`));
            }, timeout);
            this.waiters.add(w);
        });
    }

    async close() {
        for (const c of this.conns) c.ws.terminate();
        await new Promise((r) => this.wss.close(() => r()));
        this.http.closeAllConnections?.();
        await new Promise((r) => this.http.close(() => r()));
    }
}

// ------------------------------------------------------------------- per-test scenario

/**
 * Per-test resources with automatic cleanup (sims stopped first, then servers, then temp
 * dirs), followed by the assertions: no schema/protocol violation seen by any CSMS or raw
 * peer, and every sim exited 0 on SIGTERM (unless started with {expectExit: false}).
 */
export function scenario(t) {
    const cleanups = []; // run in reverse
    const sims = [];
    const csmses = [];
    const raws = [];
    const h = {
        tmp(prefix = 'ocpp-it-') {
            const dir = mkdtempSync(join(tmpdir(), prefix));
            cleanups.push(() => (KEEP ? process.stderr.write(`kept ${dir}\n`) : rmSync(dir, { recursive: true, force: true })));
            return dir;
        },
        tls() {
            return makeTls(h.tmp('ocpp-tls-'));
        },
        /** A dev CSMS; {expectViolations: true} leaves its violations to the test. */
        async csms(opts = {}) {
            const { expectViolations, ...o } = opts;
            const c = await startCsms({ verbose: ECHO, ...o });
            if (!expectViolations) csmses.push(c);
            cleanups.push(() => c.stop({ force: true }));
            return c;
        },
        async raw(opts = {}) {
            const r = await new RawServer(opts).listen();
            raws.push(r);
            cleanups.push(() => r.close());
            return r;
        },
        /**
         * Start the charge-point program. Adds --data-dir (a fresh temp dir),
         * --log-level debug and --http 127.0.0.1:0 (a free port; see Sim.http()) unless
         * given. opts: {name, env, expectExit (default true)}.
         */
        sim(args, { name, env, expectExit = true } = {}) {
            const a = [...args];
            if (!a.includes('--http')) a.push('--http', '127.0.0.1:0');
            if (!a.includes('--data-dir')) a.push('--data-dir', h.tmp('ocpp-data-'));
            if (!a.includes('--log-level')) a.push('--log-level', 'debug');
            const s = new Sim(SIM, a, { env, name: name || `sim${sims.length}` });
            s.expectExit = expectExit;
            sims.push(s);
            return s;
        },
        sims,
        csmses,
        raws,
    };
    t.after(async () => {
        const problems = [];
        for (const s of sims) {
            const r = await s.stop();
            if (s.expectExit && (r.code !== 0 || r.killed)) {
                problems.push(`${s.name} did not exit cleanly on SIGTERM: ${JSON.stringify(r)}\n${s.tail(20)}`);
            }
        }
        for (const fn of cleanups.reverse()) {
            try {
                await fn();
            } catch (err) {
                problems.push(`cleanup: ${err.message}`);
            }
        }
        for (const c of csmses) {
            for (const v of c.violations) problems.push(`CSMS violation [${v.kind}] ${v.identity}: ${v.message}`);
        }
        for (const r of raws) {
            for (const v of r.violations) problems.push(`raw peer schema violation: ${v.error}: ${v.frame.slice(0, 300)}`);
        }
        assert.deepEqual(problems, [], 'the scenario produced violations or an unclean exit');
    });
    return h;
}

/** Common sim arguments: --csms URL --id ID plus extra [k, v, ...]. */
export function simArgs(url, id, ...extra) {
    return ['--csms', url, '--id', id, ...extra];
}

// ------------------------------------------------------------------- record predicates

/** A CALL from the charge point (optionally of `identity`). */
export const cpCall = (action, identity) => (m) =>
    m.type === 'CALL' && m.dir === 'in' && m.action === action && (!identity || m.identity === identity);

/** Our CALLRESULT to a CP CALL of `action`. */
export const csmsResult = (action, identity) => (m) =>
    m.type === 'CALLRESULT' && m.dir === 'out' && m.action === action && (!identity || m.identity === identity);

/** A connection event of `identity` (type 'connect', 'disconnect', 'reject'). */
export const event = (type, identity) => (m) => m.type === type && (!identity || m.identity === identity);

// ------------------------------------------------------------------- OCTT-style core helpers

/**
 * Core-profile session helpers (tests/integration/core_*.test.mjs): a CSMS plus one ocpp-sim
 * with `connectors` connectors at `speed`, waited until Accepted. opts: {args, idTags,
 * connectors, speed, csms (extra startCsms options)}.
 */
export async function coreBoot(t, id, { args = [], idTags, connectors = 2, speed = '60', csms: co = {} } = {}) {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300, idTags, ...co });
    const sim = h.sim(simArgs(csms.url, id, '--speed', speed, '--connectors', String(connectors), ...args));
    await sim.waitState((s) => s.connection === 'accepted', { what: 'accepted' });
    return { h, csms, sim };
}

/** Connector n (1-based) of a station state. */
export const connOf = (n) => (s) => s.connectors[n - 1];
/** State predicate: connector n has `status`. */
export const connStatus = (n, status) => (s) => connOf(n)(s).status === status;
/** ['--config', 'K=V', ...] for every 'K=V'. */
export const cfgArgs = (...kv) => kv.flatMap((x) => ['--config', x]);
/** A StatusNotification CALL of connector n (optionally with `status`). */
export const statusCall = (identity, n, status) => (m) =>
    cpCall('StatusNotification', identity)(m) && m.payload.connectorId === n && (!status || m.payload.status === status);

/** POST to the simulator's REST API, asserting 200; returns the JSON answer. */
export async function simPost(sim, path, body) {
    const r = await sim.api('POST', path, body);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    return r.json;
}

/** Plug connector n, present idTag for it, wait for StartTransaction and Charging. */
export async function coreStartTx(csms, sim, identity, n, idTag) {
    const since = csms.mark();
    await simPost(sim, `/api/connectors/${n}/plug`, {});
    await simPost(sim, '/api/rfid', { idTag, connector: n });
    const start = await csms.waitFor((m) => cpCall('StartTransaction', identity)(m) && m.payload.connectorId === n, { since });
    const st = await sim.waitState((s) => connStatus(n, 'Charging')(s) && connOf(n)(s).transactionId !== null, { what: `Charging on ${n}` });
    return { start, st, txId: connOf(n)(st).transactionId };
}

/**
 * Wait until the charge point logged the receipt of the CSMS message `rec` (a csms record with
 * `id`, from --log-level debug: "<identity> RX [3,"<id>",..."). ocpp-sim handles a message in the
 * loop iteration that logs it, so a REST request sent afterwards sees its effect.
 */
export function cpReceived(sim, rec, opts) {
    return sim.waitForLine(`RX [${rec.type === 'CALLERROR' ? 4 : rec.type === 'CALL' ? 2 : 3},"${rec.id}"`, opts);
}

// ------------------------------------------------------------------- kill torture (issue #6)

/** A small seeded PRNG (mulberry32): the same seed gives the same choices. */
export function prng(seed) {
    let a = seed >>> 0;
    const next = () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return {
        next,
        int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // lo..hi inclusive
        pick: (arr) => arr[Math.floor(next() * arr.length)],
        chance: (p) => next() < p,
    };
}

/** Crash points (ocpp-sim --crash-at) the torture picks from, besides kills from outside. */
export const TORTURE_CRASH_POINTS = [
    'result:StartTransaction', 'result:StopTransaction', 'result:MeterValues', // the answer is lost
    'send:StartTransaction', 'sent:StartTransaction', 'send:StopTransaction', 'sent:StopTransaction',
    'sent:MeterValues', 'write:txstate', 'write:txstate', 'write:',
];

const TRACE = !!process.env.OCPP_TORTURE_TRACE;
const RUNNING = new Set(['Charging', 'SuspendedEV', 'SuspendedEVSE']);

/**
 * The kill torture of issue #6: ocpp-sim with file storage (one data dir kept across restarts),
 * 2 connectors, fast intervals, runs charging sessions driven through REST (plug, card or
 * RemoteStartTransaction, charge, stop by card, unplug or RemoteStopTransaction) against ONE dev
 * CSMS that stays up, and is killed (SIGKILL) at moments a seeded PRNG picks, or dies at a crash
 * point (--crash-at); after each kill it is restarted with the same data dir (the board as the
 * power cut left it, docs/simulator.md: an EV may still be plugged in, its transaction stopped
 * with PowerLoss by the library; the driver unplugs it first) and the driver carries on. At the
 * end it runs until every transaction-related message is delivered, then checks the CSMS ledger
 * (tools/csms/ledger.mjs) against what the driver saw:
 *   - every session the driver saw running has its StartTransaction at the CSMS, and every
 *     transaction exactly one StopTransaction (else LOST); identical payloads received again are
 *     DUPLICATED (the answer was lost in flight), not lost;
 *   - a stop the driver caused and saw done: the StopTransaction has its reason and meterStop =
 *     the meter register the driver read over REST right after it;
 *   - a PowerLoss stop: meterStop >= the last energy register of the transaction's MeterValues
 *     and <= the meter register after the restart (ocpp-sim persists the register before a
 *     reading reaches the library, so no tolerance is needed);
 *   - the ledger rules (order, timestamps, meterStop >= meterStart).
 * opts: {bin, csms (a started dev CSMS), dataDir, kills (200), seed (1), identity ('KT-1'),
 * speed ('600'), killMs ([20, 700]: kill this long after the start), longShare (0.06) of rounds
 * killed after longMs ([1500, 4000]) instead (sessions long enough for MeterValues), crashShare
 * (0.25) of rounds with a crash point as well, drainMs (30000), log (line => {})}.
 * Resolves the report {kills, crashPoints, rounds, sessions, transactions, lost, duplicated,
 * powerLoss, driverStops, meterValues, problems, ms}.
 */
export async function killTorture(opts) {
    const o = {
        kills: 200, seed: 1, identity: 'KT-1', speed: '600', killMs: [20, 700], longShare: 0.06,
        longMs: [1500, 4000], crashShare: 0.25,
        drainMs: 30000, log: () => {}, ...opts,
    };
    const { csms, identity: id } = o;
    const rnd = prng(o.seed);
    const t0 = Date.now();
    const args = [
        '--csms', csms.url, '--id', id, '--connectors', '2', '--data-dir', o.dataDir,
        '--http', '127.0.0.1:0', '--speed', o.speed, '--log-level', process.env.OCPP_TORTURE_SIM_LOG || 'warn',
        ...cfgArgs('MeterValueSampleInterval=1', 'ClockAlignedDataInterval=1', 'HeartbeatInterval=600',
            'AllowOfflineTxForUnknownId=true', 'LocalAuthorizeOffline=true', 'AuthorizationCacheEnabled=false',
            'TransactionMessageAttempts=3', 'TransactionMessageRetryInterval=1', 'ConnectionTimeOut=30'),
    ];
    const sessions = new Map(); // idTag -> {round, connector, how, seenRunning}
    const driverStops = new Map(); // idTag -> {reason, meterWh}
    const registers = []; // round -> [Wh per connector] after the restart (nothing charging yet)
    const rep = { kills: 0, crashPoints: 0, rounds: 0, restarts: 0 };
    let sim = null;

    const alive = () => sim && !sim.exit;
    /** An error from the driver: fine if the sim died (its exit may be reported a bit later). */
    const unlessDead = async (err) => {
        await Promise.race([sim.exited, sleep(3000)]);
        if (alive()) throw err;
    };
    const state = async () => {
        const r = await sim.api('GET', '/api/state');
        if (r.status !== 200) throw new Error(`GET /api/state: ${r.status}`);
        return r.json;
    };
    const post = async (path, body) => {
        const r = await sim.api('POST', path, body ?? {});
        if (r.status !== 200) throw new Error(`POST ${path}: ${r.status} ${r.text}`);
        return r.json;
    };
    /** Waits that end early when the sim dies. */
    const nap = (ms) => Promise.race([sleep(ms), sim.exited]);
    const call = (action, payload) => Promise.race([
        csms.callSettled(id, action, payload, { timeout: 3000 }),
        sim.exited.then(() => ({ error: { code: 'Died' } })),
    ]);
    /** Poll the state until pred(connector state, station state); null if the sim died. */
    const until = async (c, pred, ms = 8000) => {
        const end = Date.now() + ms;
        while (alive() && Date.now() < end) {
            const s = await state();
            if (pred(s.connectors[c - 1], s)) return s;
            await nap(15); // polling interval of a condition
        }
        if (alive()) throw new Error(`connector ${c}: condition not reached within ${ms} ms`);
        return null;
    };

    /** One connector's sessions until the sim dies. */
    const driveConnector = async (round, c) => {
        for (let n = 1; alive(); n++) {
            await nap(rnd.int(0, 120));
            const idTag = `K${round}C${c}N${n}`;
            const how = rnd.pick(['card-first', 'plug-first', 'remote']);
            const sess = { round, connector: c, how, seenRunning: false };
            sessions.set(idTag, sess);
            if (how === 'card-first') await post('/api/rfid', { idTag, connector: c });
            await post(`/api/connectors/${c}/plug`, { socPercent: rnd.int(5, 60) });
            if (how === 'plug-first') await post('/api/rfid', { idTag, connector: c });
            if (how === 'remote') {
                const r = await call('RemoteStartTransaction', { connectorId: c, idTag });
                if (!r.result || r.result.status !== 'Accepted') await post('/api/rfid', { idTag, connector: c });
            }
            const run = await until(c, (k) => k.idTag === idTag && RUNNING.has(k.status));
            if (!run) return;
            sess.seenRunning = true;
            await nap(rnd.chance(0.3) ? rnd.int(300, 2500) : rnd.int(20, 300));
            if (!alive()) return;
            let stopHow = rnd.pick(['card', 'unplug', 'remote']);
            const txId = (await state()).connectors[c - 1].transactionId;
            if (stopHow === 'remote' && typeof txId === 'number' && txId >= 0) {
                const r = await call('RemoteStopTransaction', { transactionId: txId });
                if (!r.result || r.result.status !== 'Accepted') stopHow = 'card';
            } else if (stopHow === 'remote') {
                stopHow = 'card';
            }
            if (stopHow === 'card') await post('/api/rfid', { idTag, connector: c });
            if (stopHow === 'unplug') await post(`/api/connectors/${c}/unplug`);
            const done = await until(c, (k) => !RUNNING.has(k.status) && !k.relayClosed && k.transactionId === null);
            if (!done) return;
            driverStops.set(idTag, {
                reason: { card: 'Local', unplug: 'EVDisconnected', remote: 'Remote' }[stopHow],
                meterWh: done.connectors[c - 1].energyWh,
            });
            if (stopHow !== 'unplug') await post(`/api/connectors/${c}/unplug`);
            if (!(await until(c, (k) => k.status === 'Available' && !k.plugged))) return;
        }
    };

    const runRound = async (round, final) => {
        const crash = !final && rnd.chance(o.crashShare)
            ? `${rnd.pick(TORTURE_CRASH_POINTS)}@${rnd.int(1, 3)}` : null;
        const range = rnd.chance(o.longShare) ? o.longMs : o.killMs;
        const killAt = rnd.int(range[0], range[1]);
        const env = crash ? { OCPP_SIM_CRASH_AT: crash } : { OCPP_SIM_CRASH_AT: '' };
        const tr = Date.now();
        sim = new Sim(o.bin, args, { env, name: `kt${round}` });
        rep.restarts += 1;
        const timer = final ? null : setTimeout(() => alive() && sim.proc.kill('SIGKILL'), killAt);
        try {
            const s = await state();
            registers[round] = s.connectors.map((k) => k.energyWh);
            if (final) return;
            // The EVs the power cut left plugged in (sim.board): their drivers unplug them.
            for (const k of s.connectors.filter((x) => x.plugged)) await post(`/api/connectors/${k.id}/unplug`);
            await Promise.all([1, 2].map((c) => driveConnector(round, c).catch(unlessDead)));
        } catch (err) {
            await unlessDead(err); // a driver error while the sim runs is a test failure
        } finally {
            if (!final) {
                const ex = await sim.exited;
                const tx = Date.now();
                clearTimeout(timer);
                if (ex.signal === 'SIGKILL') rep.kills += 1;
                else throw new Error(`round ${round}: ocpp-sim ended with ${JSON.stringify(ex)}\n${sim.tail()}`);
                if (sim.grep('crash point').some((l) => l.text.includes('reached'))) rep.crashPoints += 1;
                if (TRACE) o.log(`round ${round}: kill at ${killAt} ms${crash ? ` or ${crash}` : ''}: exit after ${tx - tr} ms, round ${Date.now() - tr} ms`);
            }
        }
    };

    let round = 0;
    const seen = () => [...sessions.entries()].filter(([, s]) => s.seenRunning).map(([t]) => t);
    const complete = (x) => x.lost.length === 0 && seen().every((t) => x.byIdTag.has(t));
    let l;
    try {
        for (; rep.kills < o.kills; round++) {
            await runRound(round, false);
            if (round % 50 === 49) o.log(`torture: ${rep.kills} kills, ${sessions.size} sessions, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        }
        // The last boot: no kill; wait until the ledger is complete (every session seen running
        // has its StartTransaction, every transaction its StopTransaction), bounded by drainMs.
        await runRound(round, true);
        const drainEnd = Date.now() + o.drainMs;
        l = ledger(csms.records, id);
        while (!complete(l) && Date.now() < drainEnd && alive()) {
            await sleep(100); // polling interval of a condition
            l = ledger(csms.records, id);
        }
        const ex = await sim.stop();
        if (ex.code !== 0) throw new Error(`the last ocpp-sim did not exit cleanly: ${JSON.stringify(ex)}\n${sim.tail()}`);
    } finally {
        if (alive()) sim.proc.kill('SIGKILL');
    }

    // Driver knowledge against the ledger.
    const problems = [...l.problems];
    const lostSessions = seen().filter((t) => !l.byIdTag.has(t));
    for (const t of lostSessions) problems.push(`session ${t} was seen running but no StartTransaction reached the CSMS`);
    for (const g of l.lost) problems.push(`transaction ${g.ids.join('/')} (${g.idTag}) has no StopTransaction`);
    let checkedStops = 0;
    for (const [tag, d] of driverStops) {
        const g = l.byIdTag.get(tag);
        if (!g || !g.stop) continue; // counted as lost above
        checkedStops += 1;
        const p = g.stop.payload;
        if ((p.reason ?? 'Local') !== d.reason || p.meterStop !== d.meterWh) {
            problems.push(`${tag}: the driver stopped it (${d.reason}, meter ${d.meterWh} Wh) but the CSMS got reason ${p.reason ?? 'Local'}, meterStop ${p.meterStop}`);
        }
    }
    for (const g of l.transactions.filter((x) => x.stop && x.stop.payload.reason === 'PowerLoss')) {
        const s = sessions.get(g.idTag);
        const p = g.stop.payload;
        if (p.meterStop < g.lastMeterWh) problems.push(`${g.idTag}: PowerLoss meterStop ${p.meterStop} < last MeterValues ${g.lastMeterWh} Wh`);
        if (!s) continue;
        const after = registers.findIndex((r, i) => i > s.round && r);
        if (after >= 0 && p.meterStop > registers[after][s.connector - 1]) {
            problems.push(`${g.idTag}: PowerLoss meterStop ${p.meterStop} > the meter register after the restart ${registers[after][s.connector - 1]} Wh`);
        }
    }
    return {
        seed: o.seed,
        kills: rep.kills,
        crashPoints: rep.crashPoints,
        rounds: round + 1,
        sessions: sessions.size,
        sessionsRunning: seen().length,
        transactions: l.transactions.length,
        lost: l.lost.length + lostSessions.length,
        duplicated: l.duplicated,
        powerLoss: l.powerLoss,
        driverStops: checkedStops,
        meterValues: l.meterValues,
        problems,
        ms: Date.now() - t0,
    };
}

/** The torture report as a Markdown table. */
export function tortureTable(r) {
    const d = r.duplicated;
    const rows = [
        ['seed', r.seed],
        ['kills (SIGKILL)', `${r.kills} (${r.crashPoints} at crash points)`],
        ['sessions driven / seen running', `${r.sessions} / ${r.sessionsRunning}`],
        ['transactions at the CSMS', r.transactions],
        ['lost', r.lost],
        ['duplicated (Start / Stop / MeterValues)', `${d.start + d.stop + d.meterValues} (${d.start} / ${d.stop} / ${d.meterValues})`],
        ['PowerLoss stops', r.powerLoss],
        ['driver stops checked (reason, meterStop)', r.driverStops],
        ['MeterValues checked', r.meterValues],
        ['other problems', r.problems.length - r.lost],
        ['time', `${(r.ms / 1000).toFixed(1)} s`],
    ];
    return ['| kill torture | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
