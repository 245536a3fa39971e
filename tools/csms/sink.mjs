#!/usr/bin/env node
// Fast sink CSMS for load tests: a minimal OCPP 1.6-J central system on the `ws` package (the one
// ocpp-rpc brings), with no schema validation and no message log, so that it costs as little as
// possible per message and a fleet of charge points can be measured against it. It answers every
// CALL a charge point sends with a fixed, schema-valid CALLRESULT:
//   BootNotification -> Accepted with the configured interval; Heartbeat -> currentTime;
//   Authorize / StartTransaction -> idTagInfo Accepted (StartTransaction: a new transactionId);
//   StopTransaction -> idTagInfo Accepted; StatusNotification, MeterValues, DataTransfer and the
//   notifications -> {} (DataTransfer: status Accepted); any other action -> CALLERROR NotImplemented.
// It sends no CALL of its own and no WebSocket pings. It counts, per action, the CALLs received and
// the time from the arrival of a frame to the return of ws.send() for its answer (microseconds).
//
//   node tools/csms/sink.mjs [--port 0] [--host 127.0.0.1] [--path /ocpp] [--interval 60]
//
// Prints one line "sink: ws://127.0.0.1:<port>/ocpp" on stdout once listening (the charge point
// appends /<identity>). Each line "stats" on stdin prints one JSON line of statistics on stdout
// (see Sink.stats()); "reset" zeroes the counters. GET /stats on the same port returns the same JSON.
// SIGINT/SIGTERM stop it.
//
// As a module: const sink = await startSink({ port: 0, interval: 60 }); sink.url; sink.stats();
// await sink.stop();

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
let WebSocketServer;
try {
    ({ WebSocketServer } = require('ws'));
} catch {
    // ws is a dependency of ocpp-rpc: with an older npm it may sit under ocpp-rpc/node_modules.
    ({ WebSocketServer } = createRequire(require.resolve('ocpp-rpc'))('ws'));
}

const ACCEPTED = { idTagInfo: { status: 'Accepted' } };
const EMPTY = {};
// Latency histogram: bucket i holds answers that took [2^(i-1), 2^i) microseconds (bucket 0: < 1).
const BUCKETS = 32;

class ActionStats {
    constructor() {
        this.count = 0;
        this.sumUs = 0;
        this.hist = new Array(BUCKETS).fill(0);
    }

    add(us) {
        this.count++;
        this.sumUs += us;
        const b = us < 1 ? 0 : Math.min(BUCKETS - 1, 32 - Math.clz32(Math.floor(us)));
        this.hist[b]++;
    }

    /** Upper bound (µs) of the bucket holding the q-quantile. */
    quantile(q) {
        const want = Math.ceil(q * this.count);
        let seen = 0;
        for (let i = 0; i < BUCKETS; i++) {
            seen += this.hist[i];
            if (seen >= want && want > 0) return i === 0 ? 1 : 2 ** i;
        }
        return 0;
    }
}

export class Sink {
    constructor(opts = {}) {
        this.opts = { host: '127.0.0.1', port: 0, path: '/ocpp', interval: 60, ...opts };
        this.port = 0;
        this.nextTransactionId = 1;
        this.reset();
        this.connected = 0;
        this.connections = 0;
        this.identities = new Set(); // stations that sent an accepted BootNotification
    }

    get url() {
        return `ws://${this.opts.host}:${this.port}${this.opts.path}`;
    }

    reset() {
        this.actions = new Map();
        this.calls = 0; // CALLs received
        this.answers = 0; // CALLRESULT/CALLERROR sent
        this.bad = 0; // frames that were not a CALL we could read
        this.since = Date.now();
    }

    /** Counters since the last reset, and the connection state. */
    stats() {
        const actions = {};
        for (const [name, a] of this.actions) {
            actions[name] = {
                count: a.count,
                meanUs: a.count ? Math.round(a.sumUs / a.count) : 0,
                p50Us: a.quantile(0.5),
                p95Us: a.quantile(0.95),
                p99Us: a.quantile(0.99),
            };
        }
        return {
            since: this.since,
            now: Date.now(),
            calls: this.calls,
            answers: this.answers,
            bad: this.bad,
            connected: this.connected,
            connections: this.connections,
            booted: this.identities.size,
            actions,
        };
    }

    _answer(action, identity, payload) {
        switch (action) {
            case 'BootNotification':
                this.identities.add(identity);
                return { status: 'Accepted', currentTime: new Date().toISOString(), interval: this.opts.interval };
            case 'Heartbeat':
                return { currentTime: new Date().toISOString() };
            case 'Authorize':
            case 'StopTransaction':
                return ACCEPTED;
            case 'StartTransaction':
                return { transactionId: this.nextTransactionId++, idTagInfo: { status: 'Accepted' } };
            case 'DataTransfer':
                return { status: 'Accepted' };
            case 'StatusNotification':
            case 'MeterValues':
            case 'DiagnosticsStatusNotification':
            case 'FirmwareStatusNotification':
            case 'LogStatusNotification':
            case 'SecurityEventNotification':
            case 'SignedFirmwareStatusNotification':
                return EMPTY;
            default:
                void payload;
                return undefined;
        }
    }

