// Firmware Management profile (OCPP 1.6 edition 2, errata v4.0) end to end: ocpp-sim (library,
// POSIX transfer port on libcurl) against the dev CSMS in strict mode, with an HTTP server and a
// minimal FTP server of this file on 127.0.0.1 (port 0), offline.
//
// §5.19 Update Firmware: "The Charge Point SHOULD start retrieving the firmware as soon as
// possible after retrieve-date. During downloading and installation of the firmware, the Charge
// Point MUST send FirmwareStatusNotification.req PDUs"; "it is RECOMMENDED to wait until Charging
// Session has ended (Charge Point idle) before commencing installation"; errata 3.47: "It is good
// practice to first reboot the Charge Point ... before sending the status: Installed."
// §6.55 retries: "how many times Charge Point must try to download the firmware before giving up";
// retryInterval: "The interval in seconds after which a retry may be attempted."
// §5.9 Get Diagnostics: "respond with a GetDiagnostics.conf PDU stating the name of the file
// containing the diagnostic information that will be uploaded"; "During uploading of a
// diagnostics file, the Charge Point MUST send DiagnosticsStatusNotification.req PDUs".
// §8: "The URL also contains the protocol which must be used"; §8.2 FTP URL
// "ftp://user:password@host:port/path".

import assert from 'node:assert/strict';
import { createServer as createHttp } from 'node:http';
import { createServer as createTcp } from 'node:net';
import test from 'node:test';
import { assertCadence, cfgArgs, coreBoot, coreStartTx, cpCall, needSim } from './lib/harness.mjs';

const ago = (s) => new Date(Date.now() - s * 1000).toISOString();

/** An HTTP server on 127.0.0.1; handler(req, body) -> {status, body}. Records every request. */
async function httpServer(t, handler) {
    const requests = [];
    const waiters = new Set();
    const srv = createHttp((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            const rec = { method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8'), t: Date.now() };
            requests.push(rec);
            const r = handler(rec);
            res.writeHead(r.status, { 'content-type': 'application/octet-stream' });
            res.end(r.body ?? '');
            for (const w of [...waiters]) w();
        });
    });
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => srv.close(r)));
    return {
        url: `http://127.0.0.1:${srv.address().port}`,
        requests,
        /** Wait until pred(requests) holds. */
        until(pred, what, timeout = 20000) {
            if (pred(requests)) return Promise.resolve();
            return new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`http: ${what} not seen: ${JSON.stringify(requests)}`)), timeout);
                const w = () => {
                    if (pred(requests)) {
                        clearTimeout(timer);
                        waiters.delete(w);
                        resolve();
                    }
                };
                waiters.add(w);
            });
        },
    };
}

/**
 * A minimal FTP server (RFC 959) for uploads: USER, PASS, PWD, TYPE, PASV, STOR, QUIT; other
 * commands get 502. Resolves `stored` with {user, pass, path, data} of the first STOR.
 */
async function ftpServer(t) {
    let storedResolve;
    const stored = new Promise((r) => { storedResolve = r; });
    const sockets = new Set();
    const srv = createTcp((c) => {
        sockets.add(c);
        c.on('close', () => sockets.delete(c));
        c.setEncoding('utf8');
        const s = { user: '', pass: '', pasv: null, dataSock: null, chunks: [], dataDone: null };
        const reply = (line) => c.write(`${line}\r\n`);
        reply('220 ocpp-c test FTP');
        let buf = '';
        c.on('data', async (d) => {
            buf += d;
            let i;
            while ((i = buf.indexOf('\r\n')) >= 0) {
                const line = buf.slice(0, i);
                buf = buf.slice(i + 2);
                const sp = line.indexOf(' ');
                const cmd = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
                const arg = sp < 0 ? '' : line.slice(sp + 1);
                if (cmd === 'USER') { s.user = arg; reply('331 password please'); }
                else if (cmd === 'PASS') { s.pass = arg; reply('230 logged in'); }
                else if (cmd === 'PWD') reply('257 "/" is the current directory');
                else if (cmd === 'TYPE') reply('200 type set');
                else if (cmd === 'QUIT') { reply('221 bye'); c.end(); }
                else if (cmd === 'PASV') {
                    s.dataDone = new Promise((resolve) => {
                        s.pasv = createTcp((dc) => {
                            sockets.add(dc);
                            dc.on('data', (x) => s.chunks.push(x));
                            dc.on('end', () => resolve());
                            dc.on('close', () => { sockets.delete(dc); resolve(); });
                        });
                    });
                    await new Promise((r) => s.pasv.listen(0, '127.0.0.1', r));
                    const p = s.pasv.address().port;
                    reply(`227 Entering Passive Mode (127,0,0,1,${p >> 8},${p & 255})`);
                } else if (cmd === 'STOR' && s.pasv) {
                    reply('150 ok, send');
                    await s.dataDone;
                    s.pasv.close();
                    s.pasv = null;
                    reply('226 stored');
                    storedResolve({ user: s.user, pass: s.pass, path: arg, data: Buffer.concat(s.chunks).toString('utf8') });
                } else reply('502 not implemented');
            }
        });
    });
    await new Promise((r) => srv.listen(0, '127.0.0.1', r));
    t.after(() => new Promise((r) => {
        for (const k of sockets) k.destroy();
        srv.close(r);
    }));
    return { port: srv.address().port, stored };
}

