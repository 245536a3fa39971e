// The dev CSMS (tools/csms, ocpp-rpc strictMode) as a process of the fleet bench: the same
// command-line and stdin/stdout protocol as tools/csms/sink.mjs ("csms: URL" once listening; a line
// "stats" on stdin prints one JSON line, "count" the counters only; "reset" zeroes the counters), so bench/fleet/fleet.mjs
// measures both CSMSes alike. The counts come from the dev CSMS's own records (a CALL received from
// a charge point, its answer, the time between them in milliseconds) and its violations.
//
//   node bench/fleet/devcsms.mjs [--interval 60]

import { parseArgs } from 'node:util';
import { startCsms } from '../../tools/csms/csms.mjs';
import { serveStdio } from '../../tools/csms/sink.mjs';

const args = parseArgs({ options: { interval: { type: 'string', default: '60' } } }).values;
const interval = Number(args.interval);
if (!Number.isInteger(interval) || interval < 1) {
    process.stderr.write('devcsms: --interval must be a whole number of seconds >= 1\n');
    process.exit(2);
}
const csms = await startCsms({ port: 0, interval, verbose: false });

let scanned = 0; // records looked at
let since = Date.now();
let actions = new Map(); // action -> { count, ms: [] }
let calls = 0;
let answers = 0;
const pending = new Map(); // identity + ' ' + id -> arrival time (ms) of a CALL from a station
const booted = new Set();

function scan() {
    const recs = csms.records;
    for (; scanned < recs.length; scanned++) {
        const r = recs[scanned];
        if (r.typeNo === 2 && r.dir === 'in') {
            calls++;
            pending.set(`${r.identity} ${r.id}`, r.t);
            let a = actions.get(r.action);
            if (!a) {
                a = { count: 0, ms: [] };
                actions.set(r.action, a);
            }
            a.count++;
        } else if ((r.typeNo === 3 || r.typeNo === 4) && r.dir === 'out') {
            const key = `${r.identity} ${r.id}`;
            const t = pending.get(key);
            if (t === undefined) continue;
            pending.delete(key);
            answers++;
            const a = actions.get(r.action);
            if (a && a.ms.length < 1e6) a.ms.push(r.t - t);
            if (r.action === 'BootNotification' && r.typeNo === 3 && r.payload && r.payload.status === 'Accepted') {
                booted.add(r.identity);
            }
        }
    }
    // The records are the dev CSMS's log: drop what was counted (it keeps no reference to them).
    if (scanned > 100000) {
        recs.splice(0, scanned);
        scanned = 0;
    }
}

function quantileUs(sorted, q) {
    if (!sorted.length) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] * 1000;
}

function counts() {
    scan();
    const all = [...csms.stations.values()];
    return {
        calls,
        answers,
        connected: all.filter((s) => s.client).length,
        connections: all.reduce((n, s) => n + (s.connections || 0), 0),
        booted: booted.size,
    };
}

function stats() {
    scan();
    const out = {};
    for (const [name, a] of actions) {
        const s = [...a.ms].sort((x, y) => x - y);
        const sum = s.reduce((x, y) => x + y, 0);
        out[name] = {
            count: a.count,
            meanUs: s.length ? Math.round((sum / s.length) * 1000) : 0,
            p50Us: quantileUs(s, 0.5),
            p95Us: quantileUs(s, 0.95),
            p99Us: quantileUs(s, 0.99),
        };
    }
    const all = [...csms.stations.values()];
    const connected = all.filter((s) => s.client).length;
    const connections = all.reduce((n, s) => n + (s.connections || 0), 0);
    return {
        since,
        now: Date.now(),
        calls,
        answers,
        connected,
        connections,
        booted: booted.size,
        violations: csms.violations.length,
        firstViolations: csms.violations.slice(0, 3).map((v) => `${v.identity || ''}: ${v.message || v.kind || JSON.stringify(v).slice(0, 200)}`),
        actions: out,
    };
}

function reset() {
    scan();
    since = Date.now();
    actions = new Map();
    calls = 0;
    answers = 0;
}

process.stdout.write(`csms: ${csms.url}\n`);
let stopping = false;
serveStdio(stats, reset, async () => {
    if (stopping) return;
    stopping = true;
    await csms.stop({ force: true });
    process.exit(0);
}, counts);
