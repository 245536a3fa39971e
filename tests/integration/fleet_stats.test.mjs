// Issue 16 "Live figures" and "Reports": a small fleet of ocpp-sim against the dev CSMS in strict
// mode. /api/fleet/stats counts the stations connected and booted, the CSMS's response time per
// action (OCPP-J 1.6 §4.1.1: one outstanding CALL per station, its answer matched by the message
// id), a CALLERROR the CSMS answers (§4.2.3, by errorCode) and a CALL that got no answer within the
// MessageTimeout (errata 3.83); the status line runs on stderr; the JSON and HTML reports are
// written on POST /api/fleet/report and at SIGTERM.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { cpCall, needSim, scenario, simArgs, sleep } from './lib/harness.mjs';

const N = 5;
const ids = Array.from({ length: N }, (_, i) => `FS-${String(i + 1).padStart(4, '0')}`);

/** GET /api/fleet/stats until pred holds (polling a condition, 100 ms). */
async function statsUntil(sim, pred, what, timeout = 8000) {
    const t0 = Date.now();
    let last;
    for (;;) {
        const r = await sim.api('GET', '/api/fleet/stats');
        assert.equal(r.status, 200, r.text);
        last = r.json;
        if (pred(last)) return last;
        if (Date.now() - t0 > timeout) assert.fail(`${what} not reached within ${timeout} ms: ${r.text}`);
        await sleep(100);
    }
}

function checkPercentiles(a, name) {
    for (const k of ['p50', 'p95', 'p99', 'max']) assert.equal(typeof a[k], 'number', `${name}.${k}`);
    assert.ok(a.p50 >= 0 && a.p50 <= a.p95 && a.p95 <= a.p99 && a.p99 <= a.max, `${name}: ${JSON.stringify(a)}`);
}

