// Fleet bench (issue 16): N charge points of `ocpp-sim --stations N` and the same fleet as npm
// `ocpp-rpc` clients in one Node process (bench/fleet/nodefleet.mjs), each against the fast sink
// CSMS (tools/csms/sink.mjs) and the dev CSMS (tools/csms, strict; bench/fleet/devcsms.mjs), one
// after the other, every one a separate process measured from /proc:
//   - boot time: from the start of the fleet's process until the CSMS accepted N BootNotifications;
//   - memory per station: VmRSS at the end of the steady window minus the same program's baseline
//     (ocpp-sim with 1 station, the Node fleet with 0), divided by the stations added (VmHWM too);
//   - CPU per message: utime+stime of the fleet over the steady window divided by the CALLs the CSMS
//     counted in it; the same for the CSMS;
//   - idle CPU share: the fleet's (and the CSMS's) CPU time over the window's wall time.
// The steady window starts once the fleet booted and sent its StatusNotifications (or after
// --settle seconds more); during it the stations only send Heartbeats (every --interval seconds).
// A window that is a whole number of intervals holds the same number of heartbeats per station
// whatever their phase (otherwise the count, and the CPU per message, depend on where it falls).
//
//   node bench/fleet/fleet.mjs --sim build-bench-fleet/ocpp-sim [--stations 1000] [--interval 10]
//       [--duration 30] [--settle 5] [--connectors 2] [--csms sink,dev] [--fleets sim,node]
//       [--sessions IDLE:LENGTH[:METER]] [--seed S] [--markdown | --write-docs] [--json FILE]
// --sessions: both fleets run charging sessions: the Node fleet its own (bench/fleet/nodefleet.mjs),
// ocpp-sim its transaction generator with the same settings (simGen() below); with the same --seed,
// station i of both fleets waits the same idle times (both draw them from splitmix64 seeded with
// the seed and i, in the same order).
//   node bench/fleet/fleet.mjs --from-json FILE [--markdown | --write-docs]   (tables of a saved run)
// bench/fleet/run.sh builds ocpp-sim (Release), raises the open-files limit and runs this.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const usage = `usage: fleet.mjs --sim PATH [--stations N] [--interval S] [--duration S] [--settle S]
                 [--connectors N] [--csms sink,dev] [--fleets sim,node] [--sessions IDLE:LENGTH[:METER]]
                 [--seed S] [--markdown | --write-docs] [--json FILE]
       fleet.mjs --from-json FILE [--markdown | --write-docs]`;

let args;
try {
    args = parseArgs({
        options: {
            sim: { type: 'string' },
            stations: { type: 'string', default: '1000' },
            interval: { type: 'string', default: '10' },
            duration: { type: 'string', default: '20' },
            settle: { type: 'string', default: '5' },
            connectors: { type: 'string', default: '2' },
            csms: { type: 'string', default: 'sink,dev' },
            fleets: { type: 'string', default: 'sim,node' },
            markdown: { type: 'boolean', default: false },
            'write-docs': { type: 'boolean', default: false },
            sessions: { type: 'string' },
            seed: { type: 'string', default: '1' },
            json: { type: 'string' },
            'from-json': { type: 'string' },
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
const from = args['from-json'] ? JSON.parse(readFileSync(args['from-json'], 'utf8')) : null;
const N = from ? from.stations : Number(args.stations);
const interval = from ? from.interval : Number(args.interval);
const duration = from ? from.duration : Number(args.duration);
const settle = Number(args.settle);
const connectors = from ? from.connectors : Number(args.connectors);
const csmsKinds = from ? [...new Set(from.rows.map((r) => r.csms))] : args.csms.split(',').filter(Boolean);
const sessions = from ? from.sessions : args.sessions;
const seed = Number(args.seed);
const fleetKinds = from ? [...new Set(from.rows.map((r) => r.fleetKind))] : args.fleets.split(',').filter(Boolean);
const bad = !from && (
    !Number.isInteger(N) || N < 2 || !Number.isInteger(interval) || interval < 1 || !(duration > 0) || !(settle >= 0) ||
    !Number.isInteger(connectors) || connectors < 1 || !Number.isInteger(seed) ||
    (sessions && !/^\d+(\.\d+)?:\d+(\.\d+)?(:\d+(\.\d+)?)?$/.test(sessions)) ||
    !csmsKinds.length || csmsKinds.some((k) => !['sink', 'dev'].includes(k)) ||
    !fleetKinds.length || fleetKinds.some((k) => !['sim', 'node'].includes(k)) ||
    (fleetKinds.includes('sim') && !args.sim));
if (bad) {
    process.stderr.write(`fleet: bad arguments (--stations >= 2; --sim PATH for the sim fleet)\n${usage}\n`);
    process.exit(2);
}
if (!from && duration % interval !== 0) {
    process.stderr.write(`fleet: note: --duration ${duration} is not a multiple of --interval ${interval}: the heartbeats counted depend on their phase\n`);
}
if (!from && args.sim && !existsSync(args.sim)) {
    process.stderr.write(`fleet: ${args.sim} not found (bench/fleet/run.sh builds it)\n`);
    process.exit(2);
}

const CLK_TCK = (() => {
    try {
        return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
    } catch {
        return 100;
    }
})();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (s) => process.stderr.write(`fleet: ${s}\n`);

// ------------------------------------------------------------------ /proc

function cpuSeconds(pid) {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime, stime: fields 14, 15
}

function memKb(pid) {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [])[1] || 0);
    return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

/** What limits a larger fleet on this machine: open files and the ephemeral ports of one address. */
function limits() {
    const lim = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\S+)\s+(\S+)/m) || [];
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return { nofileSoft: lim[1], nofileHard: lim[2], ports: hi - lo + 1, portRange: `${lo}-${hi}` };
}

// ------------------------------------------------------------------ processes

/** A child process with the line protocol of sink.mjs: ready line, then "stats" -> one JSON line. */
function child(name, cmd, argv, readyRe) {
    const proc = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const tail = [];
    const waiters = [];
    let buf = '';
    let ready;
    const readyP = new Promise((res, rej) => {
        ready = { res, rej };
    });
    readyP.catch(() => {}); // handled by whoever awaits ready()
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            const m = readyRe && line.match(readyRe);
            if (m) ready.res(m);
            else if (line.startsWith('{') && waiters.length) waiters.shift()(JSON.parse(line));
        }
    });
    proc.stderr.setEncoding('utf8');
    const notes = []; // "ocpp-sim: ..." lines: the reason it stopped, before a usage text
    proc.stderr.on('data', (chunk) => {
        const lines = chunk.split('\n').filter(Boolean);
        tail.push(...lines);
        tail.splice(0, Math.max(0, tail.length - 20));
        notes.push(...lines.filter((l) => /^ocpp-sim: /.test(l)));
        notes.splice(0, Math.max(0, notes.length - 3));
    });
    const why = () => (notes.length ? notes : tail.slice(-5)).join(' | ');
    proc.stdin.on('error', () => {});
    const exited = new Promise((r) => proc.once('exit', (code, sig) => r({ code, sig })));
    exited.then(({ code, sig }) => ready.rej(new Error(`${name} exited (${sig || code}) before it was ready: ${why()}`)));
    return {
        name,
        proc,
        pid: proc.pid,
        tail,
        why,
        exited,
        alive: () => proc.exitCode === null && proc.signalCode === null,
        ready: () => (readyRe ? readyP : Promise.resolve([])),
        ask: (what = 'stats') => new Promise((res, rej) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return rej(new Error(`${name} is not running: ${why()}`));
            waiters.push(res);
            proc.stdin.write(`${what}\n`);
        }),
        async stop() {
            if (proc.exitCode === null && proc.signalCode === null) {
                proc.kill('SIGKILL');
                await exited;
            }
        },
    };
}

const children = new Set();
function track(c) {
    children.add(c);
    c.exited.then(() => children.delete(c));
    return c;
}
function killAll() {
    for (const c of children) c.proc.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {
    killAll();
    process.exit(130);
});

async function startCsms(kind) {
    const script = kind === 'sink' ? join(root, 'tools/csms/sink.mjs') : join(here, 'devcsms.mjs');
    const c = track(child(`${kind} CSMS`, process.execPath, [script, '--interval', String(interval)], /^(?:sink|csms): (\S+)/));
    const m = await c.ready();
    c.url = m[1];
    return c;
}

/**
 * ocpp-sim's generator options for --sessions IDLE:LENGTH[:METER], the Node fleet's settings:
 * exponential idle times of mean IDLE s, sessions of exactly LENGTH s, MeterValues with the
 * energy register every METER s (60), local starts with a card (one per station), no remote starts.
 */
function simGen(n) {
    if (!sessions || n < 2) return [];
    const [idle, length, meter = '60'] = sessions.split(':');
    return ['--gen', `idle=${idle},length=${length}:${length}:${length},cards=${n},remote=0`, '--seed', String(seed),
        '--config', `MeterValueSampleInterval=${Math.max(1, Math.round(Number(meter)))}`,
        '--config', 'MeterValuesSampledData=Energy.Active.Import.Register'];
}

let dataRoot;
function startFleet(kind, url, n, tag) {
    if (kind === 'sim') {
        const dir = join(dataRoot, tag);
        return track(child('ocpp-sim', args.sim, ['--csms', url, '--stations', String(n), '--id', 'CP', '--http', 'off',
            '--data-dir', dir, '--log-level', 'error', '--connectors', String(connectors), ...simGen(n)], null));
    }
    const gen = sessions && n > 0 ? ['--sessions', sessions, '--seed', String(seed)] : [];
    return track(child('node fleet', process.execPath, [join(here, 'nodefleet.mjs'), '--url', url, '--stations', String(n),
        '--id', 'CP', '--connectors', String(connectors), ...gen], /^fleet: ready/));
}

/** Poll the CSMS until pred(stats) or the fleet died or the time is up. */
async function until(csms, fleet, pred, timeoutMs) {
    const end = Date.now() + timeoutMs;
    let st = await csms.ask('count');
    while (!pred(st)) {
        if (!fleet.alive()) throw new Error(`${fleet.name} exited: ${fleet.why()}`);
        if (Date.now() > end) return { st, timedOut: true };
        await sleep(200);
        st = await csms.ask('count');
    }
    return { st, timedOut: false };
}

// ------------------------------------------------------------------ phases

/** Resident memory of a program with (almost) no stations: ocpp-sim with 1, the Node fleet with 0. */
async function baseline(kind, csms) {
    const n = kind === 'sim' ? 1 : 0;
    const fleet = startFleet(kind, csms.url, n, 'base');
    try {
        await fleet.ready();
        if (n) await until(csms, fleet, (s) => s.booted >= n, 20000);
        await sleep(500); // let it settle
        return { stations: n, ...memKb(fleet.pid) };
    } finally {
        await fleet.stop();
    }
}

async function phase(fleetKind, csmsKind, base) {
    const csms = await startCsms(csmsKind);
    const t0 = Date.now();
    const fleet = startFleet(fleetKind, csms.url, N, `${fleetKind}-${csmsKind}`);
    const row = { fleet: fleetKind === 'sim' ? 'ocpp-sim' : 'ocpp-rpc (Node)', fleetKind, csms: csmsKind, stations: N };
    try {
        await fleet.ready();
        const boot = await until(csms, fleet, (s) => s.booted >= N, 30000 + N * 20);
        row.booted = boot.st.booted;
        row.bootS = boot.timedOut ? null : (Date.now() - t0) / 1000;
        if (boot.timedOut) log(`${row.fleet} vs ${csmsKind}: only ${boot.st.booted}/${N} booted in time`);
        // Boot + a StatusNotification per connector and connector 0: the fleet has settled.
        const expect = N * (2 + connectors);
        await until(csms, fleet, (s) => s.calls >= expect, settle * 1000 + N * 5);
        await sleep(Math.min(settle, 2) * 1000);
        const s0 = await csms.ask();
        const f0 = cpuSeconds(fleet.pid);
        const c0 = cpuSeconds(csms.pid);
        const w0 = performance.now();
        await sleep(duration * 1000);
        if (!fleet.alive()) throw new Error(`${fleet.name} exited during the window: ${fleet.why()}`);
        // CPU first: the CSMS's answer to "stats" (its quantiles) is not part of the window.
        const f1 = cpuSeconds(fleet.pid);
        const c1 = cpuSeconds(csms.pid);
        const wall = (performance.now() - w0) / 1000;
        const s1 = await csms.ask();
        const mem = memKb(fleet.pid);
        row.connected = s1.connected;
        row.connections = s1.connections; // accepted WebSocket connections: more than N if stations reconnected
        row.rssKb = mem.rss;
        row.hwmKb = mem.hwm;
        row.kbPerStation = (mem.rss - base.rss) / (N - base.stations);
        row.hwmKbPerStation = (mem.hwm - base.hwm) / (N - base.stations);
        row.windowS = wall;
        row.messages = s1.calls - s0.calls;
        row.heartbeats = ((s1.actions.Heartbeat || {}).count || 0) - ((s0.actions.Heartbeat || {}).count || 0);
        row.fleetCpuS = f1 - f0;
        row.csmsCpuS = c1 - c0;
        row.fleetCpuPct = (100 * row.fleetCpuS) / wall;
        row.csmsCpuPct = (100 * row.csmsCpuS) / wall;
        row.fleetUsPerMsg = row.messages ? (1e6 * row.fleetCpuS) / row.messages : null;
        row.csmsUsPerMsg = row.messages ? (1e6 * row.csmsCpuS) / row.messages : null;
        row.csmsActions = s1.actions;
        row.violations = s1.violations ?? null;
        if (s1.violations) log(`${row.fleet} vs dev CSMS: ${s1.violations} violation(s): ${s1.firstViolations.join(' | ')}`);
        if (fleetKind === 'node') {
            const fs = await fleet.ask();
            row.clientActions = fs.actions;
            row.sessionsStarted = fs.sessions;
        } else if (sessions) {
            row.sessionsStarted = (s1.actions.StartTransaction || {}).count || 0; // since the fleet started
        }
        return row;
    } finally {
        await fleet.stop();
        await csms.stop();
    }
}

// ------------------------------------------------------------------ report

const f = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const mb = (kb) => f(kb / 1024, 1);
const HEAD = ['fleet', 'CSMS', 'stations', 'booted', 'connections', 'boot s', 'RSS MB', 'HWM MB', 'KB/station', 'HWM KB/station',
    'msgs in window', 'fleet CPU µs/msg', 'fleet CPU % core', 'CSMS CPU µs/msg', 'CSMS CPU % core', 'violations'];
const cells = (r) => [r.fleet, r.csms === 'sink' ? 'sink' : 'dev (strict)', f(r.stations), f(r.booted), f(r.connections), f(r.bootS, 1),
    mb(r.rssKb), mb(r.hwmKb), f(r.kbPerStation, 1), f(r.hwmKbPerStation, 1), f(r.messages), f(r.fleetUsPerMsg, 0),
    f(r.fleetCpuPct, 1), f(r.csmsUsPerMsg, 0), f(r.csmsCpuPct, 1), r.violations === null ? '-' : String(r.violations)];

function ratios(rows) {
    const out = [];
    for (const c of csmsKinds) {
        const sim = rows.find((r) => r.fleetKind === 'sim' && r.csms === c);
        const node = rows.find((r) => r.fleetKind === 'node' && r.csms === c);
        if (!sim || !node) continue;
        const q = (a, b) => (a && b && b > 0 ? a / b : null);
        out.push({ csms: c, memory: q(node.kbPerStation, sim.kbPerStation), memoryHwm: q(node.hwmKbPerStation, sim.hwmKbPerStation), cpuPerMsg: q(node.fleetUsPerMsg, sim.fleetUsPerMsg),
            idleCpu: q(node.fleetCpuPct, sim.fleetCpuPct) });
    }
    return out;
}

function markdown(rows, rat, base, lim, meta) {
    const L = [];
    L.push(`| ${HEAD.join(' | ')} |`);
    L.push(`|${HEAD.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`);
    for (const r of rows) L.push(`| ${cells(r).join(' | ')} |`);
    L.push('');
    if (rat.length) {
        L.push('| Node fleet / ocpp-sim, against | memory per station (RSS) | (HWM) | CPU per message | CPU share |');
        L.push('|---|---:|---:|---:|---:|');
        for (const r of rat) L.push(`| ${r.csms === 'sink' ? 'sink' : 'dev (strict)'} | ${f(r.memory, 2)} | ${f(r.memoryHwm, 2)} | ${f(r.cpuPerMsg, 2)} | ${f(r.idleCpu, 2)} |`);
        L.push('');
    }
    L.push(`Baselines subtracted: ${base.map((b) => `${b.kind === 'sim' ? 'ocpp-sim, 1 station' : 'Node fleet, 0 stations'} ${mb(b.rss)} MB (HWM ${mb(b.hwm)} MB)`).join('; ')}.`);
    L.push(`Heartbeat interval ${interval} s, steady window ${duration} s, ${connectors} connectors per station, `
        + `${sessions ? `sessions ${sessions} (mean idle s : length s : meter values every s)` : 'no sessions (heartbeats only)'}; `
        + `${meta.cpu} (${meta.cores} cores shared by the CSMS and the fleet), node ${meta.node || process.version}; `
        + `open files ${lim.nofileSoft} (hard ${lim.nofileHard}), ephemeral ports ${lim.portRange} (${f(lim.ports)} per source address).`);
    return L.join('\n');
}

function text(rows, rat, base, lim) {
    const w = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => cells(r)[i].length)));
    const line = (c) => c.map((s, i) => (i < 2 ? s.padEnd(w[i]) : s.padStart(w[i]))).join('  ');
    const L = [line(HEAD), ...rows.map((r) => line(cells(r)))];
    for (const r of rat) {
        L.push(`ratio Node fleet / ocpp-sim against ${r.csms}: memory per station ${f(r.memory, 2)} (HWM ${f(r.memoryHwm, 2)}), CPU per message ${f(r.cpuPerMsg, 2)}, CPU share ${f(r.idleCpu, 2)}`);
    }
    L.push(`baselines: ${base.map((b) => `${b.kind} ${b.stations} station(s) ${mb(b.rss)} MB`).join(', ')}; `
        + `open files ${lim.nofileSoft}/${lim.nofileHard}, ephemeral ports ${lim.portRange}`);
    return L.join('\n');
}

// Two sections of docs/performance.md: heartbeats only, and with charging sessions (--sessions).
const TAG = sessions ? 'fleet-bench-sessions' : 'fleet-bench';
const BEGIN = `<!-- ${TAG}:begin (bench/fleet/run.sh --write-docs${sessions ? ' --sessions ...' : ''}) -->`;
const END = `<!-- ${TAG}:end -->`;

function gitCommit() {
    try {
        return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    } catch {
        return 'unknown';
    }
}

function writeDocs(md) {
    const path = join(root, 'docs/performance.md');
    let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
    const commit = meta.commit || gitCommit();
    const title = sessions ? '## Fleet with charging sessions: ocpp-sim against an ocpp-rpc fleet' : '## Fleet: ocpp-sim against an ocpp-rpc fleet';
    const section = [BEGIN, title, '',
        'Generated by `bench/fleet/run.sh --write-docs` (`make bench-fleet-docs`); do not edit by hand.',
        'Each fleet runs alone against a fresh CSMS process (the fast sink `tools/csms/sink.mjs`, or the dev',
        'CSMS in strict mode); everything is measured from `/proc`: memory per station is VmRSS after the',
        'window minus the same program\'s baseline, per station added; CPU per message is the process\'s',
        'utime+stime over the steady window (after the boot: Heartbeats, and sessions with `--sessions`)',
        'divided by the CALLs the CSMS counted in it; CPU % is that time over the window\'s wall time.',
        'ocpp-sim is a Release build; the Node fleet is `bench/fleet/nodefleet.mjs` (npm `ocpp-rpc`',
        'clients with their defaults). Wall-clock figures on a shared machine: an indication, not',
        `asserted. Commit \`${commit}\`; how to run and what limits N: [bench/fleet](../bench/fleet/README.md).`,
        '', md, END].join('\n');
    const i = doc.indexOf(`<!-- ${TAG}:begin`);
    const j = doc.indexOf(END);
    if (i >= 0 && j > i) doc = doc.slice(0, i) + section + doc.slice(j + END.length);
    else doc = `${doc.replace(/\n*$/, '\n\n')}${section}\n`;
    writeFileSync(path, doc);
    log('wrote the fleet section of docs/performance.md');
}

