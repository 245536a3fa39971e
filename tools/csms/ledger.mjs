// The transaction ledger of one charge point, from the dev CSMS's records: every transaction
// with its StartTransaction, MeterValues and StopTransaction, the duplicates, and what is wrong.
// Used by the kill torture (tests/integration/kill_torture.test.mjs, bench/torture).
//
//   import { ledger } from './tools/csms/ledger.mjs';
//   const l = ledger(csms.records, 'CP-1');
//   l.transactions   // [{ key, starts: [rec...], ids: [txId...], stop, stops: [rec...], meterValues: [rec...] }]
//   l.lost           // transactions with no StopTransaction
//   l.duplicated     // { start, stop, meterValues }: the same payload received again
//   l.problems       // strings: what breaks the rules below
//
// Rules (OCPP 1.6 §3.7, §4.8, §4.10, §6.45; issue #6):
// - A StartTransaction answered with a transactionId opens a transaction. The same payload
//   (connectorId, idTag, meterStart, timestamp) received again is the same transaction sent again
//   because the CSMS's answer was lost in flight (the charge point lost power before it could
//   record the answer): a DUPLICATE, not a new transaction. The charge point uses the id of the
//   answer it got, normally the last one; its StopTransaction may carry any id of the group.
// - Every transaction has exactly one StopTransaction (identical copies are duplicates; two
//   different ones are a problem); a transaction without one is LOST.
// - MeterValues and StopTransaction carry a transactionId the CSMS gave; MeterValues of a
//   transaction arrive after its StartTransaction and before its StopTransaction, their
//   timestamps in order and between the start's and the stop's; meterStop >= meterStart, and the
//   energy register of the MeterValues between the two.

const TX_ACTIONS = new Set(['StartTransaction', 'MeterValues', 'StopTransaction']);
const ENERGY = 'Energy.Active.Import.Register';

/** Energy register (Wh) of a MeterValues payload's last meterValue, or null. */
export function energyOf(payload) {
    let wh = null;
    for (const mv of payload.meterValue || []) {
        for (const sv of mv.sampledValue || []) {
            if ((sv.measurand ?? ENERGY) !== ENERGY || (sv.phase && sv.phase !== '')) continue;
            const v = Number(sv.value) * (sv.unit === 'kWh' ? 1000 : 1);
            if (Number.isFinite(v)) wh = v;
        }
    }
    return wh;
}

const startKey = (p) => JSON.stringify([p.connectorId, p.idTag, p.meterStart, p.timestamp, p.reservationId ?? null]);

/**
 * The ledger of `identity` in `records` (csms.records). Only CALLs the CSMS answered with a
 * CALLRESULT count (a CALLERROR is a failure to process: the charge point retries or drops).
 */
