// Dev central system (CSMS) for ocpp-c: an OCPP 1.6-J and OCPP 2.0.1-J peer built on ocpp-rpc
// with strictMode, used by the integration tests and for manual runs (see README.md). The
// subprotocol of each connection is negotiated from the charge point's offer (its order of
// preference, OCPP-J 2.0.1 §3.1.3); schemas, default answers and protocol rules follow it.
//
//   const csms = await startCsms({ port: 0, interval: 2 });
//   ... csms.url  ->  ws://127.0.0.1:<port>/ocpp   (the charge point appends /<identity>)
//   await csms.waitFor(m => m.type === 'CALL' && m.action === 'BootNotification');
//   await csms.call('CP-1', 'GetConfiguration', {});
//   csms.violations  -> [] unless the charge point broke a schema or a protocol rule
//   await csms.stop();
//
// Every record (message or connection event) has a sequence number `seq`; messages are
// { seq, time, t, identity, dir: 'in' (CP->CSMS) | 'out', type: 'CALL'|'CALLRESULT'|'CALLERROR',
//   action, id, payload } (CALLERROR payload: { code, description, details }).
// Connection events have type 'connect', 'disconnect', 'reject', 'warning', 'violation'.
// Messages and 'connect' events carry `protocol`: 'ocpp1.6' or 'ocpp2.0.1'.

import { appendFileSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';

const require = createRequire(import.meta.url);
const { RPCServer, createRPCError, createValidator } = require('ocpp-rpc');

export { createRPCError };

/** Actions a charge point may send (OCPP 1.6 §6 + security whitepaper §8 CP-initiated). */
export const CP_ACTIONS = Object.freeze([
    'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification',
    'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StartTransaction',
    'StatusNotification', 'StopTransaction',
    // security whitepaper edition 3 (schemas present in ocpp-rpc's ocpp1_6.json)
    'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate',
    'SignedFirmwareStatusNotification',
]);

/** OCPP-J 1.6 §4.2.3 table 7, spelled as on the wire in 1.6 (errata §5.1/§5.2: "do not fix"). */
export const OCPP16_ERROR_CODES = Object.freeze([
    'NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError',
    'FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation',
    'TypeConstraintViolation', 'GenericError',
]);

/** Subprotocols this CSMS speaks (OCPP-J 2.0.1 §3.1.2 table 1 names). */
export const PROTOCOLS = Object.freeze(['ocpp1.6', 'ocpp2.0.1']);

/** Actions a charging station may send in OCPP 2.0.1 (Part 2 messages, CS -> CSMS; DataTransfer both ways). */
export const CP_ACTIONS_201 = Object.freeze([
    'Authorize', 'BootNotification', 'ClearedChargingLimit', 'DataTransfer', 'FirmwareStatusNotification',
    'Get15118EVCertificate', 'GetCertificateStatus', 'Heartbeat', 'LogStatusNotification', 'MeterValues',
    'NotifyChargingLimit', 'NotifyCustomerInformation', 'NotifyDisplayMessages', 'NotifyEVChargingNeeds',
    'NotifyEVChargingSchedule', 'NotifyEvent', 'NotifyMonitoringReport', 'NotifyReport',
    'PublishFirmwareStatusNotification', 'ReportChargingProfiles', 'ReservationStatusUpdate',
    'SecurityEventNotification', 'SignCertificate', 'StatusNotification', 'TransactionEvent',
]);

/** OCPP-J 2.0.1 §4.3 table 8 "Valid Error Codes" (2.0.1 spellings). */
export const OCPP201_ERROR_CODES = Object.freeze([
    'FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented',
    'NotSupported', 'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError',
    'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation',
]);

const MSG = { 2: 'CALL', 3: 'CALLRESULT', 4: 'CALLERROR' };
// TriggerMessage / ExtendedTriggerMessage requestedMessage -> the CP action it allows.
const TRIGGER_ACTION = {
    SignChargePointCertificate: 'SignCertificate',
};
// OCPP 2.0.1 TriggerMessageRequest.requestedMessage (MessageTriggerEnumType) -> the action it allows.
const TRIGGER_ACTION_201 = {
    SignChargingStationCertificate: 'SignCertificate',
    SignV2GCertificate: 'SignCertificate',
    SignCombinedCertificate: 'SignCertificate',
};
// OCPP 2.0.1 B02.FR.02: besides TriggerMessageRequest, GetBaseReportRequest and GetReportRequest
// instruct the charging station to send (NotifyReportRequest) before it is Accepted.
const REPORT_ACTION_201 = { GetBaseReport: 'NotifyReport', GetReport: 'NotifyReport' };

/**
 * The strict-mode validator for ocpp2.0.1: ocpp-rpc's own (schemas lib/schemas/ocpp2_0_1.json),
 * with the CALLERROR codes it produces put into OCPP-J 2.0.1 terms (ocpp-rpc 2.2.1 maps a
 * missing required field to the 1.6 spelling `OccurenceConstraintViolation` and an unknown
 * action to `ProtocolError`): table 8 spells `OccurrenceConstraintViolation`, and an action the
 * receiver does not know is `NotImplemented`. ErrorDescription is string[255] (§4.2.3 table 7).
 */
class Ocpp201Validator {
    constructor() {
        this.inner = createValidator('ocpp2.0.1', require('ocpp-rpc/lib/schemas/ocpp2_0_1.json'));
    }

    get subprotocol() {
        return 'ocpp2.0.1';
    }

    validate(schemaId, params) {
        try {
            return this.inner.validate(schemaId, params);
        } catch (err) {
            let code = err.rpcErrorCode || 'FormatViolation';
            if (code === 'OccurenceConstraintViolation') code = 'OccurrenceConstraintViolation';
            if (code === 'ProtocolError' && /is missing from subprotocol schema/.test(err.message)) code = 'NotImplemented';
            const e = createRPCError(code, String(err.message || '').slice(0, 255), err.details);
            e.fullMessage = err.message;
            throw e;
        }
    }
}

function isoNow() {
    return new Date().toISOString();
}

function pem(v) {
    if (v == null) return v;
    const s = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    return s.includes('-----BEGIN') ? s : readFileSync(s, 'utf8');
}

function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms).unref?.());
}

