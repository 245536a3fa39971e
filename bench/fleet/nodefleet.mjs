// The comparison fleet of the fleet bench: N OCPP 1.6-J charge points as npm `ocpp-rpc` clients in
// one Node process, the way a CSMS team would write a load generator. Each client connects as
// <prefix>-NNNN (the identities of `ocpp-sim --stations N --id <prefix>`), sends a BootNotification,
// a StatusNotification Available for connector 0 and each connector (like ocpp-sim), then a
// Heartbeat every `interval` seconds of its BootNotification answer. ocpp-rpc's defaults otherwise
// (no strict validation, WebSocket ping every 30 s, reconnect on).
//
//   node bench/fleet/nodefleet.mjs --url ws://127.0.0.1:PORT/ocpp --stations N [--id CP]
//                                  [--connectors 2]
//
// --sessions IDLE:LENGTH[:METER] (seconds) adds a session generator: on connector 1 each station waits
// an exponentially distributed idle time (mean IDLE), then Authorize, StatusNotification Preparing,
// StartTransaction, Charging, MeterValues (Energy.Active.Import.Register) every METER seconds (default
// 60), after LENGTH seconds StopTransaction, Finishing, Available, and again. --seed S (1) fixes the
// random idle times: station i draws them from splitmix64 seeded with (S, i) exactly as ocpp-sim's
// transaction generator does (apps/simulator/gen.c: the idle time, then the six draws of a
// session's decisions, used or not), so with the same seed station i of both fleets waits the same
// idle times, to the millisecond (up to the floating-point rounding of log1p).
//
// Prints "fleet: ready" once ocpp-rpc is loaded and every client is created (with --stations 0:
// the baseline of the process), then starts them all at once. A line "stats" on stdin prints one
// JSON line: booted, connected, CALLs sent and answered, and per action the client-side response
// time (p50/p95/p99, microseconds). SIGTERM/SIGINT stop it.

import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { serveStdio } from '../../tools/csms/sink.mjs';

const require = createRequire(import.meta.url);
const { RPCClient } = require('ocpp-rpc');

const args = parseArgs({
    options: {
        url: { type: 'string' },
        stations: { type: 'string', default: '1' },
        id: { type: 'string', default: 'CP' },
        connectors: { type: 'string', default: '2' },
        sessions: { type: 'string' },
        seed: { type: 'string', default: '1' },
    },
}).values;
const n = Number(args.stations);
const connectors = Number(args.connectors);
const gen = args.sessions ? args.sessions.split(':').map(Number) : null;
const seed = Number(args.seed);
if (!args.url || !Number.isInteger(n) || n < 0 || !Number.isInteger(connectors) || connectors < 1 || !Number.isInteger(seed) ||
    (gen && (gen.length < 2 || gen.length > 3 || gen.some((v) => !(v > 0))))) {
    process.stderr.write('usage: nodefleet.mjs --url URL --stations N [--id CP] [--connectors 2] [--sessions IDLE:LENGTH[:METER]] [--seed S]\n');
    process.exit(2);
}

let sent = 0;
let answered = 0;
let failed = 0;
let booted = 0;
let connected = 0;
const latency = new Map(); // action -> [ms]

async function call(cli, action, payload) {
    const t0 = performance.now();
    sent++;
    try {
        const r = await cli.call(action, payload);
        answered++;
        let a = latency.get(action);
        if (!a) latency.set(action, (a = []));
        if (a.length < 1e6) a.push(performance.now() - t0);
        return r;
    } catch {
        failed++;
        return undefined;
    }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let sessions = 0;

/** splitmix64, as sim_gen_seed_station() / sim_gen_next() / sim_gen_unit() in apps/simulator/gen.c. */
const M64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
function mix64(z) {
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
}
function rng(seedValue, index) {
    let st = mix64((mix64(BigInt.asUintN(64, BigInt(seedValue))) + BigInt(index + 1) * GOLDEN) & M64);
    const next = () => {
        st = (st + GOLDEN) & M64;
        return mix64(st);
    };
    return { next, unit: () => Number(next() >> 11n) / 9007199254740992 };
}

/** The idle time (ms) and the session draws of ocpp-sim's generator (sim_gen_draw_idle, _session). */
function drawIdle(r, meanMs) {
    const x = -meanMs * Math.log1p(-r.unit());
    const ms = Math.floor(Math.min(x, meanMs * 20));
    r.next(); // connector
    r.unit(); // remote or not
    r.next(); // card
    r.next(); // EV
    r.next(); // initial SoC
    r.unit(); // length
    return ms;
}

async function generator(cli, index) {
    const [idle, length, meterEvery = 60] = gen;
    const rand = rng(seed, index);
    const idleMs = Math.max(1, Math.round(idle * 1000));
    const idTag = `T${String(index + 1).padStart(6, '0')}`;
    let wh = 0;
    const now = () => new Date().toISOString();
    const status = (s) => call(cli, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: s });
    for (;;) {
        await sleep(drawIdle(rand, idleMs));
        const auth = await call(cli, 'Authorize', { idTag });
        if (!auth || auth.idTagInfo.status !== 'Accepted') continue;
        await status('Preparing');
        const start = await call(cli, 'StartTransaction', { connectorId: 1, idTag, meterStart: wh, timestamp: now() });
        if (!start) {
            await status('Available');
            continue;
        }
        sessions++;
        await status('Charging');
        const end = Date.now() + length * 1000;
        while (Date.now() < end) {
            await sleep(Math.min(meterEvery * 1000, end - Date.now()));
            wh += Math.round(11000 * Math.min(meterEvery, length) / 3600);
            await call(cli, 'MeterValues', {
                connectorId: 1,
                transactionId: start.transactionId,
                meterValue: [{ timestamp: now(), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
            });
        }
        await call(cli, 'StopTransaction', { transactionId: start.transactionId, idTag, meterStop: wh, timestamp: now(), reason: 'Local' });
        await status('Finishing');
        await status('Available');
    }
}

async function station(cli, index) {
    cli.on('open', () => connected++);
    cli.on('close', () => connected--);
    await cli.connect();
    for (;;) {
        const boot = await call(cli, 'BootNotification', { chargePointVendor: 'ocpp-c', chargePointModel: 'ocpp-rpc-fleet' });
        if (boot && boot.status === 'Accepted') {
            booted++;
            for (let c = 0; c <= connectors; c++) {
                await call(cli, 'StatusNotification', { connectorId: c, errorCode: 'NoError', status: 'Available' });
            }
            const every = Math.max(1, Number(boot.interval) || 60) * 1000;
            setInterval(() => call(cli, 'Heartbeat', {}), every);
            if (gen) await generator(cli, index);
            return;
        }
        await new Promise((r) => setTimeout(r, Math.max(1, Number(boot && boot.interval) || 10) * 1000));
    }
}

const clients = [];
for (let i = 0; i < n; i++) {
    const identity = `${args.id}-${String(i + 1).padStart(4, '0')}`;
    clients.push(new RPCClient({ endpoint: args.url, identity, protocols: ['ocpp1.6'] }));
}

function q(sorted, p) {
    return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] * 1000) : 0;
}

serveStdio(() => {
    const actions = {};
    for (const [name, a] of latency) {
        const s = [...a].sort((x, y) => x - y);
        actions[name] = { count: s.length, p50Us: q(s, 0.5), p95Us: q(s, 0.95), p99Us: q(s, 0.99) };
    }
    return { booted, connected, sent, answered, failed, sessions, actions };
}, () => latency.clear(), () => process.exit(0));
process.stdout.write('fleet: ready\n');
clients.forEach((cli, i) => station(cli, i).catch(() => failed++));
