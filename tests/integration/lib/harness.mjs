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
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCPP16_ERROR_CODES, startCsms } from '../../../tools/csms/csms.mjs';

const require = createRequire(import.meta.url);
// The `ws` package ocpp-rpc itself uses (resolved from ocpp-rpc, not hoisting luck).
export const WebSocket = createRequire(require.resolve('ocpp-rpc'))('ws');
export const WebSocketServer = WebSocket.WebSocketServer;
const { createValidator } = require('ocpp-rpc');
const schema16 = require('ocpp-rpc/lib/schemas/ocpp1_6.json');
export const validator16 = createValidator('ocpp1.6', schema16);

export { startCsms };

/** Path of the charge-point program, from the environment (set by ctest). */
export const SIM = process.env.OCPP_SIM || '';
/** `skip` option for tests that need the charge-point program. */
export const needSim = SIM ? false : 'OCPP_SIM is not set (run through ctest, or export OCPP_SIM=path/to/ocpp-sim)';
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
 * do: protocol: 'ocpp1.6' (echo it, default) or null (never send Sec-WebSocket-Protocol).
 * It answers the CP's CALLs with minimal valid payloads (autoAnswer) and validates every
 * frame from the CP against the OCPP 1.6 schemas (violations[]).
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
            handleProtocols: (protocols) => (this.protocol && protocols.has(this.protocol) ? this.protocol : false),
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
        try {
            if (j[0] === 2) validator16.validate(`urn:${j[2]}.req`, j[3]);
            if (j[0] === 3 && conn.pending.has(j[1])) validator16.validate(`urn:${conn.pending.get(j[1])}.conf`, j[2]);
        } catch (err) {
            bad(err.message);
        }
        if (j[0] === 4) {
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