    _onMessage(ws, identity, data) {
        const t0 = process.hrtime.bigint();
        let msg;
        try {
            msg = JSON.parse(data);
        } catch {
            this.bad++;
            return;
        }
        if (!Array.isArray(msg) || msg[0] !== 2 || typeof msg[1] !== 'string' || typeof msg[2] !== 'string') {
            if (!(Array.isArray(msg) && (msg[0] === 3 || msg[0] === 4))) this.bad++;
            return; // answers to CALLs we never send: ignored
        }
        const [, id, action, payload] = msg;
        this.calls++;
        const result = this._answer(action, identity, payload);
        const out = result === undefined
            ? [4, id, 'NotImplemented', `${action} is not handled by the sink`, {}]
            : [3, id, result];
        ws.send(JSON.stringify(out));
        this.answers++;
        let a = this.actions.get(action);
        if (!a) {
            a = new ActionStats();
            this.actions.set(action, a);
        }
        a.add(Number(process.hrtime.bigint() - t0) / 1000);
    }

    async listen() {
        const http = createServer((req, res) => {
            if (req.method === 'GET' && req.url === '/stats') {
                res.writeHead(200, { 'content-type': 'application/json' });
                res.end(`${JSON.stringify(this.stats())}\n`);
                return;
            }
            res.writeHead(404).end();
        });
        const wss = new WebSocketServer({
            noServer: true,
            perMessageDeflate: false,
            clientTracking: false,
            handleProtocols: (protocols) => (protocols.has('ocpp1.6') ? 'ocpp1.6' : false),
        });
        const prefix = `${this.opts.path.replace(/\/$/, '')}/`;
        http.on('upgrade', (req, socket, head) => {
            const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
            const identity = path.startsWith(prefix) ? path.slice(prefix.length) : '';
            if (!identity || identity.includes('/')) {
                socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
                return;
            }
            wss.handleUpgrade(req, socket, head, (ws) => {
                this.connected++;
                this.connections++;
                this.sockets.add(ws);
                ws.on('message', (data, isBinary) => {
                    if (isBinary) this.bad++;
                    else this._onMessage(ws, identity, data.toString());
                });
                ws.on('error', () => {});
                ws.on('close', () => {
                    this.connected--;
                    this.sockets.delete(ws);
                });
            });
        });
        this.sockets = new Set();
        await new Promise((resolve, reject) => {
            http.once('error', reject);
            http.listen({ port: this.opts.port, host: this.opts.host, backlog: 4096 }, resolve);
        });
        this.http = http;
        this.wss = wss;
        this.port = http.address().port;
        return this;
    }

    async stop() {
        if (!this.http) return;
        for (const ws of this.sockets) ws.terminate();
        const closed = new Promise((r) => this.http.close(() => r()));
        this.http.closeAllConnections?.();
        await closed;
        this.http = null;
    }
}

/** Start a sink CSMS. opts: port (0 = free), host ('127.0.0.1'), path ('/ocpp'), interval (s, 60). */
export async function startSink(opts = {}) {
    return new Sink(opts).listen();
}

/**
 * The stdin/stdout protocol of the command line (shared with bench/fleet): a line "stats" prints
 * statsFn() as one JSON line, "count" countFn() (cheap counters, for polling; statsFn() without
 * it), "reset" calls resetFn().
 */
export function serveStdio(statsFn, resetFn, stop, countFn = statsFn) {
    process.stdin.on('error', () => {});
    let buf = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i).trim();
            buf = buf.slice(i + 1);
            if (line === 'stats') process.stdout.write(`${JSON.stringify(statsFn())}\n`);
            else if (line === 'count') process.stdout.write(`${JSON.stringify(countFn())}\n`);
            else if (line === 'reset') {
                resetFn();
                process.stdout.write('{"reset":true}\n');
            }
        }
    });
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
    const usage = 'usage: sink.mjs [--port N] [--host 127.0.0.1] [--path /ocpp] [--interval S]';
    let args;
    try {
        args = parseArgs({
            options: {
                port: { type: 'string', default: '0' },
                host: { type: 'string', default: '127.0.0.1' },
                path: { type: 'string', default: '/ocpp' },
                interval: { type: 'string', default: '60' },
                help: { type: 'boolean', short: 'h', default: false },
            },
        }).values;
    } catch (err) {
        process.stderr.write(`${err.message}\n${usage}\n`);
        process.exit(2);
    }
    if (args.help) {
        process.stdout.write(`${usage}\n`);
        process.exit(0);
    }
    const port = Number(args.port);
    const interval = Number(args.interval);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(interval) || interval < 1) {
        process.stderr.write(`--port must be 0..65535 and --interval a whole number of seconds >= 1\n${usage}\n`);
        process.exit(2);
    }
    const sink = await startSink({ port, host: args.host, path: args.path, interval });
    process.stdout.write(`sink: ${sink.url}\n`);
    let stopping = false;
    serveStdio(() => sink.stats(), () => sink.reset(), async () => {
        if (stopping) return;
        stopping = true;
        await sink.stop();
        process.exit(0);
    });
}