function isLoopback(addr) {
    return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

function short(v, n = 400) {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s === undefined ? '' : s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s;
}

/** Parse "CP-1:key,CP-2:key" (CLI --auth) into {'CP-1': 'key', ...}. */
export function parseAuthList(s) {
    const out = {};
    for (const part of String(s || '').split(',')) {
        if (!part) continue;
        const i = part.indexOf(':');
        if (i < 1) throw new Error(`--auth: expected ID:KEY, got "${part}"`);
        out[part.slice(0, i)] = part.slice(i + 1);
    }
    return out;
}

class Station {
    constructor(identity) {
        this.identity = identity;
        this.registration = undefined; // last BootNotification status we answered
        this.bootAnsweredAt = 0;
        this.bootInterval = 0;
        this.bootQueue = null; // per-identity boot answers, else the CSMS default
        this.idTags = null; // per-identity idTag policy, else the CSMS default
        this.triggered = new Set(); // actions allowed while not Accepted (TriggerMessage)
        this.bootAnsweredConnection = 0; // connection number that got the last boot answer
        this.client = null;
        this.protocol = null; // subprotocol of the current (or last) connection
        this.connections = 0;
        this.callIdsAll = new Set(); // CALL ids this CP used, over all connections
        this.callIdsAnswered = new Set(); // ... and those we answered (OCPP 2.0.1 connections)
        this.info = {};
    }
}

class Csms {
    constructor(opts) {
        this.opts = {
            host: '127.0.0.1',
            port: 0,
            path: '/ocpp',
            interval: 300,
            callTimeoutMs: 20000,
            verbose: false,
            ...opts,
        };
        // Subprotocols accepted (opts.protocols restricts them, e.g. ['ocpp1.6']).
        this.protocols = (this.opts.protocols || PROTOCOLS).filter((p) => PROTOCOLS.includes(p));
        if (!this.protocols.length) throw new Error(`protocols: none of ${PROTOCOLS.join(', ')}`);
        this.records = [];
        this.violations = [];
        this.stations = new Map();
        this.overrides = []; // {action, identity, fn, times}
        this.waiters = new Set();
        this.nextTransactionId = 1;
        this.bootDefault = Array.isArray(this.opts.boot) ? [...this.opts.boot] : [{ status: 'Accepted' }];
        this.idTagsDefault = { ...(this.opts.idTags || {}) };
        this.auth = { ...(this.opts.auth || {}) };
        this.remoteStart = null; // {idTag, delayMs}: answer a Preparing connector (setRemoteStart)
        this.remoteTimers = new Set();
        if (this.opts.remoteStart) this.setRemoteStart(this.opts.remoteStart);
        this.running = false;
        this.http = null;
        this.rpc = null;
        this.sockets = new Set();
        this.port = 0;
    }

    // ---------------------------------------------------------------- lifecycle

    get scheme() {
        return this.opts.tls ? 'wss' : 'ws';
    }

    get url() {
        return `${this.scheme}://127.0.0.1:${this.port}${this.opts.path}`;
    }

    /** Base of the control API, e.g. http://127.0.0.1:1234/api (https with tls). */
    get apiUrl() {
        return `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}/api`;
    }

    async listen(port) {
        const rpc = new RPCServer({
            protocols: this.protocols,
            strictMode: true,
            strictModeValidators: [new Ocpp201Validator()],
            callTimeoutMs: this.opts.callTimeoutMs,
            pingIntervalMs: this.opts.pingIntervalMs ?? 30000,
        });
        rpc.auth((accept, reject, hs) => this._auth(accept, reject, hs));
        rpc.on('client', (c) => this._onClient(c));
        const handler = (req, res) => this._api(req, res).catch((err) => {
            if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: String(err && err.message) }));
        });
        let http;
        if (this.opts.tls) {
            http = createHttpsServer({
                cert: pem(this.opts.tls.cert),
                key: pem(this.opts.tls.key),
                ca: this.opts.tls.ca ? pem(this.opts.tls.ca) : undefined,
                minVersion: 'TLSv1.2',
            }, handler);
            http.on('tlsClientError', (err, sock) => {
                this._record({ type: 'tlsError', identity: null, remote: sock.remoteAddress, error: err.message });
            });
        } else {
            http = createHttpServer(handler);
        }
        http.on('upgrade', rpc.handleUpgrade);
        http.on('connection', (s) => {
            this.sockets.add(s);
            s.once('close', () => this.sockets.delete(s));
        });
        await new Promise((resolve, reject) => {
            http.once('error', reject);
            http.listen({ port, host: this.opts.host }, () => {
                http.off('error', reject);
                resolve();
            });
        });
        this.http = http;
        this.rpc = rpc;
        this.port = http.address().port;
        this.running = true;
        this._record({ type: 'listen', identity: null, url: this.url });
        return this;
    }

    /**
     * Close the listener and every client connection. force: drop the TCP connections
     * without a WebSocket close handshake (like a crashed server). Default: close 1001.
     */
    async stop({ force = false, code = 1001, reason = '' } = {}) {
        if (!this.running) return;
        this.running = false;
        for (const t of this.remoteTimers) clearTimeout(t);
        this.remoteTimers.clear();
        const rpc = this.rpc;
        const http = this.http;
        const clients = [...this.stations.values()].map((s) => s.client).filter(Boolean);
        if (!force) {
            await Promise.all(clients.map((c) => Promise.race([c.close({ code, reason }).catch(() => {}), sleep(2000)])));
        }
        // Whatever is left (or everything, with force): drop the TCP connections.
        for (const s of this.sockets) s.destroy();
        await Promise.all(clients.map((c) => Promise.race([c.close({ force: true }).catch(() => {}), sleep(1000)])));
        const closed = new Promise((r) => http.close(() => r()));
        http.closeAllConnections?.();
        await Promise.race([rpc.close({ force: true }).catch(() => {}), sleep(1000)]);
        await closed;
        this._record({ type: 'stop', identity: null, force });
    }

    /** Stop and listen again on the same port; the recorded state is kept. */
    async restart({ downMs = 0, force = false } = {}) {
        const port = this.port;
        await this.stop({ force });
        if (downMs) await sleep(downMs);
        await this.listen(port);
        return this;
    }

    // ---------------------------------------------------------------- scripting

    station(identity) {
        let s = this.stations.get(identity);
        if (!s) {
            s = new Station(identity);
            this.stations.set(identity, s);
        }
        return s;
    }

    /**
     * Queue of BootNotification answers for `identity` ('*' = default for all). Each boot
     * takes the next answer; the last one repeats. Missing fields: currentTime = now,
     * interval = opts.interval.
     */
    setBoot(identity, answers) {
        const list = Array.isArray(answers) ? [...answers] : [answers];
        if (identity === '*' || identity == null) this.bootDefault = list;
        else this.station(identity).bootQueue = list;
    }

    /** idTag -> idTagInfo policy ('*' key: any other idTag). identity '*' = all. */
    setIdTags(identity, map) {
        if (identity === '*' || identity == null) Object.assign(this.idTagsDefault, map);
        else this.station(identity).idTags = { ...(this.station(identity).idTags || {}), ...map };
    }

    /**
     * Remote starts (OCPP 1.6 §5.11), as a driver's app would ask for them: when a connector
     * reports Preparing (StatusNotification, connectorId > 0) and, `delayMs` later, it still is,
     * and the station sent no Authorize or StartTransaction since `delayMs` before that report
     * (a card being presented there: a local start under way), the CSMS sends
     * RemoteStartTransaction {connectorId, idTag}. OCPP 1.6 connections only. cfg:
     * {idTag = 'REMOTE', delayMs = 1000}, or null: off. Strict mode validates these CALLs and
     * their answers like any other message.
     */
    setRemoteStart(cfg) {
        if (cfg == null || cfg === false) {
            this.remoteStart = null;
            return;
        }
        const idTag = cfg.idTag ?? 'REMOTE';
        const delayMs = cfg.delayMs ?? 1000;
        if (typeof idTag !== 'string' || idTag.length < 1 || idTag.length > 20 || !/^[\x20-\x7e]+$/.test(idTag)) {
            throw new Error('remoteStart.idTag: 1..20 printable ASCII characters (CiString20Type)');
        }
        if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 3600000) {
            throw new Error('remoteStart.delayMs: an integer 0..3600000');
        }
        this.remoteStart = { idTag, delayMs };
    }

    _watchRemoteStart(st, method, p) {
        if (method === 'Authorize' || method === 'StartTransaction') {
            st.rsLocalAt = Date.now();
            return;
        }
        if (method !== 'StatusNotification' || !p || !(p.connectorId > 0)) return;
        if (!st.rsStatus) st.rsStatus = new Map();
        st.rsStatus.set(p.connectorId, p.status);
        if (p.status !== 'Preparing') return;
        const { idTag, delayMs } = this.remoteStart;
        const t0 = Date.now();
        const timer = setTimeout(() => {
            this.remoteTimers.delete(timer);
            if (!this.running || st.rsStatus.get(p.connectorId) !== 'Preparing'
                || (st.rsLocalAt !== undefined && st.rsLocalAt >= t0 - delayMs)
                || st.registration !== 'Accepted' || !st.client) return;
            this.callSettled(st.identity, 'RemoteStartTransaction', { connectorId: p.connectorId, idTag });
        }, delayMs);
        timer.unref?.();
        this.remoteTimers.add(timer);
    }

    /** Password(s) for security profile 1/2: {'CP-1': 'key', '*': 'key'}; null deletes. */
    setAuth(map) {
        for (const [k, v] of Object.entries(map)) {
            if (v == null) delete this.auth[k];
            else this.auth[k] = v;
        }
    }

    /**
     * Override the answer to a CP->CSMS action. fn(ctx) returns the payload or throws
     * createRPCError(code, ...); ctx = {identity, action, params, messageId, station, csms,
     * fallback()} where fallback() is the default answer. Options: identity ('*'),
     * times (Infinity). The most recent override wins. Returns a function removing it.
     */
    handle(action, fn, { identity = '*', times = Infinity } = {}) {
        const o = { action, fn, identity, times };
        this.overrides.push(o);
        return () => {
            const i = this.overrides.indexOf(o);
            if (i >= 0) this.overrides.splice(i, 1);
        };
    }

    /** Answer the next `times` CALLs of `action` with a CALLERROR `code`. */
    callError(action, code = 'InternalError', { times = 1, identity = '*', description = '' } = {}) {
        return this.handle(action, () => {
            throw createRPCError(code, description || `scripted ${code}`);
        }, { identity, times });
    }

    // ---------------------------------------------------------------- calls to the CP

    /** CSMS->CP CALL. Resolves with the CP's payload; rejects with the CALLERROR (err.rpcErrorCode). */
    async call(identity, action, payload = {}, { timeout } = {}) {
        const st = this.stations.get(identity);
        if (!st || !st.client) {
            const e = new Error(`${identity} is not connected`);
            e.notConnected = true;
            throw e;
        }
        if (st.protocol === 'ocpp2.0.1') {
            if (action === 'TriggerMessage') {
                const req = payload && payload.requestedMessage;
                if (req) st.triggered.add(TRIGGER_ACTION_201[req] || req);
            }
            if (REPORT_ACTION_201[action]) st.triggered.add(REPORT_ACTION_201[action]);
            if (st.registration === 'Rejected') {
                this._warning(identity, `CSMS sends ${action} while the station is Rejected (OCPP 2.0.1 B03.FR.03: the CSMS SHALL NOT initiate any messages)`);
            }
        } else if (action === 'TriggerMessage' || action === 'ExtendedTriggerMessage') {
            const req = payload && payload.requestedMessage;
            if (req) st.triggered.add(TRIGGER_ACTION[req] || req);
        }
        return st.client.call(action, payload, timeout ? { callTimeoutMs: timeout } : {});
    }

    /** Like call() but never throws for a CALLERROR: {result} or {error: {code, description, details}}. */
    async callSettled(identity, action, payload = {}, opts = {}) {
        try {
            return { result: await this.call(identity, action, payload, opts) };
        } catch (err) {
            if (err.notConnected) return { error: { code: 'NotConnected', description: err.message, details: {} } };
            if (err.rpcErrorCode) {
                return { error: { code: err.rpcErrorCode, description: err.message, details: err.details || {} } };
            }
            return { error: { code: err.name === 'TimeoutError' ? 'Timeout' : 'Error', description: err.message, details: {} } };
        }
    }

    // ---------------------------------------------------------------- records

    /** The next sequence number (use as `since` to wait only for what comes next). */
    mark() {
        return this.records.length;
    }

    messages(pred = () => true, since = 0) {
        return this.records.slice(since).filter((r) => MSG[r.typeNo] && pred(r));
    }

    /** First record (message or event) from `since` matching pred; waits up to timeout ms. */
    waitFor(pred, { timeout = 60000, since = 0, what } = {}) {
        return this.waitForCount(pred, 1, { timeout, since, what }).then((a) => a[0]);
    }

    /** The first n records from `since` matching pred. */
    waitForCount(pred, n, { timeout = 60000, since = 0, what } = {}) {
        const found = [];
        for (let i = since; i < this.records.length && found.length < n; i++) {
            if (pred(this.records[i])) found.push(this.records[i]);
        }
        if (found.length >= n) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
            const w = {
                test: (r) => {
                    if (r.seq < since || !pred(r)) return;
                    found.push(r);
                    if (found.length >= n) {
                        this.waiters.delete(w);
                        clearTimeout(w.timer);
                        resolve(found);
                    }
                },
            };
            w.timer = setTimeout(() => {
                this.waiters.delete(w);
                const tail = this.records.slice(-8).map((r) => `  #${r.seq} ${r.identity || ''} ${r.dir || ''} ${r.type} ${r.action || ''} ${short(r.payload ?? r.error ?? '', 160)}`);
                reject(new Error(`csms.waitFor timed out after ${timeout} ms (${found.length}/${n}): ${what || pred.toString()}\nlast records:\n${tail.join('\n')}`));
            }, timeout);
            this.waiters.add(w);
        });
    }

    _record(r) {
        const rec = { seq: this.records.length, time: isoNow(), t: Date.now(), ...r };
        this.records.push(rec);
        if (this.opts.log) {
            try {
                appendFileSync(this.opts.log, `${JSON.stringify(rec)}\n`);
            } catch (err) {
                process.stderr.write(`csms: cannot write log ${this.opts.log}: ${err.message}\n`);
            }
        }
        if (this.opts.verbose) this._print(rec);
        for (const w of [...this.waiters]) w.test(rec);
        return rec;
    }

    _print(r) {
        const ts = r.time.slice(11, 23);
        let line;
        if (MSG[r.typeNo]) {
            const arrow = r.dir === 'in' ? '->' : '<-';
            line = `${ts} ${r.identity} ${arrow} ${r.type} ${r.action || '?'} [${r.id}] ${short(r.payload, 300)}`;
        } else {
            const { seq, time, t, type, identity, ...rest } = r;
            line = `${ts} ${identity || '-'} ${type} ${short(rest, 300)}`;
        }
        process.stderr.write(`${line}\n`);
    }

    _violation(identity, kind, message, detail = {}) {
        const v = { identity, kind, message, detail };
        const rec = this._record({ type: 'violation', ...v });
        this.violations.push(rec);
        // Always loud, also with quiet: a violation fails the test that produced it.
        const label = kind === 'schema' || kind === 'badMessage' ? 'SCHEMA VIOLATION' : 'PROTOCOL VIOLATION';
        process.stderr.write(`\n*** ${label}: [${kind}] ${identity}: ${message} ${short(detail, 600)}\n\n`);
        return rec;
    }

    _warning(identity, message, detail = {}) {
        return this._record({ type: 'warning', identity, message, detail });
    }

    // ---------------------------------------------------------------- connections

    _authHeaderInfo(headers, identity) {
        const h = headers.authorization;
        if (!h) return { present: false };
        const m = /^\s*basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(h);
        if (!m) return { present: true, scheme: h.split(' ')[0], basic: false };
        const raw = Buffer.from(m[1], 'base64');
        const user = raw.subarray(0, Math.min(raw.length, Buffer.byteLength(identity))).toString('utf8');
        const userMatches = user === identity && raw[Buffer.byteLength(identity)] === 0x3a;
        return { present: true, basic: true, userMatches };
    }

    _passwordOk(expected, pw) {
        if (!pw) return false;
        if (pw.equals(Buffer.from(String(expected), 'utf8'))) return 'text';
        if (/^([0-9a-fA-F]{2})+$/.test(expected) && pw.equals(Buffer.from(expected, 'hex'))) return 'hex-decoded';
        return false;
    }

    _auth(accept, reject, hs) {
        const identity = hs.identity;
        const info = {
            remote: hs.remoteAddress,
            endpoint: hs.endpoint,
            protocols: [...hs.protocols],
            auth: this._authHeaderInfo(hs.headers, identity),
            tls: hs.request.socket.getProtocol ? hs.request.socket.getProtocol() : null,
        };
        const rej = (status, why) => {
            this._record({ type: 'reject', identity, status, reason: why, ...info });
            reject(status, why);
        };
        if (hs.endpoint !== this.opts.path) return rej(404, `unknown endpoint ${hs.endpoint}`);
        if (!identity) return rej(404, 'no charge point identity in the URL');
        const expected = Object.hasOwn(this.auth, identity) ? this.auth[identity] : this.auth['*'];
        if (expected != null) {
            const how = this._passwordOk(expected, hs.password);
            info.auth.passwordOk = !!how;
            if (!how) return rej(401, info.auth.present ? 'wrong credentials' : 'no credentials');
            info.auth.passwordForm = how;
        }
        // The first subprotocol in the client's offer that we speak: the offer is in order of
        // preference (OCPP-J 2.0.1 §3.1.3 "with a preference for the former").
        const protocol = info.protocols.find((p) => this.protocols.includes(p));
        if (!protocol) {
            // OCPP-J 1.6 §3.2 / OCPP-J 2.0.1 §3.2: complete the handshake without
            // Sec-WebSocket-Protocol, then close.
            const want = this.protocols.join(' or ');
            this._violation(identity, 'subprotocol', `CP did not offer ${want} (offered: ${info.protocols.join(', ') || 'none'})`);
            return accept({ info }, false);
        }
        return accept({ info }, protocol);
    }

    _onClient(client) {
        const identity = client.identity;
        const st = this.station(identity);
        const info = client.session.info || {};
        st.info = info;
        st.connections += 1;
        const prev = st.client;
        st.client = client;
        const protocol = client.protocol || null;
        st.protocol = protocol;
        const conn = { callIds: new Set(), inCalls: new Map(), outCalls: new Map(), protocol, number: st.connections };
        this._record({ type: 'connect', identity, protocol, connection: st.connections, ...info });
        if (prev) {
            this._warning(identity, 'new connection replaces an open one');
            prev.close({ code: 1000, reason: 'replaced' }).catch(() => {});
        }
        if (!this.protocols.includes(client.protocol)) {
            client.close({ code: 1002, reason: `subprotocol ${this.protocols.join(' or ')} required` }).catch(() => {});
        }
        client.on('message', ({ message, outbound }) => this._onRaw(st, conn, message, outbound));
        client.on('strictValidationFailure', (e) => this._onStrictFailure(st, e));
        client.on('badMessage', (e) => {
            this._violation(identity, 'badMessage', e.error && e.error.message, {
                message: short(e.buffer && e.buffer.toString('utf8'), 600),
                response: e.response,
            });
        });
        client.once('close', ({ code, reason }) => {
            if (st.client === client) st.client = null;
            this._record({ type: 'disconnect', identity, code, reason: String(reason || '') });
        });
        client.handle((ctx) => this._dispatch(st, ctx, conn));
    }

    _onStrictFailure(st, e) {
        // outbound CALL: our own payload was invalid; the call rejects to the caller (no violation).
        if (e.outbound && e.isCall) return;
        const what = e.isCall ? `${e.method}.req` : `${e.method}.conf`;
        const who = e.outbound ? 'CSMS (our answer)' : 'charge point';
        const why = e.error && (e.error.fullMessage || e.error.message);
        this._violation(st.identity, 'schema', `${who} sent an invalid ${what}: ${why}`, {
            messageId: e.messageId,
            params: e.params,
            result: e.result,
            errors: e.error && e.error.details && e.error.details.errors,
        });
    }

    _onRaw(st, conn, message, outbound) {
        const text = Buffer.isBuffer(message) ? message.toString('utf8') : String(message);
        const identity = st.identity;
        let arr;
        try {
            arr = JSON.parse(text);
        } catch {
            this._record({ type: 'raw', identity, dir: outbound ? 'out' : 'in', text: short(text, 2000) });
            return; // ocpp-rpc reports it as badMessage
        }
        if (!Array.isArray(arr) || !MSG[arr[0]]) {
            this._record({ type: 'raw', identity, dir: outbound ? 'out' : 'in', text: short(text, 2000) });
            return;
        }
        const typeNo = arr[0];
        const id = arr[1];
        const rec = { identity, dir: outbound ? 'out' : 'in', type: MSG[typeNo], typeNo, id, action: undefined, payload: undefined, protocol: conn.protocol };
        if (typeNo === 2) {
            rec.action = arr[2];
            rec.payload = arr[3];
            (outbound ? conn.outCalls : conn.inCalls).set(id, arr[2]);
        } else {
            const map = outbound ? conn.inCalls : conn.outCalls;
            rec.action = map.get(id);
            map.delete(id);
            rec.payload = typeNo === 3 ? arr[2] : { code: arr[2], description: arr[3], details: arr[4] };
        }
        if (!outbound) {
            if (conn.protocol === 'ocpp2.0.1') this._checkInbound201(st, conn, arr, rec);
            else this._checkInbound(st, conn, arr, rec);
        } else if (typeNo !== 2 && conn.protocol === 'ocpp2.0.1' && st.callIdsAnswered.size < 200000) {
            st.callIdsAnswered.add(id);
        }
        this._record(rec);
        if (outbound && typeNo === 3 && rec.action === 'BootNotification') this._bootAnswered(st, arr[2], conn);
    }

    // Rules the JSON schemas cannot express (OCPP-J 1.6 §4, OCPP 1.6 §4.2).
    _checkInbound(st, conn, arr, rec) {
        const id = arr[1];
        const identity = st.identity;
        if (typeof id === 'string' && id.length > 36) {
            this._violation(identity, 'messageId', `message id longer than 36 characters (OCPP-J 1.6 §4.1.4): ${id.length}`, { id });
        }
        if (arr[0] === 2) {
            if (arr.length !== 4) this._violation(identity, 'frame', `CALL must have 4 elements (OCPP-J 1.6 §4.2.1), got ${arr.length}`);
            if (conn.callIds.has(id)) {
                this._violation(identity, 'messageId', `CALL id "${id}" reused on the same connection (OCPP-J 1.6 §4.1.4)`);
            } else if (st.callIdsAll.has(id)) {
                this._warning(identity, `CALL id "${id}" reused on a later connection (OCPP-J 1.6 errata §3.7, draft)`);
            }
            conn.callIds.add(id);
            if (st.callIdsAll.size < 200000) st.callIdsAll.add(id);
            this._checkRegistration(st, rec.action, 'CALL');
        } else if (arr[0] === 4) {
            if (arr.length !== 5) this._violation(identity, 'callerror', `CALLERROR must have 5 elements (OCPP-J 1.6 §4.2.3), got ${arr.length}`, { frame: arr });
            if (!OCPP16_ERROR_CODES.includes(arr[2])) {
                this._violation(identity, 'callerror', `errorCode "${arr[2]}" is not an OCPP-J 1.6 error code (§4.2.3 table 7)`, { frame: arr });
            }
            if (typeof arr[3] !== 'string') this._violation(identity, 'callerror', 'errorDescription must be a string (OCPP-J 1.6 §4.2.3)', { frame: arr });
            if (arr[4] === null || typeof arr[4] !== 'object' || Array.isArray(arr[4])) {
                this._violation(identity, 'callerror', 'errorDetails must be a JSON object (OCPP-J 1.6 §4.2.3)', { frame: arr });
            }
            this._checkRegistration(st, rec.action, 'CALLERROR');
        } else {
            if (arr.length !== 3) this._violation(identity, 'frame', `CALLRESULT must have 3 elements (OCPP-J 1.6 §4.2.2), got ${arr.length}`);
            this._checkRegistration(st, rec.action, 'CALLRESULT');
        }
    }

    _checkRegistration(st, action, type) {
        const reg = st.registration;
        if (reg === 'Rejected') {
            if (type === 'CALL' && action === 'BootNotification') {
                const waited = Date.now() - st.bootAnsweredAt;
                if (st.bootInterval > 0 && waited < st.bootInterval * 1000 - 50) {
                    this._violation(st.identity, 'boot', `BootNotification ${waited} ms after Rejected with interval ${st.bootInterval} s (OCPP 1.6 §4.2: SHALL NOT send any message until the retry interval has expired)`);
                }
                return;
            }
            this._violation(st.identity, 'boot', `${type} ${action || ''} while Rejected (OCPP 1.6 §4.2: no OCPP message until the retry interval expired; SHALL NOT respond to CSMS messages)`);
        } else if (reg === 'Pending' && type === 'CALL') {
            if (action === 'BootNotification') {
                const waited = Date.now() - st.bootAnsweredAt;
                if (st.bootInterval > 0 && waited < st.bootInterval * 1000 - 50) {
                    this._warning(st.identity, `BootNotification ${waited} ms after Pending with interval ${st.bootInterval} s (OCPP 1.6 §4.2: SHOULD NOT send earlier)`);
                }
                return;
            }
            if (!st.triggered.has(action)) {
                this._violation(st.identity, 'boot', `CALL ${action} while Pending and not triggered (OCPP 1.6 §4.2: SHALL NOT send requests unless instructed by TriggerMessage)`);
            }
        }
    }

    // Rules the JSON schemas cannot express, OCPP 2.0.1: OCPP-J 2.0.1 (Part 4) §4 and
    // Part 2 B01-B03 (registration).
    _checkInbound201(st, conn, arr, rec) {
        const id = arr[1];
        const identity = st.identity;
        if (typeof id === 'string' && id.length > 36) {
            // OCPP-J 2.0.1 §4.1.4 table 4: messageId string[36].
            this._violation(identity, 'messageId', `message id longer than 36 characters (OCPP-J 2.0.1 §4.1.4): ${id.length}`, { id });
        }
        if (arr[0] === 2) {
            if (arr.length !== 4) this._violation(identity, 'frame', `CALL must have 4 elements (OCPP-J 2.0.1 §4.2.1), got ${arr.length}`);
            // OCPP-J 2.0.1 §4.1.4: a CALL id MUST differ from all ids the sender used before "on any
            // WebSocket connection using the same unique Charging Station identifier"; errata
            // 2025-09 §4.6: a message retried because no response arrived MAY keep its id. The
            // CSMS cannot tell whether its answer arrived before a connection was lost, so reuse
            // on a later connection is a warning when we had answered, and nothing when we had not.
            if (conn.callIds.has(id)) {
                this._violation(identity, 'messageId', `CALL id "${id}" reused on the same connection (OCPP-J 2.0.1 §4.1.4)`);
            } else if (st.callIdsAnswered.has(id)) {
                this._warning(identity, `CALL id "${id}" reused on a later connection although it was answered (OCPP-J 2.0.1 §4.1.4; errata 2025-09 §4.6 allows it only when no response was received)`);
            }
            conn.callIds.add(id);
            if (st.callIdsAll.size < 200000) st.callIdsAll.add(id);
            this._checkRegistration201(st, conn, rec.action, 'CALL', arr);
        } else if (arr[0] === 4) {
            // OCPP-J 2.0.1 §4.2.3 table 7: [4, id, ErrorCode (table 8), ErrorDescription string[255], ErrorDetails {}]
            if (arr.length !== 5) this._violation(identity, 'callerror', `CALLERROR must have 5 elements (OCPP-J 2.0.1 §4.2.3), got ${arr.length}`, { frame: arr });
            if (!OCPP201_ERROR_CODES.includes(arr[2])) {
                this._violation(identity, 'callerror', `errorCode "${arr[2]}" is not an OCPP-J 2.0.1 error code (§4.3 table 8)`, { frame: arr });
            }
            if (typeof arr[3] !== 'string') {
                this._violation(identity, 'callerror', 'errorDescription must be a string (OCPP-J 2.0.1 §4.2.3)', { frame: arr });
            } else if (arr[3].length > 255) {
                this._violation(identity, 'callerror', `errorDescription longer than 255 characters (OCPP-J 2.0.1 §4.2.3 table 7): ${arr[3].length}`, { frame: short(arr, 600) });
            }
            if (arr[4] === null || typeof arr[4] !== 'object' || Array.isArray(arr[4])) {
                this._violation(identity, 'callerror', 'errorDetails must be a JSON object (OCPP-J 2.0.1 §4.2.3)', { frame: arr });
            }
            this._checkRegistration201(st, conn, rec.action, 'CALLERROR', arr);
        } else {
            if (arr.length !== 3) this._violation(identity, 'frame', `CALLRESULT must have 3 elements (OCPP-J 2.0.1 §4.2.2), got ${arr.length}`);
            this._checkRegistration201(st, conn, rec.action, 'CALLRESULT', arr);
        }
    }

    _checkRegistration201(st, conn, action, type, arr) {
        const reg = st.registration;
        const identity = st.identity;
        if (reg === undefined && type === 'CALL' && action !== 'BootNotification') {
            // B01.FR.08: nothing but BootNotificationRequest between power-on and Accepted/Pending.
            // This CSMS has not seen a boot of this station; it may have booted at another CSMS
            // instance before, so only a warning.
            this._warning(identity, `CALL ${action} before any BootNotification of this station at this CSMS (OCPP 2.0.1 B01.FR.08, unless it booted earlier elsewhere)`);
            return;
        }
        if (reg === 'Rejected') {
            if (type === 'CALL' && action === 'BootNotification') {
                const waited = Date.now() - st.bootAnsweredAt;
                if (st.bootInterval > 0 && waited < st.bootInterval * 1000 - 50) {
                    this._violation(identity, 'boot', `BootNotificationRequest ${waited} ms after Rejected with interval ${st.bootInterval} s (OCPP 2.0.1 B03.FR.02: SHALL NOT send any OCPP message until the retry interval has expired; B03.FR.06)`);
                }
                return;
            }
            // B03.FR.08: the charging station SHALL answer a CSMS request with CALLERROR SecurityError.
            if (type === 'CALLERROR' && arr[2] === 'SecurityError') return;
            const rule = type === 'CALL'
                ? 'B03.FR.02: SHALL NOT send any OCPP message until the retry interval has expired'
                : 'B03.FR.08: SHALL respond to CSMS messages with CALLERROR SecurityError';
            this._violation(identity, 'boot', `${type} ${action || ''} while Rejected (OCPP 2.0.1 ${rule})`);
        } else if (reg === 'Pending' && type === 'CALL') {
            if (action === 'BootNotification') {
                if (st.triggered.delete('BootNotification')) return; // B02.FR.04 "unless requested ... with TriggerMessageRequest"
                const waited = Date.now() - st.bootAnsweredAt;
                if (st.bootInterval > 0 && waited < st.bootInterval * 1000 - 50) {
                    const msg = `BootNotificationRequest ${waited} ms after Pending with interval ${st.bootInterval} s (OCPP 2.0.1 B02.FR.04: SHALL NOT send it earlier than the interval)`;
                    // On a new connection the station may have rebooted (B01.FR.03): only a warning.
                    if (conn.number === st.bootAnsweredConnection) this._violation(identity, 'boot', msg);
                    else this._warning(identity, `${msg}; on a new connection (a reboot?)`);
                }
                return;
            }
            if (!st.triggered.has(action)) {
                this._violation(identity, 'boot', `CALL ${action} while Pending and not triggered (OCPP 2.0.1 B02.FR.02: SHALL NOT send CALL messages except BootNotificationRequest unless instructed by TriggerMessageRequest, GetBaseReportRequest or GetReportRequest)`);
            }
        }
    }

    _bootAnswered(st, result, conn) {
        st.registration = result.status;
        st.bootAnsweredAt = Date.now();
        st.bootInterval = result.interval;
        st.bootAnsweredConnection = conn ? conn.number : 0;
        if (result.status === 'Accepted') st.triggered.clear();
    }

    // ---------------------------------------------------------------- CP -> CSMS handlers

    async _dispatch(st, { method, params, messageId }, conn = {}) {
        const protocol = conn.protocol || st.protocol;
        const def = protocol === 'ocpp2.0.1' ? (...a) => this._default201(...a) : (...a) => this._default(...a);
        const ctx = {
            identity: st.identity, action: method, params, messageId, station: st, csms: this, protocol,
            fallback: () => def(st, method, params),
        };
        if (this.remoteStart && protocol !== 'ocpp2.0.1') this._watchRemoteStart(st, method, params);
        for (let i = this.overrides.length - 1; i >= 0; i--) {
            const o = this.overrides[i];
            if (o.action !== method || (o.identity !== '*' && o.identity !== st.identity) || o.times <= 0) continue;
            o.times -= 1;
            return o.fn(ctx);
        }
        // OCPP-J 1.6 errata §3.10 (5.6): CALLs other than BootNotification before Accepted -> SecurityError.
        // OCPP 2.0.1 B01.FR.10, B02.FR.09 (Pending: unless triggered), B03.FR.07 (Rejected): the same.
        if ((st.registration === 'Pending' || st.registration === 'Rejected')
            && method !== 'BootNotification' && !st.triggered.has(method)) {
            throw createRPCError('SecurityError', `${st.identity} is not accepted (${st.registration})`);
        }
        return def(st, method, params);
    }

    /** OCPP 2.0.1 IdTokenInfoType from the idTag policy (1.6 idTagInfo fields are translated). */
    _idTokenInfo(st, idToken) {
        const { status, expiryDate, parentIdTag, ...rest } = this._idTagInfo(st, idToken && idToken.idToken);
        const info = { status: status || 'Accepted' };
        if (expiryDate) info.cacheExpiryDateTime = expiryDate;
        if (parentIdTag) info.groupIdToken = { idToken: parentIdTag, type: 'Central' };
        return { ...info, ...rest };
    }

    // OCPP 2.0.1 default answers (valid per the 2.0.1 schemas).
    _default201(st, action, p) {
        const now = isoNow();
        switch (action) {
            case 'BootNotification': {
                // B01.FR.02: the CSMS SHALL respond whether it accepts the station.
                const q = st.bootQueue || this.bootDefault;
                const a = q.length > 1 ? q.shift() : (q[0] || { status: 'Accepted' });
                return { currentTime: now, interval: this.opts.interval, status: 'Accepted', ...a };
            }
            case 'Heartbeat':
                return { currentTime: now }; // G02.FR.03
            case 'Authorize':
                return { idTokenInfo: this._idTokenInfo(st, p.idToken) };
            case 'TransactionEvent':
                return p.idToken ? { idTokenInfo: this._idTokenInfo(st, p.idToken) } : {};
            case 'DataTransfer':
                return { status: 'UnknownVendorId' };
            case 'SignCertificate':
                return { status: 'Rejected' };
            case 'NotifyEVChargingNeeds':
                return { status: 'Rejected' };
            case 'NotifyEVChargingSchedule':
                return { status: 'Rejected' };
            case 'Get15118EVCertificate':
                return { status: 'Failed', exiResponse: '' };
            case 'GetCertificateStatus':
                return { status: 'Failed' };
            case 'StatusNotification':
            case 'NotifyReport':
            case 'NotifyEvent':
            case 'NotifyMonitoringReport':
            case 'SecurityEventNotification':
            case 'MeterValues':
            case 'FirmwareStatusNotification':
            case 'LogStatusNotification':
            case 'ClearedChargingLimit':
            case 'NotifyChargingLimit':
            case 'NotifyCustomerInformation':
            case 'NotifyDisplayMessages':
            case 'PublishFirmwareStatusNotification':
            case 'ReportChargingProfiles':
            case 'ReservationStatusUpdate':
                return {};
            default:
                this._violation(st.identity, 'direction', `charging station sent ${action}, which is not a CS->CSMS action (OCPP 2.0.1)`);
                throw createRPCError('NotSupported', `${action} is not handled by a CSMS`);
        }
    }

    _idTagInfo(st, idTag) {
        const pick = (m) => m && (Object.hasOwn(m, idTag) ? m[idTag] : undefined);
        return pick(st.idTags) || pick(this.idTagsDefault) || (st.idTags && st.idTags['*'])
            || this.idTagsDefault['*'] || { status: 'Accepted' };
    }

    _default(st, action, p) {
        const now = isoNow();
        switch (action) {
            case 'BootNotification': {
                const q = st.bootQueue || this.bootDefault;
                const a = q.length > 1 ? q.shift() : (q[0] || { status: 'Accepted' });
                return { status: 'Accepted', currentTime: now, interval: this.opts.interval, ...a };
            }
            case 'Heartbeat':
                return { currentTime: now };
            case 'Authorize':
                return { idTagInfo: this._idTagInfo(st, p.idTag) };
            case 'StartTransaction':
                return { transactionId: this.nextTransactionId++, idTagInfo: this._idTagInfo(st, p.idTag) };
            case 'StopTransaction':
                return p.idTag ? { idTagInfo: this._idTagInfo(st, p.idTag) } : {};
            case 'DataTransfer':
                return { status: 'UnknownVendorId' };
            case 'SignCertificate':
                return { status: 'Rejected' };
            case 'StatusNotification':
            case 'MeterValues':
            case 'DiagnosticsStatusNotification':
            case 'FirmwareStatusNotification':
            case 'LogStatusNotification':
            case 'SecurityEventNotification':
            case 'SignedFirmwareStatusNotification':
                return {};
            default:
                this._violation(st.identity, 'direction', `charge point sent ${action}, which is not a CP->CSMS action`);
                throw createRPCError('NotImplemented', `${action} is not handled by a central system`);
        }
    }

    // ---------------------------------------------------------------- control API

    async _api(req, res) {
        const send = (status, obj) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(`${JSON.stringify(obj)}\n`);
        };
        if (!isLoopback(req.socket.remoteAddress) && isIP(req.socket.remoteAddress)) return send(403, { error: 'loopback only' });
        const url = new URL(req.url, 'http://localhost');
        const body = async () => {
            let s = '';
            for await (const chunk of req) {
                s += chunk;
                if (s.length > 4 << 20) throw new Error('body too large');
            }
            return s ? JSON.parse(s) : {};
        };
        const route = `${req.method} ${url.pathname}`;
        switch (route) {
            case 'GET /api/messages': {
                const since = Number(url.searchParams.get('since') || 0);
                return send(200, this.records.slice(since));
            }
            case 'GET /api/clients':
                return send(200, [...this.stations.values()].map((s) => ({
                    identity: s.identity, connected: !!s.client, connections: s.connections,
                    registration: s.registration ?? null, protocol: s.client ? s.client.protocol : null, ...s.info,
                })));
            case 'GET /api/violations':
                return send(200, this.violations);
            case 'POST /api/call': {
                const b = await body();
                const r = await this.callSettled(b.identity, b.action, b.payload ?? {}, { timeout: b.timeout });
                const status = r.error && r.error.code === 'NotConnected' ? 404 : 200;
                return send(status, r);
            }
            case 'POST /api/boot': {
                const b = await body();
                this.setBoot(b.identity ?? '*', b.answers);
                return send(200, { ok: true });
            }
            case 'POST /api/idtags': {
                const b = await body();
                this.setIdTags(b.identity ?? '*', b.idTags || {});
                return send(200, { ok: true });
            }
            case 'POST /api/error': {
                const b = await body();
                this.callError(b.action, b.code, { times: b.times ?? 1, identity: b.identity ?? '*', description: b.description });
                return send(200, { ok: true });
            }
            default:
                return send(404, { error: `no route ${route}` });
        }
    }
}

/**
 * Start a dev CSMS. opts: port (0 = free), host ('127.0.0.1'), path ('/ocpp'),
 * tls {cert, key} (PEM text or file paths), auth {'CP-1': 'key', '*': 'key'},
 * interval (boot interval, 300), boot ([answers] for all CPs), idTags ({idTag: idTagInfo}),
 * log (JSON Lines file), verbose (readable lines on stderr), callTimeoutMs, pingIntervalMs,
 * protocols (subprotocols to agree to, default ['ocpp1.6', 'ocpp2.0.1']),
 * remoteStart ({idTag, delayMs}: RemoteStartTransaction for a Preparing connector, setRemoteStart()).
 */
export async function startCsms(opts = {}) {
    const csms = new Csms(opts);
    await csms.listen(opts.port || 0);
    return csms;
}
