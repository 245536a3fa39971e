#!/usr/bin/env node
// Dev CSMS command line: node tools/csms/server.mjs [options]   (see README.md)
// Speaks OCPP 1.6-J and OCPP 2.0.1-J (the subprotocol the charge point offers first).
// Prints exactly one line "csms: ws://127.0.0.1:<port>/ocpp" on stdout once listening;
// everything else (readable message log, violations) goes to stderr.

import { parseArgs } from 'node:util';
import { parseAuthList, startCsms } from './csms.mjs';

const usage = `usage: server.mjs [--port N] [--host 127.0.0.1] [--path /ocpp] [--tls-cert F --tls-key F]
                  [--auth ID:KEY,ID2:KEY2,*:KEY] [--interval S] [--boot JSON] [--id-tags JSON]
                  [--protocols ocpp1.6,ocpp2.0.1] [--remote-start IDTAG[:DELAY_MS]]
                  [--log FILE.jsonl] [--quiet]`;

let args;
try {
    args = parseArgs({
        options: {
            port: { type: 'string', default: '0' },
            host: { type: 'string', default: '127.0.0.1' },
            path: { type: 'string', default: '/ocpp' },
            'tls-cert': { type: 'string' },
            'tls-key': { type: 'string' },
            auth: { type: 'string' },
            interval: { type: 'string', default: '300' },
            boot: { type: 'string' },
            'id-tags': { type: 'string' },
            protocols: { type: 'string', default: 'ocpp1.6,ocpp2.0.1' },
            'remote-start': { type: 'string' },
            log: { type: 'string' },
            quiet: { type: 'boolean', default: false },
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
if (!!args['tls-cert'] !== !!args['tls-key']) {
    process.stderr.write(`--tls-cert and --tls-key go together\n${usage}\n`);
    process.exit(2);
}

let remoteStart;
if (args['remote-start'] !== undefined) {
    const m = /^([\x20-\x7e]{1,20}?)(?::(\d{1,7}))?$/.exec(args['remote-start']);
    if (!m || m[1].includes(':') || (m[2] !== undefined && Number(m[2]) > 3600000)) {
        process.stderr.write(`--remote-start IDTAG[:DELAY_MS]: idTag 1..20 printable ASCII characters without ':', delay 0..3600000 ms\n${usage}\n`);
        process.exit(2);
    }
    remoteStart = { idTag: m[1], delayMs: m[2] === undefined ? 1000 : Number(m[2]) };
}

const csms = await startCsms({
    port: Number(args.port),
    host: args.host,
    path: args.path,
    tls: args['tls-cert'] ? { cert: args['tls-cert'], key: args['tls-key'] } : undefined,
    auth: args.auth ? parseAuthList(args.auth) : undefined,
    interval: Number(args.interval),
    boot: args.boot ? JSON.parse(args.boot) : undefined,
    idTags: args['id-tags'] ? JSON.parse(args['id-tags']) : undefined,
    protocols: args.protocols.split(',').map((p) => p.trim()).filter(Boolean),
    log: args.log,
    remoteStart,
    verbose: !args.quiet,
});
process.stdout.write(`csms: ${csms.url}\n`);

let stopping = false;
async function shutdown(sig) {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`csms: ${sig}, stopping (${csms.violations.length} violation(s))\n`);
    await csms.stop();
    process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
