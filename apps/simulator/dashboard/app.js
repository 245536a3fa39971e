// ocpp-sim dashboard. Plain JavaScript, no build step, no library. It uses only the public REST
// API (docs/simulator.md) and the server-sent events of /api/events.
// Rules kept throughout: the DOM is built with elements and text nodes only (never markup from
// data: a station id or a CSMS text can hold ' " < >), and views are updated in place, value by
// value, never redrawn as a whole on every event.
'use strict';
(() => {
  // ------------------------------------------------------------------ DOM helpers
  /** h('div', {class: 'x', onclick: f}, 'text', child...): an element; strings become text nodes. */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = String(v);
        else if (k === 'value') el.value = String(v);
        else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of kids.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  function setText(el, v) {
    const s = v === undefined || v === null ? '' : String(v);
    if (el.textContent !== s) el.textContent = s;
  }
  function setClass(el, c) {
    if (el.className !== c) el.className = c;
  }
  function show(el, on) {
    if (el.hidden === !!on) el.hidden = !on;
  }
  const $ = (sel) => document.querySelector(sel);

  // ------------------------------------------------------------------ formatting
  const num = (v, d) => (typeof v === 'number' && isFinite(v) ? v.toFixed(d) : '–');
  const kW = (w) => num(w / 1000, 2);
  const kWh = (wh) => num(wh / 1000, wh >= 100000 ? 1 : 2);
  function clock(iso) {
    const t = typeof iso === 'string' ? iso.indexOf('T') : -1;
    return t >= 0 ? iso.slice(t + 1, t + 13) : String(iso || '');
  }
  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = s % 60;
    return (hh ? hh + ':' + String(mm).padStart(2, '0') : String(mm)) + ':' + String(ss).padStart(2, '0');
  }
  const STATUSES = ['Available', 'Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing',
    'Reserved', 'Unavailable', 'Faulted'];
  const CONNECTIONS = ['accepted', 'connecting', 'pending', 'offline', 'rejected'];
  const STATUS_COLOR = {
    Available: '#1a9b55', Preparing: '#2f6fd6', Charging: '#0f9b86', SuspendedEV: '#c98a06',
    SuspendedEVSE: '#c98a06', Finishing: '#7a52c7', Reserved: '#4a4fc4', Unavailable: '#8a93a3',
    Faulted: '#d23b3b', accepted: '#1a9b55', connecting: '#c98a06', pending: '#c98a06',
    offline: '#d23b3b', rejected: '#d23b3b',
  };
  // OCPP 1.6 §7.6 ChargePointErrorCode, NoError aside.
  const ERROR_CODES = ['ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature',
    'InternalError', 'LocalListConflict', 'OtherError', 'OverCurrentFailure', 'OverVoltage',
    'PowerMeterFailure', 'PowerSwitchFailure', 'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'WeakSignal'];
  const NET_MODES = [
    ['close', 'clean close', 'WebSocket close 1000: the CSMS sees the charger leave'],
    ['drop', 'abrupt drop', 'TCP reset: the connection breaks at once'],
    ['blackhole', 'black hole', 'half-open: packets go nowhere, only heartbeats and pings notice'],
  ];
  const LED_COLORS = {
    green: '#22c55e', blue: '#3b82f6', yellow: '#facc15', amber: '#f59e0b', orange: '#f97316',
    red: '#ef4444', white: '#f8fafc', cyan: '#22d3ee', purple: '#a855f7', violet: '#8b5cf6',
  };

  // ------------------------------------------------------------------ REST
  const sbase = (id) => '/api/stations/' + encodeURIComponent(id);
  /** A request; never throws. {ok, status, json, error}. */
  async function api(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let r;
    try {
      r = await fetch(path, init);
    } catch (e) {
      return { ok: false, status: 0, json: null, error: 'the simulator does not answer' };
    }
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    const error = r.ok ? null : (json && typeof json.error === 'string' ? json.error : 'HTTP ' + r.status);
    return { ok: r.ok, status: r.status, json, error };
  }
  /** 404/405/501: this ocpp-sim lacks the endpoint (an older or smaller build). */
  const missing = (r) => r.status === 404 || r.status === 405 || r.status === 501;

  function toast(text, kind) {
    const t = h('div', { class: 'toast' + (kind ? ' ' + kind : ''), role: 'status' }, text);
    $('#toasts').append(t);
    setTimeout(() => t.remove(), kind === 'bad' ? 7000 : 3500);
  }
  /** Run a REST action; errors become a toast. Returns the answer. */
  async function act(method, path, body, what) {
    const r = await api(method, path, body);
    if (!r.ok) toast((what ? what + ': ' : '') + r.error, 'bad');
    return r;
  }

  // ------------------------------------------------------------------ the store
  const store = {
    ids: [], // station ids in the simulator's order
    index: new Map(), // id -> position in ids
    brief: new Map(), // id -> {connection, connectors} from /api/stations
    states: new Map(), // id -> the station object (GET state or a `state` event)
    logs: new Map(), // id -> log store (below)
    cards: new Map(), // id -> [{time, idTag, connector, answer, verdict}]
    series: new Map(), // 'id|c' -> {key, t0, pts: [[t, powerW, energyWh, soc]], e0}
    netMode: new Map(), // id -> the mode of the last network switch from this page
    fetching: new Set(),
    events: new Map(), // id -> how many state events came (see fetchState)
    reported: new Map(), // 'id|c' -> the last StatusNotification's {errorCode, info, vendorErrorCode}
  };
  const listeners = new Set(); // views: {onState(id), onLog(id, entry), onList()}
  const emit = (fn, ...a) => {
    for (const l of [...listeners]) if (l[fn]) l[fn](...a);
  };

  function addIds(list) {
    let added = false;
    for (const s of list) {
      if (!store.index.has(s.id)) {
        store.index.set(s.id, store.ids.length);
        store.ids.push(s.id);
        added = true;
      }
      store.brief.set(s.id, { connection: s.connection, connectors: s.connectors });
    }
    if (added) emit('onList');
  }

  function putState(s) {
    if (!s || typeof s.id !== 'string') return;
    if (!Array.isArray(s.connectors)) { // a station too large for one event: ask for it
      fetchState(s.id);
      return;
    }
    if (!store.index.has(s.id)) addIds([{ id: s.id, connection: s.connection, connectors: s.connectors.length }]);
    store.states.set(s.id, s);
    if (s.lastCard && typeof s.lastCard === 'object' && !store.cards.has(s.id)) {
      // A page opened after the card: the simulator keeps the last one.
      const m = s.lastCard;
      const c = newCard(s.id, { idTag: String(m.idTag), connector: m.connector || null, src: 'event', evented: true });
      if (m.by === 'csms') c.verdict = { text: `${m.status || m.result} (Authorize)`, cls: verdictClass(m.status) };
      else c.outcome = outcomeOf(m, m.result !== 'ignored');
    }
    sample(s);
    emit('onState', s.id);
  }

  async function fetchState(id) {
    if (store.fetching.has(id)) return;
    store.fetching.add(id);
    const before = store.events.get(id) || 0;
    const r = await api('GET', sbase(id) + '/state');
    store.fetching.delete(id);
    // An event that came meanwhile may be newer than this answer (they travel on two connections);
    // the event stream brings every later change, so it wins.
    if (r.ok && r.json && (store.events.get(id) || 0) === before) putState(r.json);
  }

  /**
   * One chart point per connector per state, over a session: from the plug-in (or the
   * transaction's start) to the transaction's end or the unplug. The charts of the last session
   * stay until the next one begins.
   */
  function sample(s) {
    const now = Date.now();
    for (const c of s.connectors) {
      const k = s.id + '|' + c.id;
      let ser = store.series.get(k);
      const tx = c.transactionId !== null && c.transactionId !== undefined;
      const key = tx ? 'tx' + c.transactionId : c.plugged ? 'plug' : null;
      if (ser && !ser.ended) {
        if (key === null || (ser.session.startsWith('tx') && key !== ser.session)) {
          ser.pts.push([now, c.powerW, c.energyWh - ser.e0, typeof c.socPercent === 'number' ? c.socPercent : null]);
          ser.ended = now;
          ser.lastKey = key; // a new session begins when this changes
        }
        else if (key !== ser.session) ser.session = key; // plugged in, then the transaction
      }
      if ((!ser || ser.ended) && key !== null && (!ser || key !== ser.lastKey)) {
        ser = { session: key, pts: [], e0: c.energyWh, t0: now, ended: 0 };
        store.series.set(k, ser);
      }
      if (ser) ser.lastKey = key;
      if (!ser || ser.ended) continue;
      const last = ser.pts[ser.pts.length - 1];
      if (last && now - last[0] < 250) continue;
      ser.pts.push([now, c.powerW, c.energyWh - ser.e0, typeof c.socPercent === 'number' ? c.socPercent : null]);
      if (ser.pts.length > 720) ser.pts = ser.pts.filter((p, i) => i % 2 === 0 || i === ser.pts.length - 1);
    }
  }

  // ------------------------------------------------------------------ the message log
  function logOf(id) {
    let L = store.logs.get(id);
    if (!L) {
      L = { entries: [], seqs: new Map(), calls: new Map(), txConn: new Map(), actions: new Set(), loaded: false };
      store.logs.set(id, L);
    }
    return L;
  }

  /** A log entry from /api/log or a `message` event, with the OCPP-J frame taken apart. */
  function parseEntry(m) {
    let frame = Array.isArray(m.frame) ? m.frame : Array.isArray(m.message) ? m.message : null;
    let text = typeof m.text === 'string' ? m.text : frame ? JSON.stringify(frame) : '';
    if (!frame) {
      try {
        const f = JSON.parse(text);
        if (Array.isArray(f)) frame = f;
      } catch (e) {
        frame = null;
      }
    }
    const e = {
      station: m.station, seq: m.seq, time: m.time, dir: m.dir === 'in' ? 'in' : 'out', text, frame,
      truncated: !!m.truncated, type: 0, msgId: null, action: typeof m.action === 'string' ? m.action : null,
      payload: null, connector: null, req: null, res: null,
      answerTo: typeof m.answerTo === 'number' ? m.answerTo : null,
    };
    // Without a frame (cut by the simulator's log), what the simulator says about the message.
    const TYPES = { CALL: 2, CALLRESULT: 3, CALLERROR: 4 };
    if (!frame && TYPES[m.type]) {
      e.type = TYPES[m.type];
      e.msgId = m.messageId ?? null;
      e.errorCode = m.errorCode;
    }
    if (frame) {
      e.type = frame[0];
      e.msgId = frame[1];
      if (e.type === 2) {
        e.action = frame[2];
        e.payload = frame[3];
      } else if (e.type === 3) {
        e.payload = frame[2];
      } else if (e.type === 4) {
        e.errorCode = frame[2];
        e.errorDesc = frame[3];
        e.payload = frame[4];
      }
    }
    return e;
  }

  function linkEntry(L, e) {
    const p = e.payload && typeof e.payload === 'object' ? e.payload : {};
    if (e.type === 2) {
      L.calls.set(e.dir + '|' + e.msgId, e);
      if (typeof p.connectorId === 'number') e.connector = p.connectorId;
      else if (typeof p.evseId === 'number') e.connector = p.evseId;
      else if (e.action === 'StopTransaction' && L.txConn.has(p.transactionId)) e.connector = L.txConn.get(p.transactionId);
    } else if (e.type === 3 || e.type === 4) {
      const req = (e.answerTo !== null && L.seqs.get(e.answerTo)) || L.calls.get((e.dir === 'in' ? 'out' : 'in') + '|' + e.msgId);
      if (req) {
        e.req = req;
        req.res = e;
        e.action = e.action || req.action;
        e.connector = req.connector;
        e.latency = Date.parse(e.time) - Date.parse(req.time);
        if (req.action === 'StartTransaction' && typeof p.transactionId === 'number' && req.connector !== null) {
          L.txConn.set(p.transactionId, req.connector);
        }
      }
    }
    if (e.action) L.actions.add(e.action);
  }

  function addLog(m) {
    if (!m || typeof m.station !== 'string') return null;
    const L = logOf(m.station);
    if (L.seqs.has(m.seq)) return null;
    const e = parseEntry(m);
    e.raw = m;
    L.seqs.set(e.seq, e);
    L.entries.push(e);
    linkEntry(L, e);
    if (L.entries.length > 1000) {
      const old = L.entries.shift();
      L.seqs.delete(old.seq);
      if (old.type === 2) L.calls.delete(old.dir + '|' + old.msgId);
    }
    noteCard(m.station, e);
    if (e.type === 2 && e.dir === 'out' && e.action === 'StatusNotification' && e.payload && typeof e.payload.connectorId === 'number') {
      const p = e.payload;
      store.reported.set(m.station + '|' + p.connectorId, { errorCode: p.errorCode, info: p.info, vendorErrorCode: p.vendorErrorCode });
    }
    return e;
  }

  /** The history of a station's messages (GET log), merged under what the events brought. */
  async function loadLog(id) {
    const L = logOf(id);
    if (L.loaded) return true;
    const r = await api('GET', sbase(id) + '/log');
    if (!r.ok || !r.json || !Array.isArray(r.json.entries)) return false;
    const live = L.entries;
    const fresh = { entries: [], seqs: new Map(), calls: new Map(), txConn: new Map(), actions: new Set(), loaded: true };
    store.logs.set(id, fresh);
    const all = [...r.json.entries.map((m) => ({ ...m, station: id }))];
    const known = new Set(all.map((m) => m.seq));
    for (const e of live) if (!known.has(e.seq)) all.push(e.raw);
    all.sort((a, b) => a.seq - b.seq);
    const cards = store.cards.get(id) || [];
    store.cards.set(id, cards.filter((c) => c.src !== 'log')); // the log rebuilds the others
    for (const c of store.cards.get(id)) c.authCall = c.startCall = null;
    for (const m of all) addLog(m);
    return true;
  }

  /** Messages logged since the last one this page has (after the event stream was down). */
  async function syncLog(id) {
    const L = logOf(id);
    if (!L.loaded) return;
    let next = 0;
    for (const e of L.entries) next = Math.max(next, e.seq + 1);
    const r = await api('GET', sbase(id) + '/log?since=' + next);
    if (!r.ok || !r.json || !Array.isArray(r.json.entries)) return;
    for (const m of r.json.entries) {
      const e = addLog({ ...m, station: id });
      if (e) emit('onLog', id, e);
    }
  }

  /** What a log entry says in one line (whatever the payload holds: it may come from any CSMS). */
  function summary(e) {
    try {
      return String(summaryOf(e));
    } catch (err) {
      return e.text.slice(0, 160);
    }
  }
  function summaryOf(e) {
    const p = e.payload && typeof e.payload === 'object' ? e.payload : {};
    if (e.type === 4) return (e.errorCode || 'CALLERROR') + (e.errorDesc ? ': ' + e.errorDesc : '');
    if (!e.frame) return e.text.slice(0, 160) + (e.truncated ? ' … (truncated)' : '');
    const tag = (x) => (x && x.idTagInfo && x.idTagInfo.status) || '';
    const a = e.action;
    if (e.type === 2) {
      switch (a) {
        case 'BootNotification': return [p.chargePointVendor, p.chargePointModel, p.chargePointSerialNumber].filter(Boolean).join(' ') || (p.reason || '');
        case 'StatusNotification': return [p.status || p.connectorStatus, p.errorCode && p.errorCode !== 'NoError' ? p.errorCode : '', p.info || ''].filter(Boolean).join(' · ');
        case 'Authorize': return p.idTag || '';
        case 'StartTransaction': return `${p.idTag} · meterStart ${p.meterStart} Wh`;
        case 'StopTransaction': return `tx ${p.transactionId} · ${p.reason || 'Local'} · meterStop ${p.meterStop} Wh`;
        case 'MeterValues': {
          const sv = (p.meterValue && p.meterValue[0] && p.meterValue[0].sampledValue) || [];
          return sv.slice(0, 3).map((v) => `${(v.measurand || 'Energy').replace('.Active.Import', '')}${v.phase ? '.' + v.phase : ''} ${v.value}${v.unit ? ' ' + v.unit : ''}`).join(' · ') + (sv.length > 3 ? ` · +${sv.length - 3}` : '');
        }
        case 'ChangeConfiguration': return `${p.key} = ${p.value}`;
        case 'GetConfiguration': return p.key ? p.key.join(', ') : 'all keys';
        case 'DataTransfer': return [p.vendorId, p.messageId].filter(Boolean).join(' · ');
        case 'RemoteStartTransaction': return `${p.idTag}${p.connectorId ? ' on #' + p.connectorId : ''}`;
        case 'RemoteStopTransaction': return `tx ${p.transactionId}`;
        case 'Reset': case 'ChangeAvailability': case 'TriggerMessage': return p.type || p.requestedMessage || '';
        case 'Heartbeat': return '';
        default: return JSON.stringify(p).slice(0, 140);
      }
    }
    switch (a) {
      case 'BootNotification': return `${p.status} · interval ${p.interval} s`;
      case 'Heartbeat': return p.currentTime || '';
      case 'Authorize': return tag(p);
      case 'StartTransaction': return `tx ${p.transactionId} · ${tag(p)}`;
      case 'StopTransaction': return tag(p);
      case 'DataTransfer': return [p.status, p.data !== undefined ? JSON.stringify(p.data).slice(0, 80) : ''].filter(Boolean).join(' · ');
      default: return p.status || (Object.keys(p).length ? JSON.stringify(p).slice(0, 140) : '');
    }
  }

  // ------------------------------------------------------------------ the answer to every card
  // A card: {at, time, idTag, connector, outcome: {text, cls}, verdict: {text, cls}, pending, src}.
  // From this page (POST rfid and its answer), from the simulator's `card` events, and from the
  // log (the CSMS's idTagInfo in the answers to Authorize and StartTransaction).
  function cardsOf(id) {
    let c = store.cards.get(id);
    if (!c) store.cards.set(id, (c = []));
    return c;
  }
  /** What became of a card, in words: a POST rfid answer or a `card` event. */
  function outcomeOf(j, ok, error) {
    const o = j && typeof j === 'object' ? j : {};
    const why = o.reason ? ': ' + o.reason : '';
    switch (o.result) {
      case 'authorizing': return { text: 'Authorize sent to the CSMS', cls: '' };
      case 'accepted': return { text: `${o.status || 'Accepted'} ${o.by === 'csms' ? 'by the CSMS' : 'locally'}${why}`, cls: 'good' };
      case 'rejected': return { text: `${o.status || 'Rejected'} ${o.by === 'csms' ? 'by the CSMS' : 'locally'}${why}`, cls: 'bad' };
      case 'stopping': return { text: 'ends its transaction', cls: 'good' };
      case 'released': return { text: 'unlocks the cable', cls: 'good' };
      case 'ignored': return { text: 'ignored' + why, cls: 'meh' };
      default: break;
    }
    if (!ok) return { text: 'refused: ' + (error || '?'), cls: 'bad' };
    return { text: 'given to the reader', cls: '' };
  }
  const verdictClass = (s) => (s === 'Accepted' ? 'good' : s === 'ConcurrentTx' ? 'meh' : 'bad');
  /** The newest card of `idTag` that `pred` accepts, presented in the last two minutes. */
  function findCard(list, idTag, pred) {
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i];
      if (Date.now() - c.seen > 120000) break;
      if (c.idTag === idTag && pred(c)) return c;
    }
    return null;
  }
  function newCard(id, fields) {
    const c = { at: Date.now(), seen: Date.now(), time: new Date().toISOString(), outcome: null, verdict: null, pending: null, ...fields };
    const list = cardsOf(id);
    list.push(c);
    if (list.length > 200) list.splice(0, list.length - 200);
    return c;
  }
  /** A `card` event: {station, idTag, connector, result, status?, reason?, by?}. */
  function onCardEvent(m) {
    const id = m.station;
    if (typeof id !== 'string' || typeof m.idTag !== 'string') return;
    store.cardEvents = true;
    const list = cardsOf(id);
    if (m.by === 'csms') {
      const c = findCard(list, m.idTag, (x) => !x.verdict || x.verdict.auto);
      if (c) {
        c.verdict = { text: `${m.status || m.result} (Authorize)`, cls: verdictClass(m.status) };
        c.pending = null;
      }
    } else {
      let c = findCard(list, m.idTag, (x) => x.src === 'page' && !x.evented && (!m.connector || x.connector === m.connector || !x.connector));
      if (!c) c = newCard(id, { idTag: m.idTag, connector: m.connector || null, src: 'event' });
      c.evented = true;
      c.outcome = outcomeOf(m, m.result !== 'ignored');
      if (m.connector) c.connector = m.connector;
      if (m.result === 'authorizing') c.pending = 'Authorize';
    }
    emit('onCards', id);
  }
  /** What the log says about cards: the Authorize and StartTransaction requests and answers. */
  function noteCard(id, e) {
    const p = e.payload && typeof e.payload === 'object' ? e.payload : {};
    const list = cardsOf(id);
    if (e.type === 2 && e.dir === 'out' && (e.action === 'Authorize' || e.action === 'StartTransaction') && typeof p.idTag === 'string') {
      let c = findCard(list, p.idTag, (x) => (e.action === 'Authorize' ? !x.authCall : !x.startCall));
      if (!c && e.action === 'StartTransaction') return; // a remote start: no card
      if (!c && !store.cardEvents) c = newCard(id, { idTag: p.idTag, connector: e.connector, src: 'log', time: e.time });
      if (!c) return;
      c[e.action === 'Authorize' ? 'authCall' : 'startCall'] = e;
      c.seen = Date.now();
      c.pending = e.action;
      emit('onCards', id);
    } else if ((e.type === 3 || e.type === 4) && e.req && e.req.dir === 'out') {
      const c = list.find((x) => x.authCall === e.req || x.startCall === e.req);
      if (!c) return;
      const st = p.idTagInfo && p.idTagInfo.status;
      c.verdict = e.type === 4 ? { text: 'CALLERROR ' + (e.errorCode || ''), cls: 'bad' } : { text: `${st || '?'} (${e.req.action})`, cls: verdictClass(st) };
      c.pending = null;
      emit('onCards', id);
    }
  }

  // ------------------------------------------------------------------ server-sent events
  let events = null;
  function connectEvents() {
    events = new EventSource('/api/events');
    const live = $('#live');
    let opened = false;
    events.onopen = () => {
      setText(live, 'live');
      setClass(live, 'live');
      if (opened) resync(); // events may have been missed while the stream was down
      opened = true;
    };
    events.onerror = () => {
      setText(live, 'reconnecting');
      setClass(live, 'live off');
    };
    events.addEventListener('state', (ev) => {
      let s;
      try {
        s = JSON.parse(ev.data);
      } catch (e) {
        return; // not JSON: ignored
      }
      if (s && typeof s.id === 'string') store.events.set(s.id, (store.events.get(s.id) || 0) + 1);
      putState(s);
    });
    events.addEventListener('message', (ev) => {
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      const e = addLog(m);
      if (e) emit('onLog', m.station, e);
    });
    events.addEventListener('card', (ev) => {
      try {
        onCardEvent(JSON.parse(ev.data));
      } catch (e) { /* ignored */ }
    });
    events.addEventListener('display', (ev) => {
      try {
        const d = JSON.parse(ev.data);
        emit('onDisplay', d.station || d.id);
      } catch (e) { /* ignored */ }
    });
  }

  /** After the event stream came back: the states and messages it may have missed. */
  async function resync() {
    await new Promise((r) => setTimeout(r, 400)); // a snapshot, where the simulator sends one
    if (current && current.stationId) {
      await fetchState(current.stationId);
      await syncLog(current.stationId);
    }
    await fillStates(true);
  }

  /** States of stations no event has told about yet, a few requests at a time. */
  async function fillStates(all) {
    const todo = store.ids.filter((id) => all || !store.states.has(id));
    const worker = async () => {
      while (todo.length) {
        const id = todo.shift();
        if (all || !store.states.has(id)) await fetchState(id);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  // ------------------------------------------------------------------ small widgets
  function pill(cls, text) {
    return h('span', { class: 'pill ' + cls }, text);
  }
  /** A sparkline on a canvas, redrawn when its points change. */
  function spark(canvas, pts, idx, color) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 150;
    const hgt = canvas.clientHeight || 38;
    if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
    if (canvas.height !== Math.round(hgt * dpr)) canvas.height = Math.round(hgt * dpr);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const p = pts.filter((x) => typeof x[idx] === 'number');
    if (p.length < 2) return;
    const t0 = p[0][0];
    const t1 = Math.max(p[p.length - 1][0], t0 + 1);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of p) {
      lo = Math.min(lo, x[idx]);
      hi = Math.max(hi, x[idx]);
    }
    if (idx !== 3) lo = Math.min(lo, 0);
    if (hi - lo < 1e-9) hi = lo + 1;
    const X = (t) => 2 + ((t - t0) / (t1 - t0)) * (w - 4);
    const Y = (v) => hgt - 3 - ((v - lo) / (hi - lo)) * (hgt - 8);
    g.beginPath();
    g.moveTo(X(p[0][0]), Y(p[0][idx]));
    for (const x of p) g.lineTo(X(x[0]), Y(x[idx]));
    g.strokeStyle = color;
    g.lineWidth = 1.6;
    g.lineJoin = 'round';
    g.stroke();
    g.lineTo(X(p[p.length - 1][0]), hgt);
    g.lineTo(X(p[0][0]), hgt);
    g.closePath();
    g.fillStyle = color + '22';
    g.fill();
  }

  // ------------------------------------------------------------------ fleet figures
  /** The fleet's live figures (GET /api/fleet/stats, every second): a card; hidden if this
   *  ocpp-sim lacks the endpoint. close() stops the refresh. */
  function FleetFigures() {
    const FIGS = [
      ['connected', 'connected'], ['booted', 'booted'], ['charging', 'charging'],
      ['inPerS', 'msg/s in'], ['outPerS', 'msg/s out'], ['callErrors', 'CALLERRORs'], ['timeouts', 'timeouts'],
      ['p50', 'response p50 ms'], ['p95', 'response p95 ms'], ['p99', 'response p99 ms'],
    ];
    const tiles = new Map();
    const row = h('div', { class: 'figs' });
    for (const [k, label] of FIGS) {
      const b = h('b', null, '–');
      const t = h('div', { class: 'fig', 'data-fig': k }, b, h('span', null, label));
      tiles.set(k, { t, b });
      row.append(t);
    }
    const codes = h('span', { class: 'note figcodes' });
    const tbody = h('tbody');
    const COLS = ['calls', 'answered', 'callErrors', 'timeouts', 'p50', 'p95', 'p99', 'max', 'mean'];
    const table = h('table', { class: 'fleet-rt' },
      h('thead', null, h('tr', null, h('th', null, 'CSMS response time (ms) per action'),
        ...['calls', 'answered', 'CALLERRORs', 'timeouts', 'p50', 'p95', 'p99', 'max', 'mean'].map((c) => h('th', { class: 'num' }, c)))),
      tbody);
    const note = h('span', { class: 'note' });
    const el = h('div', { class: 'card fleet-figs', hidden: true },
      h('div', { class: 'figs-head' }, h('span', { class: 'lbl' }, 'Live figures'), note,
        h('a', { class: 'btn small', href: '/api/fleet/report.html', target: '_blank', rel: 'noopener' }, 'report'),
        h('a', { class: 'btn small', href: '/api/fleet/report', target: '_blank', rel: 'noopener' }, 'JSON')),
      row, codes, table);
    const rows = new Map();
    const show1 = (x) => (x === null || x === undefined ? '–' : String(x));
    function fill(st) {
      const v = {
        connected: `${st.connected}/${st.stations}`, booted: st.booted, charging: st.charging,
        inPerS: num(st.messages.inPerS, 1), outPerS: num(st.messages.outPerS, 1),
        callErrors: st.callErrors.received, timeouts: st.timeouts,
        p50: show1(st.responseTimeMs.p50), p95: show1(st.responseTimeMs.p95), p99: show1(st.responseTimeMs.p99),
      };
      for (const [k, { t, b }] of tiles) {
        setText(b, v[k]);
        setClass(t, 'fig' + ((k === 'callErrors' || k === 'timeouts') && v[k] > 0 ? ' bad' : ''));
      }
      setText(note, `${st.messages.in} in · ${st.messages.out} out · up ${duration(st.uptimeS * 1000)}`);
      const cs = Object.entries(st.callErrors.byCode);
      setText(codes, cs.length ? 'CALLERRORs by errorCode: ' + cs.map(([c, n]) => `${c} ${n}`).join(' · ') : '');
      for (const [name, a] of Object.entries(st.actions)) {
        let r = rows.get(name);
        if (!r) {
          const cells = COLS.map(() => h('td', { class: 'num' }));
          r = { tr: h('tr', { 'data-action': name }, h('td', null, name), ...cells), cells };
          rows.set(name, r);
          tbody.append(r.tr);
        }
        COLS.forEach((c, i) => setText(r.cells[i], show1(a[c])));
      }
    }
    let timer = 0;
    let closed = false;
    async function refresh() {
      const r = await api('GET', '/api/fleet/stats');
      if (closed) return;
      if (r.ok && r.json && r.json.messages) {
        fill(r.json);
        show(el, true);
      } else if (missing(r)) {
        show(el, false);
        return; // this ocpp-sim has no fleet figures: stop asking
      }
      timer = setTimeout(refresh, 1000);
    }
    refresh();
    return {
      el,
      close() {
        closed = true;
        clearTimeout(timer);
      },
    };
  }

  // ------------------------------------------------------------------ fleet view
  function FleetView(main) {
    const PAGE = 20;
    const v = { page: 0, query: '', filter: null, rows: new Map(), raf: 0 };
    const title = h('h1', null, 'Fleet');
    const total = h('span', { class: 'note' });
    const connChips = h('div', { class: 'chips' });
    const statChips = h('div', { class: 'chips' });
    const search = h('input', { type: 'search', placeholder: 'search station id', 'aria-label': 'search', oninput: () => { v.query = search.value.trim().toLowerCase(); v.page = 0; render(); } });
    const clear = h('button', { class: 'btn small', onclick: () => { v.filter = null; search.value = ''; v.query = ''; v.page = 0; render(); } }, 'clear filters');
    const tbody = h('tbody');
    const prev = h('button', { class: 'btn', onclick: () => { v.page--; render(); } }, '‹ Previous');
    const next = h('button', { class: 'btn', onclick: () => { v.page++; render(); } }, 'Next ›');
    const pageInfo = h('span', { class: 'note pageinfo' });
    const chipEls = new Map();
    const mkChip = (kind, name, box) => {
      const n = h('b', null, '0');
      const c = h('button', { class: 'chip', 'data-filter': kind + ':' + name, onclick: () => { const f = kind + ':' + name; v.filter = v.filter === f ? null : f; v.page = 0; render(); } },
        h('span', { class: 'dot', style: 'background:' + STATUS_COLOR[name] }), name, n);
      chipEls.set(kind + ':' + name, { c, n });
      box.append(c);
    };
    for (const c of CONNECTIONS) mkChip('conn', c, connChips);
    for (const s of STATUSES) mkChip('status', s, statChips);
    const figures = FleetFigures();
    main.replaceChildren(
      h('div', { class: 'fleet-head' }, title, total),
      figures.el,
      h('div', { class: 'card fleet-bar' },
        h('div', { class: 'row' }, h('span', { class: 'lbl' }, 'Connection'), connChips),
        h('div', { class: 'row' }, h('span', { class: 'lbl' }, 'Connectors'), statChips),
        h('div', { class: 'row' }, h('span', { class: 'lbl' }, 'Search'), search, clear)),
      h('div', { class: 'card' },
        h('table', { class: 'fleet' },
          h('thead', null, h('tr', null, h('th', null, 'Station'), h('th', null, 'Connection'), h('th', null, 'Connectors'),
            h('th', { class: 'num' }, 'Power kW'), h('th', { class: 'num' }, 'Energy kWh'), h('th', { class: 'num' }, 'Queue'))),
          tbody),
        h('div', { class: 'pager' }, pageInfo, prev, next)));

    const connOf = (id) => (store.states.get(id) || store.brief.get(id) || {}).connection || 'connecting';
    function matches(id) {
      if (v.query && !id.toLowerCase().includes(v.query)) return false;
      if (!v.filter) return true;
      const [kind, name] = v.filter.split(':');
      if (kind === 'conn') return connOf(id) === name;
      const s = store.states.get(id);
      return !!s && s.connectors.some((c) => c.status === name);
    }
    function counts() {
      const n = {};
      for (const id of store.ids) {
        const c = 'conn:' + connOf(id);
        n[c] = (n[c] || 0) + 1;
        const s = store.states.get(id);
        if (s) for (const k of s.connectors) n['status:' + k.status] = (n['status:' + k.status] || 0) + 1;
      }
      for (const [k, { c, n: el }] of chipEls) {
        setText(el, n[k] || 0);
        setClass(c, 'chip' + (v.filter === k ? ' on' : '') + (n[k] ? '' : ' zero'));
      }
      let w = 0;
      let tx = 0;
      for (const s of store.states.values()) for (const k of s.connectors) {
        w += k.powerW || 0;
        if (k.transactionId !== null && k.transactionId !== undefined) tx++;
      }
      const unknown = store.ids.length - store.states.size;
      setText(total, `${store.ids.length} station${store.ids.length === 1 ? '' : 's'} · ${tx} transaction${tx === 1 ? '' : 's'} · ${kW(w)} kW` +
        (unknown > 0 ? ` · ${unknown} still loading` : ''));
    }
    function row(id) {
      const conn = h('span', { class: 'pill' });
      const cps = h('div', { class: 'cpills' });
      const pw = h('td', { class: 'num' });
      const en = h('td', { class: 'num' });
      const q = h('td', { class: 'num' });
      const tr = h('tr', { 'data-id': id, onclick: () => { location.hash = '#/s/' + encodeURIComponent(id); } },
        h('td', null, h('a', { class: 'sid', href: '#/s/' + encodeURIComponent(id) }, id)), h('td', null, conn), h('td', null, cps), pw, en, q);
      const r = { tr, conn, cps, pw, en, q, pills: [] };
      update(id, r);
      return r;
    }
    function update(id, r) {
      const s = store.states.get(id);
      const c = connOf(id);
      setText(r.conn, c);
      setClass(r.conn, 'pill c-' + c);
      if (!s) {
        setText(r.pw, '');
        return;
      }
      while (r.pills.length < s.connectors.length) {
        const p = h('span', { class: 'pill' });
        r.pills.push(p);
        r.cps.append(p);
      }
      s.connectors.forEach((k, i) => {
        setText(r.pills[i], `${k.id} ${k.status}`);
        setClass(r.pills[i], 'pill s-' + k.status);
        r.pills[i].title = k.errorCode !== 'NoError' ? k.errorCode : k.transactionId !== null ? 'transaction ' + k.transactionId : '';
      });
      setText(r.pw, kW(s.connectors.reduce((a, k) => a + (k.powerW || 0), 0)));
      setText(r.en, kWh(s.connectors.reduce((a, k) => a + (k.energyWh || 0), 0)));
      setText(r.q, s.queue ? s.queue.entries : '');
    }
    function render() {
      cancelAnimationFrame(v.raf);
      v.raf = 0;
      const list = store.ids.filter(matches);
      const pages = Math.max(1, Math.ceil(list.length / PAGE));
      v.page = Math.min(Math.max(0, v.page), pages - 1);
      const slice = list.slice(v.page * PAGE, v.page * PAGE + PAGE);
      const want = new Set(slice);
      for (const [id, r] of v.rows) if (!want.has(id)) { r.tr.remove(); v.rows.delete(id); }
      slice.forEach((id, i) => {
        let r = v.rows.get(id);
        if (!r) v.rows.set(id, (r = row(id)));
        if (tbody.children[i] !== r.tr) tbody.insertBefore(r.tr, tbody.children[i] || null);
      });
      if (!slice.length && !tbody.querySelector('.none')) tbody.append(h('tr', { class: 'none' }, h('td', { colspan: 6, class: 'empty' }, 'No station matches.')));
      if (slice.length) for (const n of tbody.querySelectorAll('.none')) n.remove();
      setText(pageInfo, list.length ? `${v.page * PAGE + 1}–${v.page * PAGE + slice.length} of ${list.length} · page ${v.page + 1} of ${pages}` : '0 of 0');
      prev.disabled = v.page === 0;
      next.disabled = v.page >= pages - 1;
      counts();
    }
    const later = () => {
      if (!v.raf) v.raf = requestAnimationFrame(() => { v.raf = 0; tick(); });
    };
    let filterDirty = false;
    function tick() {
      if (filterDirty) {
        filterDirty = false;
        render();
        return;
      }
      counts();
    }
    render();
    return {
      onState(id) {
        const r = v.rows.get(id);
        if (r) update(id, r);
        if (v.filter) filterDirty = true;
        later();
      },
      onList() {
        filterDirty = true;
        later();
      },
      close() {
        cancelAnimationFrame(v.raf);
        figures.close();
      },
    };
  }

  // ------------------------------------------------------------------ station view
  function StationView(main, id) {
    const view = { id, conns: [], disposed: false };
    const base = sbase(id);

    // Header: id, connection, network, queue, (OLED, buttons).
    const connPill = h('span', { class: 'pill' });
    const netState = h('span', { class: 'netstate' });
    const netMode = h('select', { 'aria-label': 'how the network goes off', title: 'how the network goes off' },
      NET_MODES.map(([v, t, d]) => h('option', { value: v, title: d }, t)));
    const netBtn = h('button', { class: 'btn', onclick: () => toggleNet() });
    const netNote = h('span', { class: 'note' });
    const powerNote = h('span', { class: 'note' });
    const qbar = h('div', { class: 'qbar', title: 'transaction messages not yet confirmed by the CSMS (OCPP 1.6 §3.7)' }, h('i'));
    const qtext = h('span', { class: 'note' });
    const csms = h('div', { class: 'meta' });
    const hd = h('div', { class: 'card shead' });
    const oledImg = h('img', { alt: 'the station display (128×64)', width: 256, height: 128, hidden: true });
    const oledNa = h('span', { class: 'na' }, 'no display yet');
    const btnNote = h('span', { class: 'note' });
    const face = h('div', { class: 'face' },
      h('div', { class: 'oled' }, oledImg, oledNa),
      h('div', { class: 'row' },
        h('button', { class: 'btn', title: 'POST buttons/stop: ends the local session as a card would', onclick: () => press('stop') }, '■ Stop'),
        h('button', { class: 'btn', title: 'POST buttons/menu: the next information screen', onclick: () => press('menu') }, '☰ Menu')),
      btnNote);
    hd.append(
      h('div', null,
        h('div', { class: 'title' }, h('h1', { class: 'sid' }, id), connPill),
        csms,
        h('div', { class: 'ctl' },
          h('div', { class: 'group' }, h('span', { class: 'gl' }, 'Network'),
            h('div', { class: 'row' }, netState, netMode, netBtn), netNote),
          h('div', { class: 'group' }, h('span', { class: 'gl' }, 'Transaction queue'),
            h('div', { class: 'row' }, qbar), qtext),
          h('div', { class: 'group' }, h('span', { class: 'gl' }, 'Power'),
            h('div', { class: 'row' },
              h('button', { class: 'btn', 'data-act': 'reboot', title: 'POST reboot: the charger reboots; running transactions stop with reason Reboot', onclick: () => power('reboot') }, '↻ Reboot'),
              h('button', { class: 'btn danger', 'data-act': 'power-cut', title: 'POST power-cut: power lost and back at once; nothing more is sent, transactions stop with PowerLoss after the restart', onclick: () => power('power-cut') }, 'Power cut')),
            powerNote))),
      face);

    // Connectors on the left, the tabs on the right.
    const conns = h('div', { class: 'conns' });
    const tabsEl = h('div', { class: 'tabs', role: 'tablist' });
    const paneEl = h('div', { class: 'pane' });
    const panel = h('div', { class: 'card panel' }, tabsEl, paneEl);
    main.replaceChildren(hd, h('div', { class: 'layout' }, conns, panel));

    const logPane = LogPane(id);
    const cfgPane = ConfigPane(id);
    const cardPane = CardsPane(id);
    const dtPane = DataTransferPane(id);
    const tabs = [['messages', 'Messages', logPane], ['config', 'Configuration', cfgPane], ['cards', 'Cards', cardPane], ['dt', 'DataTransfer', dtPane]];
    const tabBtns = new Map();
    let current = null;
    for (const [key, label, pane] of tabs) {
      const b = h('button', { class: 'tab', role: 'tab', 'data-tab': key, onclick: () => open(key) }, label, pane.badge || null);
      tabBtns.set(key, b);
      tabsEl.append(b);
    }
    function open(key) {
      current = key;
      for (const [k, , pane] of tabs) {
        setClass(tabBtns.get(k), 'tab' + (k === key ? ' on' : ''));
        if (k === key) {
          paneEl.replaceChildren(pane.el);
          if (pane.opened) pane.opened();
        }
      }
    }
    open('messages');

    async function toggleNet() {
      const s = store.states.get(id);
      const online = !(s && s.networkOnline);
      const mode = netMode.value;
      netBtn.disabled = true;
      const r = await act('POST', base + '/network', online ? { online: true } : { online: false, mode }, 'network');
      netBtn.disabled = false;
      if (!r.ok) return;
      if (!online) {
        store.netMode.set(id, r.json && typeof r.json.mode === 'string' ? r.json.mode : 'close');
        setText(netNote, r.json && r.json.mode === undefined && mode !== 'close' ? `mode "${mode}" not available in this ocpp-sim: it closed the connection cleanly` : '');
      } else setText(netNote, '');
    }
    async function power(what) {
      const r = await api('POST', base + '/' + what);
      if (missing(r)) setText(powerNote, `${what} is not available in this ocpp-sim`);
      else if (!r.ok) toast(what + ': ' + r.error, 'bad');
      else setText(powerNote, what === 'reboot'
        ? `rebooting${r.json && r.json.stopped && r.json.stopped.length ? ', stopped on ' + r.json.stopped.join(', ') : ''}`
        : 'power cut: restarted from storage');
    }
    async function press(name) {
      const r = await api('POST', base + '/buttons/' + name);
      if (missing(r)) setText(btnNote, `the ${name} button is not available in this ocpp-sim`);
      else if (!r.ok) toast(name + ': ' + r.error, 'bad');
      else setText(btnNote, '');
    }

    // The display: a PNG fetched when the station changes, at most twice a second.
    const disp = { busy: false, again: false, last: 0, url: null, gone: false, timer: 0, rev: undefined };
    async function refreshDisplay() {
      if (disp.gone || view.disposed) return;
      if (disp.busy) {
        disp.again = true;
        return;
      }
      const wait = 450 - (Date.now() - disp.last);
      if (wait > 0) {
        if (!disp.timer) disp.timer = setTimeout(() => { disp.timer = 0; refreshDisplay(); }, wait);
        return;
      }
      disp.busy = true;
      disp.last = Date.now();
      try {
        const r = await fetch(base + '/display', { headers: { Accept: 'image/png' } });
        if (missing(r)) {
          disp.gone = true;
          setText(oledNa, 'no display in this ocpp-sim (GET /api/display)');
          show(oledNa, true);
          show(oledImg, false);
        } else if (r.ok && (r.headers.get('Content-Type') || '').startsWith('image/')) {
          const url = URL.createObjectURL(await r.blob());
          oledImg.src = url;
          if (disp.url) URL.revokeObjectURL(disp.url);
          disp.url = url;
          show(oledImg, true);
          show(oledNa, false);
        }
      } catch (e) { /* the next change tries again */ }
      disp.busy = false;
      if (disp.again && !view.disposed) {
        disp.again = false;
        refreshDisplay();
      }
    }

    function updateHead(s) {
      const c = s.connection;
      setText(connPill, c);
      setClass(connPill, 'pill c-' + c);
      setClass(hd, 'card shead' + (c === 'offline' || c === 'rejected' || !s.networkOnline ? ' offline' : ''));
      setText(csms, 'CSMS ' + (s.csms || ''));
      const mode = s.networkMode || (s.network && s.network.mode) || store.netMode.get(id) || 'close';
      const modeName = (NET_MODES.find((m) => m[0] === mode) || [mode, mode])[1];
      setText(netState, s.networkOnline ? 'online' : 'off · ' + modeName);
      setClass(netState, 'netstate' + (s.networkOnline ? '' : ' down'));
      setText(netBtn, s.networkOnline ? 'Take offline' : 'Bring online');
      setClass(netBtn, 'btn' + (s.networkOnline ? ' danger' : ' primary'));
      netMode.disabled = !s.networkOnline;
      if (s.queue) {
        const q = s.queue;
        const pct = q.capacityBytes ? Math.min(100, (100 * q.usedBytes) / q.capacityBytes) : 0;
        qbar.firstChild.style.width = pct.toFixed(1) + '%';
        setClass(qbar, 'qbar' + (pct > 90 ? ' full' : ''));
        setText(qtext, `${q.entries} message${q.entries === 1 ? '' : 's'} · ${q.usedBytes} of ${q.capacityBytes} B` +
          (q.thinned ? ` · ${q.thinned} thinned` : '') + (q.lost ? ` · ${q.lost} lost` : '') + (q.storeErrors ? ` · ${q.storeErrors} store errors` : ''));
      } else setText(qtext, 'not reported');
    }

    function render() {
      const s = store.states.get(id);
      if (!s) return;
      updateHead(s);
      if (view.conns.length !== s.connectors.length) {
        view.conns = s.connectors.map((c) => ConnectorCard(id, c.id));
        conns.replaceChildren(...view.conns.map((c) => c.el));
        logPane.setConnectors(s.connectors.length);
      }
      s.connectors.forEach((c, i) => view.conns[i].update(s, c));
      dtPane.update(s);
      // The picture changes with the display's revision, where the state has one.
      const rev = s.display && typeof s.display.revision === 'number' ? s.display.revision : null;
      if (rev === null || rev !== disp.rev) {
        disp.rev = rev;
        refreshDisplay();
      }
    }

    const listener = {
      stationId: id,
      onState(sid) {
        if (sid === id) render();
      },
      onLog(sid, e) {
        if (sid === id) {
          logPane.add(e);
          cardPane.refresh();
          if (e.action === 'StatusNotification' && e.type === 2) render();
        }
      },
      onCards(sid) {
        if (sid === id) {
          cardPane.refresh();
          for (const c of view.conns) c.cards();
        }
      },
      onDisplay(sid) {
        if (sid === id) refreshDisplay();
      },
      close() {
        view.disposed = true;
        clearTimeout(disp.timer);
        if (disp.url) URL.revokeObjectURL(disp.url);
      },
    };
    (async () => {
      if (!store.states.has(id)) await fetchState(id);
      if (view.disposed) return;
      if (!store.states.has(id)) {
        main.replaceChildren(h('p', { class: 'empty' }, 'No station ', h('b', null, id), ' in this simulator.'));
        return;
      }
      render();
      if (await loadLog(id)) logPane.reload();
      else logPane.unavailable();
      cardPane.refresh();
    })();
    return listener;
  }

  function ConnectorCard(id, n) {
    const base = sbase(id) + '/connectors/' + n;
    const led = h('span', { class: 'led', title: 'status light' });
    const status = h('span', { class: 'pill' });
    const tx = h('span', { class: 'tx' });
    const err = h('div', { class: 'err', hidden: true });
    const metric = (label, unit, color, idx) => {
      const v = h('span', { class: 'mv' });
      const sub = h('div', { class: 'sub' });
      const canvas = h('canvas', { 'aria-hidden': 'true' });
      const el = h('div', { class: 'metric' }, h('div', { class: 'lb' }, label), h('div', { class: 'v' }, v, h('small', null, unit)), canvas, sub);
      return { el, v, sub, canvas, color, idx };
    };
    const mP = metric('Power', 'kW', '#0f9b86', 1);
    const mE = metric('Energy', 'kWh', '#2f6fd6', 2);
    const mS = metric('State of charge', '%', '#7a52c7', 3);
    const fact = (label) => {
      const b = h('b');
      return { el: h('span', null, label + ' ', b), b };
    };
    const fPilot = fact('pilot');
    const fRelay = fact('relay');
    const fLock = fact('lock');
    const fOffer = fact('offered');
    const fLimit = fact('limit');
    const fCur = fact('current');
    const fTemp = fact('temperature');
    const fCable = fact('cable');

    // Controls.
    const battery = h('input', { type: 'number', min: 1, max: 1000, step: 1, value: 60, 'aria-label': 'battery kWh' });
    const soc = h('input', { type: 'number', min: 0, max: 100, step: 1, value: 20, 'aria-label': 'state of charge %' });
    const amps = h('input', { type: 'number', min: 1, max: 80, step: 1, value: 16, 'aria-label': 'EV max current A' });
    const phases = h('select', { 'aria-label': 'phases' }, h('option', { value: 3 }, '3'), h('option', { value: 2 }, '2'), h('option', { value: 1 }, '1'));
    const cable = h('select', { 'aria-label': 'cable type', onchange: () => setCable() }, h('option', { value: 'socket' }, 'socket outlet'), h('option', { value: 'fixed' }, 'fixed cable'));
    const plugBtn = h('button', { class: 'btn primary', 'data-act': 'plug', onclick: () => plug() }, 'Plug in');
    const plugRow = h('div', { class: 'row' }, h('span', { class: 'rl' }, 'EV'),
      h('label', { class: 'f' }, 'battery', battery, 'kWh'), h('label', { class: 'f' }, 'SoC', soc, '%'),
      h('label', { class: 'f' }, 'max', amps, 'A'), h('label', { class: 'f' }, 'phases', phases),
      h('label', { class: 'f' }, 'cable', cable), plugBtn);
    const unplugBtn = h('button', { class: 'btn', 'data-act': 'unplug', onclick: () => simple('POST', base + '/unplug', undefined, 'unplug') }, 'Unplug');
    const evBtn = h('button', { class: 'btn', 'data-act': 'ev', onclick: () => pauseResume() });
    const evNote = h('span', { class: 'note' });
    const pluggedRow = h('div', { class: 'row' }, h('span', { class: 'rl' }, 'EV'), unplugBtn, evBtn, evNote);
    const tag = h('input', { type: 'text', value: 'TAG-' + n, maxlength: 20, size: 14, 'aria-label': 'idTag', onkeydown: (e) => { if (e.key === 'Enter') present(); } });
    const cardBtn = h('button', { class: 'btn', 'data-act': 'card', onclick: () => present() }, 'Present card');
    const answer = h('span', { class: 'answer', hidden: true });
    const fault = h('select', { 'aria-label': 'error code' }, ERROR_CODES.map((c) => h('option', { value: c }, c)));
    const info = h('input', { type: 'text', placeholder: 'info', maxlength: 50, size: 12, 'aria-label': 'info' });
    const vendor = h('input', { type: 'text', placeholder: 'vendor code', maxlength: 50, size: 10, 'aria-label': 'vendor error code' });
    const faultBtn = h('button', { class: 'btn danger', 'data-act': 'fault', onclick: () => simple('POST', base + '/fault', { errorCode: fault.value, info: info.value || undefined, vendorErrorCode: vendor.value || undefined }, 'fault') }, 'Inject');
    const clearBtn = h('button', { class: 'btn', 'data-act': 'clear', onclick: () => simple('DELETE', base + '/fault', undefined, 'clear fault') }, 'Clear');
    const temp = h('input', { type: 'number', min: -40, max: 150, step: 1, value: 25, 'aria-label': 'temperature °C', onkeydown: (e) => { if (e.key === 'Enter') setTemp(0); } });
    const tempBtn = h('button', { class: 'btn', 'data-act': 'temperature', onclick: () => setTemp(0) }, 'Set');
    const tempNote = h('span', { class: 'note' });
    const relBtn = h('button', { class: 'btn', 'data-act': 'release', hidden: true, title: 'let the sensor follow the physics again', onclick: () => setTemp(null) }, 'Release');
    const el = h('section', { class: 'card conn', 'data-connector': n },
      h('div', { class: 'hd' }, led, h('h2', null, 'Connector ' + n), status, tx),
      err,
      h('div', { class: 'metrics' }, mP.el, mE.el, mS.el),
      h('div', { class: 'facts' }, fPilot.el, fRelay.el, fLock.el, fCable.el, fOffer.el, fLimit.el, fCur.el, fTemp.el),
      h('div', { class: 'controls' },
        plugRow, pluggedRow,
        h('div', { class: 'row' }, h('span', { class: 'rl' }, 'Card'), tag, cardBtn, answer),
        h('div', { class: 'row' }, h('span', { class: 'rl' }, 'Fault'), fault, info, vendor, faultBtn, clearBtn),
        h('div', { class: 'row' }, h('span', { class: 'rl' }, 'Sensor'), h('label', { class: 'f' }, 'temperature', temp, '°C'), tempBtn, relBtn, tempNote)));
    let last = null;
    let tempTouched = false;
    temp.addEventListener('input', () => { tempTouched = true; });

    function simple(method, path, body, what) {
      return act(method, path, body, what); // the change comes back as a state event
    }
    function plug() {
      simple('POST', base + '/plug', { batteryWh: Math.round(Number(battery.value) * 1000), socPercent: Number(soc.value), evMaxCurrentA: Number(amps.value), phases: Number(phases.value) }, 'plug');
    }
    function setCable() {
      simple('POST', base + '/cable', { type: cable.value }, 'cable');
    }
    function pauseResume() {
      simple('POST', base + '/ev', { charging: !(last && last.evCharging) }, 'EV');
    }
    async function present() {
      const idTag = tag.value;
      const c = newCard(id, { idTag, connector: n, src: 'page' });
      emit('onCards', id);
      const r = await api('POST', sbase(id) + '/rfid', { idTag, connector: n });
      c.outcome = outcomeOf(r.json, r.ok, r.error);
      if (r.json && r.json.result === 'authorizing' && !c.verdict) c.pending = 'Authorize';
      if (r.json && typeof r.json.connector === 'number' && r.json.connector > 0) c.connector = r.json.connector;
      emit('onCards', id);
    }
    async function setTemp(v) {
      const r = await api('POST', base + '/temperature', { celsius: v === null ? null : Number(temp.value) });
      if (missing(r)) setText(tempNote, 'not available in this ocpp-sim');
      else if (!r.ok) toast('temperature: ' + r.error, 'bad');
      else {
        setText(tempNote, '');
        tempTouched = false;
      }
    }
    function cards() {
      const list = cardsOf(id);
      let c = null;
      for (let i = list.length - 1; i >= 0 && !c; i--) if (list[i].connector === n) c = list[i];
      if (!c) return;
      const what = c.verdict ? c.verdict.text : c.pending ? c.pending + ' sent…' : '';
      setText(answer, c.idTag + ' → ' + [c.outcome ? c.outcome.text : 'sending…', what].filter(Boolean).join(' · '));
      setClass(answer, 'answer ' + (c.verdict ? c.verdict.cls : c.outcome ? c.outcome.cls : ''));
      show(answer, true);
    }
    function update(s, c) {
      last = c;
      setText(status, c.status);
      setClass(status, 'pill s-' + c.status);
      setText(tx, '');
      if (c.transactionId !== null && c.transactionId !== undefined) {
        tx.append('transaction ', h('b', null, String(c.transactionId)), ' · ', h('b', null, c.idTag || ''));
      } else if (c.idTag) tx.append('card ', h('b', null, c.idTag));
      const e = c.errorCode && c.errorCode !== 'NoError';
      // info and vendorErrorCode: the state's, else what the last StatusNotification reported.
      const rep = store.reported.get(id + '|' + n);
      const info = c.info ?? (rep && rep.errorCode === c.errorCode ? rep.info : undefined);
      const vendorCode = c.vendorErrorCode ?? (rep && rep.errorCode === c.errorCode ? rep.vendorErrorCode : undefined);
      show(err, e || !!info || !!vendorCode);
      if (e || info || vendorCode) setText(err, [c.errorCode, info, vendorCode && 'vendor code ' + vendorCode].filter(Boolean).join(' · '));
      // LED (issue 15): {color, pattern} when the simulator reports it.
      if (c.led && typeof c.led === 'object') {
        const col = String(c.led.color || 'off').toLowerCase();
        const pat = String(c.led.pattern || 'steady').toLowerCase().replace(/[^a-z]/g, '');
        const css = LED_COLORS[col] || (/^#[0-9a-f]{3,8}$/.test(col) ? col : null);
        led.style.background = css || '#c7ced8';
        led.style.opacity = typeof c.led.intensityPercent === 'number' && css ? String(0.35 + 0.65 * Math.min(100, c.led.intensityPercent) / 100) : '';
        led.style.setProperty('--glow', css ? css + '99' : '#0000');
        setClass(led, 'led' + (css ? ' lit' : '') + (css ? ' p-' + pat : ''));
        led.title = `status light: ${col} ${pat}`;
        show(led, true);
      } else show(led, false);
      const ser = store.series.get(id + '|' + n);
      const pts = ser ? ser.pts : [];
      setText(mP.v, kW(c.powerW));
      setText(mP.sub, c.currentA ? `${num(c.currentA, 1)} A per phase` : '');
      const inSession = !!ser && !ser.ended;
      const lastE = ser && pts.length ? pts[pts.length - 1][2] : 0;
      setText(mE.v, inSession ? kWh(c.energyWh - ser.e0) : kWh(lastE));
      setText(mE.sub, `register ${kWh(c.energyWh)} kWh` + (ser && pts.length ? ` · ${inSession ? '' : 'last session '}${duration((inSession ? Date.now() : ser.ended) - ser.t0)}` : ''));
      setText(mS.v, typeof c.socPercent === 'number' ? num(c.socPercent, 1) : '–');
      setText(mS.sub, c.plugged ? (c.evCharging ? 'EV asks for energy' : 'EV does not ask') : 'no EV');
      for (const m of [mP, mE, mS]) {
        if (m.n !== pts.length || m.t !== (pts.length ? pts[pts.length - 1][0] : 0)) {
          m.n = pts.length;
          m.t = pts.length ? pts[pts.length - 1][0] : 0;
          spark(m.canvas, pts, m.idx, m.color);
        }
      }
      setText(fPilot.b, c.pilot);
      setText(fRelay.b, c.relayClosed ? 'closed' : 'open');
      setText(fLock.b, c.cable === 'fixed' ? 'n/a' : c.locked ? 'locked' : 'open');
      setText(fCable.b, c.cable === 'fixed' ? 'fixed' : 'socket');
      setText(fOffer.b, num(c.offeredCurrentA, 1) + ' A');
      const reason = c.limitReason && c.limitReason !== 'none' ? c.limitReason : '';
      setText(fLimit.b, (c.limitA === null || c.limitA === undefined ? (reason ? '' : 'none') : num(c.limitA, 1) + ' A') +
        (typeof c.deratingA === 'number' ? `${c.limitA === null || c.limitA === undefined ? '' : ' · '}derated to ${num(c.deratingA, 1)} A` : '') +
        (reason ? ` (${reason})` : '') + (c.evseSuspended ? ' · EVSE suspended' : ''));
      setClass(fLimit.b, reason === 'derating' ? 'hot' : '');
      show(relBtn, !!c.temperatureHeld);
      setText(fCur.b, num(c.currentA, 1) + ' A');
      setText(fTemp.b, num(c.temperatureC, 1) + ' °C');
      setClass(fTemp.b, c.temperatureC >= 60 ? 'hot' : '');
      if (!tempTouched && document.activeElement !== temp && typeof c.temperatureC === 'number') temp.value = Math.round(c.temperatureC);
      show(plugRow, !c.plugged);
      show(pluggedRow, !!c.plugged);
      if (cable.value !== c.cable && document.activeElement !== cable) cable.value = c.cable === 'fixed' ? 'fixed' : 'socket';
      const full = typeof c.socPercent === 'number' && c.socPercent >= 100;
      setText(evBtn, c.evCharging ? 'Pause EV' : 'Resume EV');
      show(evBtn, !!c.plugged && !(full && !c.evCharging));
      setText(evNote, full && !c.evCharging ? 'battery full' : '');
      show(clearBtn, e);
      cards();
    }
    return { el, update, cards };
  }

  function LogPane(id) {
    const f = { dir: '', action: '', conn: '', text: '', errors: false };
    const dir = h('select', { 'aria-label': 'direction', onchange: () => { f.dir = dir.value; refilter(); } },
      h('option', { value: '' }, 'both directions'), h('option', { value: 'out' }, 'CP → CSMS'), h('option', { value: 'in' }, 'CSMS → CP'));
    const action = h('select', { 'aria-label': 'action', onchange: () => { f.action = action.value; refilter(); } }, h('option', { value: '' }, 'all actions'));
    const conn = h('select', { 'aria-label': 'connector', onchange: () => { f.conn = conn.value; refilter(); } }, h('option', { value: '' }, 'all connectors'), h('option', { value: '0' }, 'station (0)'));
    const text = h('input', { type: 'search', placeholder: 'filter text', 'aria-label': 'filter text', oninput: () => { f.text = text.value.toLowerCase(); refilter(); } });
    const errs = h('input', { type: 'checkbox', onchange: () => { f.errors = errs.checked; refilter(); } });
    const count = h('span', { class: 'count' });
    const box = h('div', { class: 'log', role: 'log' });
    const badge = h('span', { class: 'n' }, '0');
    const el = h('div', null,
      h('div', { class: 'lfilters' }, dir, action, conn, text, h('label', { class: 'f' }, errs, 'CALLERRORs only'), count),
      box);
    const rows = new Map(); // seq -> {e, row, pre}
    const actions = new Set();
    let conns = 0;
    function addAction(a) {
      if (!a || actions.has(a)) return;
      actions.add(a);
      const opts = [...action.options].slice(1);
      const o = h('option', { value: a }, a);
      const after = opts.find((x) => x.value > a);
      action.insertBefore(o, after || null);
    }
    function match(e) {
      if (f.dir && e.dir !== f.dir) return false;
      if (f.action && e.action !== f.action) return false;
      if (f.conn !== '' && String(e.connector === null ? 0 : e.connector) !== f.conn) return false;
      if (f.errors && e.type !== 4) return false;
      if (f.text && !e.text.toLowerCase().includes(f.text) && !(e.action || '').toLowerCase().includes(f.text)) return false;
      return true;
    }
    function counter() {
      let shown = 0;
      for (const r of rows.values()) if (!r.row.hidden) shown++;
      setText(count, rows.size === shown ? `${rows.size} messages` : `${shown} of ${rows.size} messages`);
      setText(badge, rows.size);
    }
    function refilter() {
      for (const r of rows.values()) {
        const m = match(r.e);
        show(r.row, m);
        if (r.pre) show(r.pre, m && r.open);
      }
      counter();
    }
    function highlight(r, on) {
      for (const p of [r.e.req, r.e.res]) {
        const pr = p && rows.get(p.seq);
        if (pr) pr.row.classList.toggle('partner', on);
      }
    }
    function jump(e) {
      const r = rows.get(e.seq);
      if (!r) return;
      if (r.row.hidden) {
        f.dir = ''; f.action = ''; f.conn = ''; f.text = ''; f.errors = false;
        dir.value = ''; action.value = ''; conn.value = ''; text.value = ''; errs.checked = false;
        refilter();
      }
      r.row.scrollIntoView({ block: 'nearest' });
      r.row.classList.remove('fresh');
      void r.row.offsetWidth;
      r.row.classList.add('fresh');
    }
    function toggle(r) {
      r.open = !r.open;
      r.row.classList.toggle('open', r.open);
      highlight(r, r.open);
      if (r.open && !r.pre) {
        let pretty = r.e.text;
        if (r.e.frame) pretty = JSON.stringify(r.e.frame, null, 2);
        const links = h('div', { class: 'links' });
        const e = r.e;
        if (e.res) links.append(h('button', { class: 'btn small', onclick: (ev) => { ev.stopPropagation(); jump(e.res); } }, `answer ↓ ${e.res.type === 4 ? 'CALLERROR' : 'CALLRESULT'}${typeof e.res.latency === 'number' && e.res.latency >= 0 ? ' after ' + e.res.latency + ' ms' : ''}`));
        else if (e.type === 2) links.append(h('span', { class: 'note' }, 'no answer yet'));
        if (e.req) links.append(h('button', { class: 'btn small', onclick: (ev) => { ev.stopPropagation(); jump(e.req); } }, `request ↑ ${e.req.action}`));
        if (e.truncated) links.append(h('span', { class: 'note' }, 'truncated by the simulator log'));
        r.pre = h('pre', { class: 'ljson' }, links, pretty);
        r.row.after(r.pre);
      }
      if (r.pre) show(r.pre, r.open);
    }
    function rowOf(e, fresh) {
      const kind = e.type === 2 ? 'CALL' : e.type === 3 ? 'RESULT' : e.type === 4 ? 'ERROR' : '?';
      const lat = h('span', { class: 'lat' });
      const a = h('span', { class: 'a' }, e.action || (e.type === 3 ? '(answer)' : '?'));
      const c = h('span', { class: 'c' }, e.connector === null ? '' : '#' + e.connector);
      const row = h('div', {
        class: 'lrow ' + e.dir + (e.type === 4 ? ' err' : '') + (fresh ? ' fresh' : ''),
        'data-seq': e.seq, 'data-action': e.action || '', 'data-dir': e.dir, 'data-type': kind,
        title: e.dir === 'out' ? 'charge point → CSMS' : 'CSMS → charge point',
      },
      h('span', { class: 't' }, clock(e.time)), h('span', { class: 'd' }, e.dir === 'out' ? '→' : '←'),
      h('span', { class: 'k' }, kind), a, c, h('span', { class: 's' }, summary(e)), lat);
      if (typeof e.latency === 'number' && e.latency >= 0) setText(lat, e.latency + ' ms'); // (log times from the simulator)
      const r = { e, row, pre: null, open: false, a, c, lat };
      row.addEventListener('click', () => toggle(r));
      row.addEventListener('mouseenter', () => highlight(r, true));
      row.addEventListener('mouseleave', () => { if (!r.open) highlight(r, false); });
      return r;
    }
    function add(e, fresh = true) {
      if (rows.has(e.seq)) return;
      addAction(e.action);
      const r = rowOf(e, fresh);
      rows.set(e.seq, r);
      show(r.row, match(e));
      box.prepend(r.row); // newest on top
      if (e.req) { // an answer names its request's row and the request learns its latency
        const q = rows.get(e.req.seq);
        if (q && !q.open) highlight(q, false);
      }
      if (rows.size > 1000) {
        const [k, old] = rows.entries().next().value;
        old.row.remove();
        if (old.pre) old.pre.remove();
        rows.delete(k);
      }
      counter();
    }
    function reload() {
      for (const r of rows.values()) {
        r.row.remove();
        if (r.pre) r.pre.remove();
      }
      rows.clear();
      const L = store.logs.get(id);
      if (L) for (const e of L.entries) add(e, false);
      counter();
    }
    function setConnectors(n) {
      for (let i = conns + 1; i <= n; i++) conn.append(h('option', { value: String(i) }, 'connector ' + i));
      conns = Math.max(conns, n);
    }
    function unavailable() {
      box.replaceChildren(h('p', { class: 'na' }, 'the message history (GET log) is not available; live messages only'));
      const L = store.logs.get(id);
      if (L) for (const e of L.entries) add(e, false);
    }
    return { el, badge, add, reload, setConnectors, unavailable };
  }

  function ConfigPane(id) {
    const filter = h('input', { type: 'search', placeholder: 'filter keys', 'aria-label': 'filter keys', oninput: () => refilter() });
    const reloadBtn = h('button', { class: 'btn small', onclick: () => load() }, 'Reload');
    const note = h('span', { class: 'note' });
    const tbody = h('tbody');
    const wrap = h('div', { class: 'cfgwrap' }, h('table', { class: 'kv' }, h('thead', null, h('tr', null, h('th', null, 'Key'), h('th', null, 'Value'), h('th', null, 'Access'), h('th', null, ''))), tbody));
    const el = h('div', null, h('div', { class: 'lfilters' }, filter, reloadBtn, note), wrap);
    const rows = new Map();
    let loaded = false;
    function refilter() {
      const q = filter.value.toLowerCase();
      for (const [k, r] of rows) show(r.tr, !q || k.toLowerCase().includes(q));
    }
    async function save(r) {
      r.btn.disabled = true;
      const res = await api('PUT', sbase(id) + '/config/' + encodeURIComponent(r.key), { value: r.input.value });
      r.btn.disabled = false;
      const st = res.json && typeof res.json.status === 'string' ? res.json.status : null;
      if (st) { // Accepted, RebootRequired (200); Rejected (400), NotSupported (404), with the reason
        setText(r.res, st);
        setClass(r.res, 'answer ' + (st === 'Accepted' ? 'good' : st === 'RebootRequired' ? 'meh' : 'bad'));
        r.res.title = res.json.error || '';
        if (res.ok) r.value = typeof res.json.value === 'string' ? res.json.value : r.input.value;
        if (res.ok) r.input.value = r.value;
        if (!res.ok) toast(`${r.key}: ${st}${res.json.error ? ' (' + res.json.error + ')' : ''}`, 'bad');
      } else {
        setText(r.res, res.error || 'failed');
        setClass(r.res, 'answer bad');
        toast(r.key + ': ' + (res.error || 'failed'), 'bad');
      }
      show(r.res, true);
      r.tr.classList.toggle('changed', r.input.value !== r.value);
      show(r.btn, r.input.value !== r.value);
    }
    async function load() {
      const r = await api('GET', sbase(id) + '/config');
      if (!r.ok && r.status !== 0) {
        const why = r.status === 404 || r.status === 405 ? 'this ocpp-sim has no GET /api/config' : r.error;
        tbody.replaceChildren(h('tr', null, h('td', { colspan: 4, class: 'na' }, 'not available: ' + why)));
        setText(note, '');
        return;
      }
      if (!r.ok || !r.json) {
        setText(note, r.error || 'failed');
        return;
      }
      const j = r.json;
      const list = Array.isArray(j) ? j : j.keys || j.configurationKey || j.configuration || j.variables || [];
      tbody.replaceChildren();
      rows.clear();
      for (const k of list) {
        const key = String(k.key ?? k.name ?? '');
        if (!key) continue;
        const ro = k.readonly ?? k.readOnly ?? (typeof k.access === 'string' ? !/w/i.test(k.access) : false);
        const value = k.value === undefined || k.value === null ? '' : String(k.value);
        const row = { key, value };
        if (ro) {
          row.tr = h('tr', { 'data-key': key }, h('td', { class: 'key' }, key), h('td', { class: 'val' }, value), h('td', { class: 'acc' }, 'read-only'), h('td'));
        } else {
          const bool = value === 'true' || value === 'false';
          row.input = bool
            ? h('select', { 'aria-label': key }, h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'))
            : h('input', { type: 'text', value, 'aria-label': key, onkeydown: (e) => { if (e.key === 'Enter') save(row); } });
          if (bool) row.input.value = value;
          const changed = () => {
            const ch = row.input.value !== row.value;
            row.tr.classList.toggle('changed', ch);
            show(row.btn, ch);
          };
          row.input.addEventListener('input', changed);
          row.input.addEventListener('change', changed);
          row.btn = h('button', { class: 'btn small primary', hidden: true, onclick: () => save(row) }, 'Save');
          row.res = h('span', { class: 'answer', hidden: true });
          row.tr = h('tr', { 'data-key': key }, h('td', { class: 'key' }, key), h('td', { class: 'val' }, row.input), h('td', { class: 'acc' }, 'read-write'), h('td', null, row.btn, ' ', row.res));
        }
        rows.set(key, row);
        tbody.append(row.tr);
      }
      loaded = true;
      setText(note, `${rows.size} keys`);
      refilter();
    }
    return { el, opened: () => { if (!loaded) load(); } };
  }

  function CardsPane(id) {
    const tbody = h('tbody');
    const el = h('div', null,
      h('p', { class: 'note' }, 'Every card seen at this station: what the reader and the charge point did with it, and the CSMS\'s answer (idTagInfo.status of Authorize or StartTransaction).'),
      h('table', { class: 'kv' }, h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'idTag'), h('th', null, 'Conn.'), h('th', null, 'Charge point'), h('th', null, 'CSMS'))), tbody));
    const badge = h('span', { class: 'n' }, '0');
    const rows = new Map();
    function refresh() {
      const list = cardsOf(id);
      for (const c of list) {
        let r = rows.get(c);
        if (!r) {
          r = { ans: h('span', { class: 'answer' }), ver: h('span', { class: 'answer' }) };
          r.conn = h('td');
          r.tr = h('tr', null, h('td', { class: 'val' }, clock(c.time)), h('td', { class: 'key' }, c.idTag), r.conn, h('td', null, r.ans), h('td', null, r.ver));
          rows.set(c, r);
          tbody.prepend(r.tr);
        }
        setText(r.ans, c.outcome ? c.outcome.text : 'sending…');
        setClass(r.ans, 'answer ' + (c.outcome ? c.outcome.cls : ''));
        setText(r.ver, c.verdict ? c.verdict.text : c.pending ? c.pending + ' sent…' : 'no request to the CSMS');
        setClass(r.ver, 'answer ' + (c.verdict ? c.verdict.cls : ''));
        setText(r.conn, c.connector ? '#' + c.connector : '');
      }
      for (const [c, r] of rows) if (!list.includes(c)) { r.tr.remove(); rows.delete(c); }
      setText(badge, list.length);
    }
    return { el, badge, refresh };
  }

  function DataTransferPane(id) {
    const vendor = h('input', { type: 'text', value: 'com.example', maxlength: 255, 'aria-label': 'vendorId' });
    const msg = h('input', { type: 'text', placeholder: 'optional', maxlength: 50, 'aria-label': 'messageId' });
    const data = h('textarea', { placeholder: 'optional text', 'aria-label': 'data' });
    const send = h('button', { class: 'btn primary', onclick: () => go() }, 'Send DataTransfer');
    const state = h('pre');
    const res = h('div', { class: 'dtresult' }, h('h2', null, 'Last DataTransfer'), state);
    const el = h('div', null,
      h('p', { class: 'note' }, 'A DataTransfer.req from the charge point to the CSMS (OCPP 1.6 §4.3).'),
      h('div', { class: 'dtform' }, h('span', null, 'vendorId'), vendor, h('span', null, 'messageId'), msg, h('span', null, 'data'), data, h('span'), h('div', null, send)),
      res);
    async function go() {
      const body = { vendorId: vendor.value };
      if (msg.value) body.messageId = msg.value;
      if (data.value) body.data = data.value;
      const r = await act('POST', sbase(id) + '/datatransfer', body, 'DataTransfer');
      if (r.ok && r.json) show1(r.json);
    }
    function show1(d) {
      setText(state, d ? JSON.stringify(d, null, 2) : 'none sent yet');
    }
    setText(state, 'none sent yet');
    return { el, update: (s) => { if (s.dataTransfer) show1(s.dataTransfer); } };
  }

  // ------------------------------------------------------------------ routing
  let current = null;
  function crumbs(id) {
    const c = $('#crumbs');
    c.replaceChildren();
    if (store.ids.length > 1 || !id) c.append(id ? h('a', { href: '#/' }, 'Fleet') : h('span', { class: 'here' }, 'Fleet'));
    if (id) {
      if (store.ids.length > 1) c.append(h('span', { class: 'sep' }, '›'));
      c.append(h('span', { class: 'here' }, id));
    }
  }
  /** The CSMS in the top bar, in the fleet view (a station shows its own). */
  function csmsLabel(id) {
    const onStation = id !== undefined ? id !== null : /^#\/s\//.test(location.hash) || store.ids.length === 1;
    const s0 = store.states.get(store.ids[0]);
    setText($('#csms'), !onStation && s0 && s0.csms ? 'CSMS ' + s0.csms : '');
  }
  function route() {
    if (current) {
      if (current.close) current.close();
      listeners.delete(current);
    }
    const m = /^#\/s\/(.+)$/.exec(location.hash);
    let id = null;
    if (m) {
      try {
        id = decodeURIComponent(m[1]);
      } catch (e) {
        id = null;
      }
    } else if (store.ids.length === 1) id = store.ids[0];
    const main = $('#main');
    current = id !== null ? StationView(main, id) : FleetView(main);
    crumbs(id);
    csmsLabel(id);
    listeners.add(current);
    window.scrollTo(0, 0);
  }

  async function boot() {
    const r = await api('GET', '/api/stations');
    if (!r.ok || !r.json || !Array.isArray(r.json.stations)) {
      $('#main').replaceChildren(h('p', { class: 'empty' }, 'The simulator does not answer GET /api/stations (' + (r.error || 'no answer') + '); trying again…'));
      setTimeout(boot, 2000);
      return;
    }
    addIds(r.json.stations);
    connectEvents();
    window.addEventListener('hashchange', route);
    route();
    await new Promise((r) => setTimeout(r, 400)); // the event stream's snapshot first
    await fillStates();
    csmsLabel();
  }
  boot();
})();