export function ledger(records, identity) {
    const calls = [];
    const answers = new Map(); // CALL record -> the CSMS's answer record
    const open = new Map(); // message id -> CALL record waiting for its answer
    for (const r of records) {
        if (r.identity !== identity || !r.type) continue;
        if (r.type === 'CALL' && r.dir === 'in' && TX_ACTIONS.has(r.action)) {
            calls.push(r);
            open.set(r.id, r);
        } else if (r.dir === 'out' && (r.type === 'CALLRESULT' || r.type === 'CALLERROR') && open.has(r.id)) {
            answers.set(open.get(r.id), r);
            open.delete(r.id);
        }
    }
    const accepted = calls.filter((c) => answers.get(c)?.type === 'CALLRESULT');
    const problems = [];
    const duplicated = { start: 0, stop: 0, meterValues: 0 };

    // Transactions: StartTransaction payload groups.
    const groups = new Map();
    const byId = new Map();
    for (const c of accepted.filter((m) => m.action === 'StartTransaction')) {
        const key = startKey(c.payload);
        let g = groups.get(key);
        if (g) {
            duplicated.start += 1;
        } else {
            g = { key, connectorId: c.payload.connectorId, idTag: c.payload.idTag, start: c, starts: [], ids: [], stops: [], meterValues: [], stop: null };
            groups.set(key, g);
        }
        const id = answers.get(c).payload.transactionId;
        g.starts.push(c);
        g.ids.push(id);
        if (byId.has(id)) problems.push(`transactionId ${id} given twice by the CSMS`);
        byId.set(id, g);
    }
    const transactions = [...groups.values()];

    // StopTransaction and MeterValues, each payload once (identical copies are duplicates).
    const seen = new Set();
    for (const c of accepted.filter((m) => m.action !== 'StartTransaction')) {
        const k = `${c.action} ${JSON.stringify(c.payload)}`;
        if (seen.has(k)) {
            if (c.action === 'StopTransaction') duplicated.stop += 1;
            else duplicated.meterValues += 1;
            continue;
        }
        seen.add(k);
        const id = c.payload.transactionId;
        const g = byId.get(id);
        if (!g) {
            // MeterValues without a transactionId are not transaction-related (§3.7).
            if (c.action === 'StopTransaction' || id !== undefined) {
                problems.push(`${c.action} #${c.seq} for unknown transactionId ${id}: ${JSON.stringify(c.payload)}`);
            }
            continue;
        }
        if (c.action === 'StopTransaction') g.stops.push(c);
        else g.meterValues.push(c);
    }

    const lost = [];
    for (const g of transactions) {
        const tag = `transaction ${g.ids.join('/')} (${g.idTag} on ${g.connectorId})`;
        if (g.stops.length === 0) {
            lost.push(g);
            continue;
        }
        if (g.stops.length > 1) {
            problems.push(`${tag} stopped ${g.stops.length} times: ${g.stops.map((s) => JSON.stringify(s.payload)).join(' / ')}`);
        }
        g.stop = g.stops[0];
        const sp = g.stop.payload;
        const t0 = Date.parse(g.start.payload.timestamp);
        const t1 = Date.parse(sp.timestamp);
        if (sp.meterStop < g.start.payload.meterStart) problems.push(`${tag}: meterStop ${sp.meterStop} < meterStart ${g.start.payload.meterStart}`);
        if (t1 < t0) problems.push(`${tag}: StopTransaction timestamp ${sp.timestamp} before the start ${g.start.payload.timestamp}`);
        if (g.stop.seq < g.start.seq) problems.push(`${tag}: StopTransaction received before the StartTransaction`);
        let lastTs = t0;
        let lastWh = g.start.payload.meterStart;
        for (const m of g.meterValues) {
            if (m.seq > g.stop.seq) problems.push(`${tag}: MeterValues #${m.seq} after the StopTransaction #${g.stop.seq}`);
            if (m.seq < g.start.seq) problems.push(`${tag}: MeterValues #${m.seq} before the StartTransaction`);
            for (const mv of m.payload.meterValue) {
                const ts = Date.parse(mv.timestamp);
                if (ts < lastTs) problems.push(`${tag}: MeterValues out of time order (${mv.timestamp})`);
                if (ts > t1) problems.push(`${tag}: MeterValues ${mv.timestamp} after the stop ${sp.timestamp}`);
                lastTs = Math.max(lastTs, ts);
            }
            const wh = energyOf(m.payload);
            if (wh !== null) {
                if (wh < lastWh) problems.push(`${tag}: energy register went back from ${lastWh} to ${wh} Wh`);
                if (wh > sp.meterStop) problems.push(`${tag}: MeterValues ${wh} Wh above meterStop ${sp.meterStop}`);
                lastWh = Math.max(lastWh, wh);
            }
        }
        g.lastMeterWh = lastWh;
    }
    return {
        identity,
        transactions,
        lost,
        duplicated,
        problems,
        powerLoss: transactions.filter((g) => g.stop && g.stop.payload.reason === 'PowerLoss').length,
        meterValues: transactions.reduce((n, g) => n + g.meterValues.length, 0),
        byIdTag: new Map(transactions.map((g) => [g.idTag, g])),
    };
}