test('fleet figures: connected, booted, response times per action, a CALLERROR, a timeout, the reports (issue 16)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 1 });
    // FS-0001's first Heartbeat is answered with a CALLERROR, FS-0002's only after 1.6 s (its
    // MessageTimeout is 1 s: a timeout, then an answer to no outstanding CALL).
    csms.callError('Heartbeat', 'InternalError', { identity: ids[0], times: 1 });
    csms.handle('Heartbeat', async (ctx) => {
        await sleep(1600);
        return ctx.fallback();
    }, { identity: ids[1], times: 1 });
    const dir = h.tmp('ocpp-report-');
    const sim = h.sim([...simArgs(csms.url, 'FS', '--stations', String(N), '--connectors', '1'),
        '--config', 'MessageTimeout=1', '--report', `${dir}/`, '--status-line', '1', '--log-level', 'info']);

    const st = await statsUntil(sim, (s) => s.booted === N && s.timeouts >= 1 && s.callErrors.received >= 1 &&
        s.unmatchedAnswers >= 1 && (s.actions.Heartbeat?.answered ?? 0) >= N, 'all booted, a CALLERROR, a timeout');
    assert.equal(st.stations, N);
    assert.equal(st.connected, N);
    assert.equal(st.charging, 0);
    // Every CALL the CSMS got is counted, with the answers the CSMS sent.
    const boots = csms.messages(cpCall('BootNotification'));
    assert.equal(boots.length, N);
    const b = st.actions.BootNotification;
    assert.equal(b.calls, N);
    assert.equal(b.answered, N);
    checkPercentiles(b, 'BootNotification');
    const hb = st.actions.Heartbeat;
    checkPercentiles(hb, 'Heartbeat');
    assert.equal(hb.callErrors, 1);
    assert.equal(hb.timeouts, 1);
    assert.deepEqual(st.callErrors.byCode, { InternalError: 1 });
    assert.equal(st.callErrors.received, 1);
    assert.equal(st.timeouts, 1);
    checkPercentiles(st.responseTimeMs, 'all');
    assert.ok(st.messages.in > 0 && st.messages.out >= st.messages.in - 1, JSON.stringify(st.messages));
    assert.ok(st.uptimeS > 0);
    // The CSMS saw at least as many CALLs as we counted answers to (it may have some in flight).
    const calls = csms.messages((m) => m.type === 'CALL' && m.dir === 'in').length;
    const counted = Object.values(st.actions).reduce((n, a) => n + a.calls, 0);
    assert.ok(Math.abs(calls - counted) <= N, `CSMS ${calls} CALLs, counted ${counted}`);

    // The status line on stderr (not a terminal: one line per period).
    await sim.waitForLine(new RegExp(`^fleet \\d+:\\d\\d:\\d\\d \\| ${N}/${N} connected, ${N} booted, 0 charging \\| msg/s in`));

    // The series: one point per second, fields named.
    const ser = await sim.api('GET', '/api/fleet/stats/series');
    assert.equal(ser.status, 200);
    assert.equal(ser.json.resolutionS, 1);
    const f = ser.json.fields;
    assert.deepEqual(f.slice(0, 5), ['t', 'span', 'connected', 'booted', 'charging']);
    assert.ok(ser.json.points.length >= 1);
    for (const [i, p] of ser.json.points.entries()) {
        assert.equal(p.length, f.length);
        if (i > 0) assert.equal(p[0], ser.json.points[i - 1][0] + ser.json.points[i - 1][1]);
    }
    const sum = (k) => ser.json.points.reduce((n, p) => n + p[f.indexOf(k)], 0);
    assert.ok(sum('in') <= st.messages.in + 100 && sum('in') > 0);
    const late = await sim.api('GET', `/api/fleet/stats/series?since=${ser.json.seconds}`);
    assert.equal(late.status, 200);
    assert.ok(late.json.points.length <= 1);

    // Bad input: 4xx with a JSON reason.
    for (const [m, p, body, status] of [
        ['GET', '/api/fleet/stats/series?since=abc', undefined, 400],
        ['GET', '/api/fleet/stats/series?since=-1', undefined, 400],
        ['POST', '/api/fleet/stats', {}, 405],
        ['DELETE', '/api/fleet/report', undefined, 405],
        ['POST', '/api/fleet/report', '[1]', 400],
        ['POST', '/api/fleet/report', { path: '/etc/x' }, 400],
        ['GET', '/api/fleet/stats/nope', undefined, 404],
    ]) {
        const r = await sim.api(m, p, body);
        assert.equal(r.status, status, `${m} ${p}: ${r.text}`);
        assert.equal(typeof r.json?.error, 'string', `${m} ${p}: ${r.text}`);
    }

    // POST /api/fleet/report writes both files now.
    const w = await sim.api('POST', '/api/fleet/report');
    assert.equal(w.status, 200, w.text);
    assert.equal(w.json.json, join(dir, 'ocpp-sim-report.json'));
    assert.equal(w.json.html, join(dir, 'ocpp-sim-report.html'));
    const first = JSON.parse(readFileSync(w.json.json, 'utf8'));
    assert.equal(first.stats.booted, N);

    // At SIGTERM: the final report.
    const r = await sim.stop();
    assert.equal(r.code, 0);
    assert.ok(sim.grep(/^ocpp-sim: report written to /).length === 1, sim.tail());
    const rep = JSON.parse(readFileSync(join(dir, 'ocpp-sim-report.json'), 'utf8'));
    assert.equal(rep.report, 'ocpp-sim fleet');
    assert.ok(rep.writtenAt >= first.writtenAt);
    assert.ok(rep.durationS >= first.durationS);
    assert.equal(rep.stats.stations, N);
    assert.equal(rep.stats.timeouts, 1);
    assert.deepEqual(rep.stats.callErrors.byCode, { InternalError: 1 });
    assert.ok(rep.stats.actions.Heartbeat.calls >= N);
    assert.ok(rep.series.points.length >= ser.json.points.length);
    const html = readFileSync(join(dir, 'ocpp-sim-report.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /(src|href)=["']?(https?:)?\/\//i, 'an external resource');
    const embedded = html.match(/<script type="application\/json" id="report">([^<]*)<\/script>/);
    assert.ok(embedded, 'the report JSON embedded in the page');
    assert.deepEqual(JSON.parse(embedded[1]).stats, rep.stats);
    assert.ok(existsSync(dir));
});

test('fleet figures: one station is quiet by default; POST /api/fleet/report needs --report (issue 16)', { skip: needSim }, async (t) => {
    const h = scenario(t);
    const csms = await h.csms({ interval: 300 });
    const sim = h.sim(simArgs(csms.url, 'ONE', '--log-level', 'info'));
    await statsUntil(sim, (s) => s.booted === 1, 'booted');
    const r = await sim.api('POST', '/api/fleet/report', {});
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error, /--report/);
    const page = await sim.api('GET', '/api/fleet/report.html');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    const j = await sim.api('GET', '/api/fleet/report');
    assert.equal(j.json.stats.booted, 1);
    await sim.stop();
    assert.equal(sim.grep(/^fleet /).length, 0, 'no status line for one station');
    assert.equal(sim.grep(/report written/).length, 0);
    // A --report nowhere to write is refused at the start, not after the run.
    const bad = h.sim(simArgs(csms.url, 'BAD', '--report', '/nonexistent-ocpp-dir/x/'), { expectExit: false });
    const ex = await bad.exited;
    assert.equal(ex.code, 2, bad.tail());
    assert.equal(bad.grep(/^ocpp-sim: --report \/nonexistent-ocpp-dir\/x\/: cannot write in /).length, 1, bad.tail());
    for (const [v, re] of [['abc', /--status-line must be 0\.\.3600/], ['', /--report needs a path/]]) {
        const o = h.sim(simArgs(csms.url, 'BAD', v === '' ? '--report' : '--status-line', v), { expectExit: false });
        assert.equal((await o.exited).code, 2);
        assert.equal(o.grep(re).length, 1, o.tail());
    }
});