// ------------------------------------------------------------------ main

const lim = from ? from.limits : limits();
const meta = from && from.meta ? from.meta : { cpu: (cpus()[0] || {}).model || 'unknown CPU', cores: cpus().length, node: process.version, commit: from ? undefined : gitCommit() };
let rows = [];
let base = [];
let status = 0;
if (from) {
    rows = from.rows;
    base = from.baselines;
} else {
    const nofile = Number(lim.nofileSoft);
    if (Number.isFinite(nofile) && nofile < N + 64) {
        log(`warning: open files limit ${lim.nofileSoft} < ${N + 64}: each fleet and each CSMS needs a descriptor per station (bench/fleet/run.sh raises the soft limit up to the hard limit ${lim.nofileHard})`);
    }
    if (N > lim.ports) {
        log(`warning: ${N} stations > ${lim.ports} ephemeral ports (${lim.portRange}) towards one CSMS address and port: connections will fail beyond that (several source addresses, --bind in issue 16, are needed)`);
    }
    // tmpfs when there is one: with --sessions every charging station persists its meter about
    // once a second (fsync); on a disk that measures the disk, not the fleet.
    dataRoot = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ocpp-fleet-'));
    try {
        const sink = await startCsms('sink');
        for (const k of fleetKinds) {
            log(`baseline of ${k === 'sim' ? 'ocpp-sim (1 station)' : 'the Node fleet (0 stations)'}`);
            base.push({ kind: k, ...(await baseline(k, sink)) });
        }
        await sink.stop();
        for (const k of fleetKinds) {
            for (const c of csmsKinds) {
                log(`${k === 'sim' ? 'ocpp-sim' : 'Node fleet'} x ${N} against the ${c === 'sink' ? 'sink' : 'dev CSMS'}`);
                try {
                    const r = await phase(k, c, base.find((b) => b.kind === k));
                    rows.push(r);
                    log(`  booted ${r.booted}/${N} in ${f(r.bootS, 1)} s, ${mb(r.rssKb)} MB, ${f(r.kbPerStation, 1)} KB/station, `
                        + `${f(r.messages)} msgs, ${f(r.fleetUsPerMsg)} µs/msg, ${f(r.fleetCpuPct, 1)} % (CSMS ${f(r.csmsCpuPct, 1)} %)`);
                    if (r.booted < N) status = 1;
                } catch (err) {
                    status = 1;
                    log(`  failed: ${err.message}`);
                    rows.push({ fleet: k === 'sim' ? 'ocpp-sim' : 'ocpp-rpc (Node)', fleetKind: k, csms: c, stations: N, booted: 0, error: err.message, violations: null });
                }
            }
        }
    } finally {
        rmSync(dataRoot, { recursive: true, force: true });
    }
}
const rat = ratios(rows.filter((r) => !r.error));
const md = markdown(rows, rat, base, lim, meta);
process.stdout.write(`${args.markdown || args['write-docs'] ? md : text(rows, rat, base, lim)}\n`);
if (args['write-docs']) writeDocs(md);
if (args.json) {
    writeFileSync(args.json, `${JSON.stringify({ stations: N, interval, duration, connectors, sessions: sessions || null, limits: lim, meta, baselines: base, rows, ratios: rat }, null, 1)}\n`);
}
process.exit(status);