/** The statuses of the CP's `action` CALLs (FirmwareStatusNotification, ...) since `since`. */
const statuses = (csms, id, action, since) => csms.messages(cpCall(action, id), since).map((m) => m.payload.status);
const fwStatus = (id, status) => (m) => cpCall('FirmwareStatusNotification', id)(m) && m.payload.status === status;
const diagStatus = (id, status) => (m) => cpCall('DiagnosticsStatusNotification', id)(m) && m.payload.status === status;

test('§5.19/§4.5 UpdateFirmware from a local HTTP server: Downloading, Downloaded, Installing, the reboot (errata 3.47) with the new firmwareVersion in BootNotification, then Installed; errata 3.90 SupportedFileTransferProtocols; an image that is not {"firmwareVersion"} is InstallationFailed', { skip: needSim }, async (t) => {
    const id = 'FW-HTTP';
    const web = await httpServer(t, (r) => (r.url === '/fw.json'
        ? { status: 200, body: JSON.stringify({ firmwareVersion: '2.7.1' }) }
        : { status: 200, body: 'MZ\u0000 not an image' }));
    const { csms } = await coreBoot(t, id);
    const keys = await csms.call(id, 'GetConfiguration', { key: ['SupportedFileTransferProtocols', 'SupportedFeatureProfiles'] });
    const kv = Object.fromEntries(keys.configurationKey.map((k) => [k.key, k.value]));
    assert.match(kv.SupportedFileTransferProtocols, /(^|,)HTTP(,|$)/);
    assert.match(kv.SupportedFileTransferProtocols, /(^|,)FTP(,|$)/);
    assert.match(kv.SupportedFeatureProfiles, /FirmwareManagement/);

    const since = csms.mark();
    const r = await csms.call(id, 'UpdateFirmware', { location: `${web.url}/fw.json`, retrieveDate: ago(1) });
    assert.deepEqual(r, {}, '§6.56: no fields');
    const boot = await csms.waitFor((m) => cpCall('BootNotification', id)(m), { since, what: 'the reboot' });
    assert.equal(boot.payload.firmwareVersion, '2.7.1', 'the new firmware boots');
    await csms.waitFor(fwStatus(id, 'Installed'), { since: boot.seq, what: 'Installed after the reboot' });
    assert.deepEqual(statuses(csms, id, 'FirmwareStatusNotification', since),
        ['Downloading', 'Downloaded', 'Installing', 'Installed']);
    assert.deepEqual(web.requests.map((q) => `${q.method} ${q.url}`), ['GET /fw.json']);

    // A file that is no image for ocpp-sim: refused, no reboot, the version stays.
    const since2 = csms.mark();
    await csms.call(id, 'UpdateFirmware', { location: `${web.url}/junk.bin`, retrieveDate: ago(1) });
    await csms.waitFor(fwStatus(id, 'InstallationFailed'), { since: since2 });
    assert.deepEqual(statuses(csms, id, 'FirmwareStatusNotification', since2),
        ['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']);
    assert.equal(csms.messages(cpCall('BootNotification', id), since2).length, 0);
    // §5.17 + §4.5: the triggered status, Idle when nothing happens
    const trig = await csms.call(id, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' });
    assert.equal(trig.status, 'Accepted');
    await csms.waitFor(fwStatus(id, 'Idle'), { since: since2 });
});

test('§6.55 retries/retryInterval: a download the server refuses is tried `retries` times, `retryInterval` apart, then DownloadFailed (§7.25)', { skip: needSim }, async (t) => {
    const id = 'FW-RETRY';
    const web = await httpServer(t, () => ({ status: 500, body: 'broken' }));
    const { csms } = await coreBoot(t, id);
    const since = csms.mark();
    await csms.call(id, 'UpdateFirmware', { location: `${web.url}/fw.json`, retrieveDate: ago(1), retries: 4, retryInterval: 1 });
    await csms.waitFor(fwStatus(id, 'DownloadFailed'), { since, what: 'DownloadFailed' });
    assert.equal(web.requests.length, 4, 'tried 4 times');
    assertCadence(web.requests, { min: 950, max: 3000, what: 'download tries, retryInterval 1 s' });
    const st = statuses(csms, id, 'FirmwareStatusNotification', since);
    assert.equal(st.at(-1), 'DownloadFailed');
    assert.ok(!st.includes('Installing'));
    // an unreachable location (nothing listens) fails the same way
    const since2 = csms.mark();
    await csms.call(id, 'UpdateFirmware', { location: 'http://127.0.0.1:9/fw.json', retrieveDate: ago(1), retries: 1 });
    await csms.waitFor(fwStatus(id, 'DownloadFailed'), { since: since2 });
});

test('§5.19 "wait until Charging Session has ended (Charge Point idle) before commencing installation": Downloaded during the session, Installing and the reboot after its StopTransaction', { skip: needSim }, async (t) => {
    const id = 'FW-DEFER';
    const web = await httpServer(t, () => ({ status: 200, body: '{"firmwareVersion":"3.0.0"}' }));
    const { csms, sim } = await coreBoot(t, id, { args: cfgArgs('MeterValueSampleInterval=1') });
    const { txId } = await coreStartTx(csms, sim, id, 1, 'FW-TAG');
    const since = csms.mark();
    await csms.call(id, 'UpdateFirmware', { location: `${web.url}/fw.json`, retrieveDate: ago(1) });
    const downloaded = await csms.waitFor(fwStatus(id, 'Downloaded'), { since });
    // The session goes on: two periodic MeterValues after Downloaded, and no installation.
    await csms.waitForCount((m) => cpCall('MeterValues', id)(m) && m.seq > downloaded.seq, 2, { since });
    assert.deepEqual(statuses(csms, id, 'FirmwareStatusNotification', since), ['Downloading', 'Downloaded']);
    const stop = await csms.call(id, 'RemoteStopTransaction', { transactionId: txId });
    assert.equal(stop.status, 'Accepted');
    const stopTx = await csms.waitFor(cpCall('StopTransaction', id), { since });
    const installing = await csms.waitFor(fwStatus(id, 'Installing'), { since });
    assert.ok(installing.seq > stopTx.seq, 'Installing after the StopTransaction');
    const boot = await csms.waitFor(cpCall('BootNotification', id), { since });
    assert.equal(boot.payload.firmwareVersion, '3.0.0');
    await csms.waitFor(fwStatus(id, 'Installed'), { since: boot.seq });
});

test('§5.9/§4.4 GetDiagnostics: the fileName, the file PUT to a local HTTP server (the location ends in "/": the name is appended), then uploaded by FTP STOR (§8.2 ftp://user:password@host:port/path); Uploading, Uploaded; a server that refuses: UploadFailed after retries (errata 3.50)', { skip: needSim }, async (t) => {
    const id = 'FW-DIAG';
    const web = await httpServer(t, (r) => ({ status: r.url.startsWith('/diag/') ? 201 : 403 }));
    const ftp = await ftpServer(t);
    const { csms } = await coreBoot(t, id);
    const since = csms.mark();
    const r = await csms.call(id, 'GetDiagnostics', { location: `${web.url}/diag/`, startTime: ago(600) });
    assert.match(r.fileName ?? '', /^FW-DIAG-\d+\.log$/);
    await csms.waitFor(diagStatus(id, 'Uploaded'), { since });
    assert.deepEqual(statuses(csms, id, 'DiagnosticsStatusNotification', since), ['Uploading', 'Uploaded']);
    const put = web.requests.find((q) => q.method === 'PUT');
    assert.equal(put.url, `/diag/${r.fileName}`);
    assert.match(put.body, /BootNotification/, 'the station\'s recent log');

    const since2 = csms.mark();
    const r2 = await csms.call(id, 'GetDiagnostics', { location: `ftp://ocpp:secret@127.0.0.1:${ftp.port}/logs/` });
    assert.match(r2.fileName ?? '', /^FW-DIAG-\d+\.log$/);
    const got = await ftp.stored;
    assert.equal(got.user, 'ocpp');
    assert.equal(got.pass, 'secret');
    assert.ok(got.path.endsWith(`logs/${r2.fileName}`), got.path);
    assert.match(got.data, /GetDiagnostics/);
    await csms.waitFor(diagStatus(id, 'Uploaded'), { since: since2 });

    const since3 = csms.mark();
    await csms.call(id, 'GetDiagnostics', { location: `${web.url}/forbidden/`, retries: 1, retryInterval: 1 });
    await csms.waitFor(diagStatus(id, 'UploadFailed'), { since: since3 });
    assert.equal(web.requests.filter((q) => q.url.startsWith('/forbidden/')).length, 2, 'the try and 1 retry');
    const trig = await csms.call(id, 'TriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' });
    assert.equal(trig.status, 'Accepted');
    await csms.waitFor(diagStatus(id, 'Idle'), { since: since3 });
});
