#!/usr/bin/env node
// Kill torture bench (issue #6): the driver of tests/integration/kill_torture.test.mjs with more
// kills, a printed report table, and the table written to a file.
//
//   node bench/torture/torture.mjs --sim build/ocpp-sim [--kills 1000] [--seed 1] [--out FILE]
//
// Exit status: 0 when nothing was lost and the ledger has no problem, 1 otherwise.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killTorture, startCsms, tortureTable } from '../../tests/integration/lib/harness.mjs';

const { values: a } = parseArgs({
    options: {
        sim: { type: 'string', default: process.env.OCPP_SIM || 'build/ocpp-sim' },
        kills: { type: 'string', default: '1000' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        keep: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        log: { type: 'string' }, // the CSMS's records as JSON Lines
    },
});

const dataDir = mkdtempSync(join(tmpdir(), 'ocpp-torture-'));
const csms = await startCsms({ interval: 300, verbose: a.verbose, log: a.log });
let report;
try {
    report = await killTorture({
        bin: a.sim, csms, dataDir, kills: Number(a.kills), seed: Number(a.seed),
        log: (line) => process.stderr.write(`${line}\n`),
    });
} finally {
    await csms.stop({ force: true });
    if (a.keep) process.stderr.write(`kept ${dataDir}\n`);
    else rmSync(dataDir, { recursive: true, force: true });
}
const table = tortureTable(report);
const violations = csms.violations.length;
const text = `${table}\n| CSMS schema/protocol violations | ${violations} |\n`;
process.stdout.write(`\n${text}\n`);
for (const p of report.problems.slice(0, 50)) process.stdout.write(`problem: ${p}\n`);
if (a.out) writeFileSync(a.out, `${text}\n${report.problems.map((p) => `problem: ${p}`).join('\n')}\n`);
process.exit(report.lost === 0 && report.problems.length === 0 && violations === 0 ? 0 : 1);
