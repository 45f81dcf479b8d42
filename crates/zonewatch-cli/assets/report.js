// zonewatch HTML report: hand-written canvas drawing of the data embedded in this page.
// No network, no libraries. Test hook: window.zonewatchReport (see docs/report.md).
(function () {
  'use strict';

  const D = JSON.parse(document.getElementById('zonewatch-data').textContent);
  const M_PER_DEG = 111320; // metres per degree of latitude: accurate enough to draw
  const ROLE_ORDER = ['forbidden', 'corridor', 'allowed', 'reference'];
  const TRACK_DEFAULT = 200; // incident tracks drawn unless "all tracks" is ticked
  const TRACK_CAP = 5000; // incident tracks drawn at most (the most severe in the time window)
  const TRACK_VERTEX_CAP = 8000; // ... and positions along them
  const TABLE_CAP = 2000; // table rows at most (the most severe)
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const fmtInt = (n) => Number(n).toLocaleString('en-US');
  const iso = (s) => new Date(s * 1000).toISOString().replace('T', ' ').slice(0, 16);
  const fmtDuration = (s) => {
    if (s < 60) return Math.round(s) + ' s';
    if (s < 3600) return Math.round(s / 60) + ' min';
    if (s < 172800) return (s / 3600).toFixed(1) + ' h';
    return (s / 86400).toFixed(1) + ' d';
  };
  const fmtDepth = (m) => (Math.abs(m) >= 1000 ? (m / 1000).toFixed(1) + ' km' : Math.round(m) + ' m');

  // ---- projection: equirectangular, x scaled by cos(lat0); world units are degrees of latitude
  const ext = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const grow = (e, lon, lat) => {
    if (lon < e.x0) e.x0 = lon; if (lon > e.x1) e.x1 = lon;
    if (lat < e.y0) e.y0 = lat; if (lat > e.y1) e.y1 = lat;
  };
  const zoneExtents = D.zones.map((z) => {
    const e = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    const pad = (z.buffer_m || z.radius_m || 0) / M_PER_DEG;
    const add = (flat) => { for (let i = 0; i < flat.length; i += 2) grow(e, flat[i], flat[i + 1]); };
    if (z.kind === 'area') z.polygons.forEach((p) => p.forEach(add));
    else if (z.kind === 'band') z.lines.forEach(add);
    else add(z.centre);
    e.x0 -= pad / Math.cos(e.y0 * Math.PI / 180); e.x1 += pad / Math.cos(e.y1 * Math.PI / 180);
    e.y0 -= pad; e.y1 += pad;
    grow(ext, e.x0, e.y0); grow(ext, e.x1, e.y1);
    return e;
  });
  if (!isFinite(ext.x0)) { ext.x0 = 9; ext.x1 = 25; ext.y0 = 19; ext.y1 = 34; } // Libya
  const lat0 = (ext.y0 + ext.y1) / 2;
  const K = Math.cos(lat0 * Math.PI / 180);
  const wx = (lon) => lon * K;
  const wy = (lat) => -lat;

  // The initial view: the forbidden zones (what the agreement is about: a DMZ, a band
  // along a line), leaving out any zone that spans most of the map (a whole country);
  // failing that every zone but those; failing that everything.
  const area = (e) => (e.x1 - e.x0) * (e.y1 - e.y0);
  const union = (keep) => {
    const u = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    D.zones.forEach((z, i) => {
      const e = zoneExtents[i];
      if (area(e) < 0.25 * area(ext) && keep(z)) { grow(u, e.x0, e.y0); grow(u, e.x1, e.y1); }
    });
    return isFinite(u.x0) ? u : null;
  };
  const home = union((z) => z.role === 'forbidden') || union(() => true) || ext;

  // ---- canvas and view
  const canvas = $('map');
  const ctx = canvas.getContext('2d');
  const view = { cx: 0, cy: 0, scale: 1, w: 1, h: 1, dpr: 1 };
  function resize() {
    const r = canvas.getBoundingClientRect();
    view.dpr = window.devicePixelRatio || 1;
    view.w = Math.max(1, r.width); view.h = Math.max(1, r.height);
    canvas.width = Math.round(view.w * view.dpr); canvas.height = Math.round(view.h * view.dpr);
  }
  function fit(e, padPx) {
    const pad = padPx === undefined ? 24 : padPx;
    const w = Math.max(wx(e.x1) - wx(e.x0), 0.02), h = Math.max(e.y1 - e.y0, 0.02);
    view.scale = Math.min((view.w - 2 * pad) / w, (view.h - 2 * pad) / h);
    view.cx = (wx(e.x0) + wx(e.x1)) / 2; view.cy = -(e.y0 + e.y1) / 2;
  }
  const sx = (x) => (x - view.cx) * view.scale + view.w / 2;
  const sy = (y) => (y - view.cy) * view.scale + view.h / 2;
  const worldTransform = () => {
    const s = view.scale * view.dpr;
    ctx.setTransform(s, 0, 0, s, view.dpr * (view.w / 2 - view.cx * view.scale), view.dpr * (view.h / 2 - view.cy * view.scale));
  };
  const screenTransform = () => ctx.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);

  // ---- paths in world coordinates, built once
  const ringPath = (path, flat, close) => {
    for (let i = 0; i < flat.length; i += 2) {
      if (i === 0) path.moveTo(wx(flat[0]), wy(flat[1])); else path.lineTo(wx(flat[i]), wy(flat[i + 1]));
    }
    if (close) path.closePath();
  };
  const outlines = [];
  (D.outline || []).forEach((g) => {
    if (!g) return;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    const p = new Path2D();
    polys.forEach((poly) => poly.forEach((ring) => ringPath(p, ring.flat(), true)));
    outlines.push(p);
  });
  const zones = D.zones.map((z, i) => {
    const path = new Path2D();
    let grown = 0; // world units the skeleton is grown by (drawn as a stroke of twice that)
    if (z.kind === 'area') {
      z.polygons.forEach((poly) => poly.forEach((ring) => ringPath(path, ring, true)));
      grown = (z.buffer_m || 0) / M_PER_DEG;
    } else if (z.kind === 'circle') {
      path.arc(wx(z.centre[0]), wy(z.centre[1]), z.radius_m / M_PER_DEG, 0, 2 * Math.PI);
    } else {
      z.lines.forEach((l) => ringPath(path, l, false));
      grown = z.buffer_m / M_PER_DEG;
    }
    const style = D.style.roles[z.role] || D.style.roles.reference;
    return { z, i, path, grown, style, extent: zoneExtents[i] };
  });
  // Drawing order: by role (forbidden first), big before small so small zones stay visible.
  const drawOrder = zones.slice().sort((a, b) =>
    ROLE_ORDER.indexOf(a.z.role) - ROLE_ORDER.indexOf(b.z.role) || area(b.extent) - area(a.extent) || a.i - b.i);
  const everywhere = zones.filter((zz) => area(zz.extent) >= 0.25 * area(ext));

  // ---- violating reports: columns, world coordinates precomputed
  const P = D.points;
  const n = P.lon.length;
  const px = new Float32Array(n), py = new Float32Array(n), pt = new Float64Array(n);
  for (let i = 0; i < n; i++) { px[i] = wx(P.lon[i] / 1e5); py[i] = wy(P.lat[i] / 1e5); pt[i] = P.t0 + P.t[i]; }

  // ---- incidents, sorted by severity
  const incidents = D.incidents.slice().sort((a, b) =>
    (a.confidence === 'confirmed' ? 0 : 1) - (b.confidence === 'confirmed' ? 0 : 1) ||
    b.depth - a.depth || b.duration - a.duration || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(incidents.map((inc) => [inc.id, inc]));

  // ---- time window
  let tMin = Infinity, tMax = -Infinity;
  for (let i = 0; i < n; i++) { if (pt[i] < tMin) tMin = pt[i]; if (pt[i] > tMax) tMax = pt[i]; }
  incidents.forEach((inc) => { tMin = Math.min(tMin, inc.start); tMax = Math.max(tMax, inc.end); });
  const hasTime = isFinite(tMin);
  if (!hasTime) { tMin = 0; tMax = 0; }
  const win = { from: tMin, to: tMax };
  const inWindow = (inc) => inc.end >= win.from && inc.start <= win.to;

  const state = { highlighted: null, hover: null };
  const hook = (window.zonewatchReport = {
    ready: false, zonesDrawn: 0, incidentsDrawn: 0, incidentsListed: 0, pointsDrawn: 0,
    pointsTotal: P.total, highlighted: null, drawMs: 0, window: win,
    select: (id) => select(id, true),
    setTimeRange: (from, to) => { setWindow(from, to); },
  });

  // ---- drawing
  let queued = false;
  function redraw() { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; draw(); }); } }

  function draw() {
    const t0 = performance.now();
    screenTransform();
    ctx.fillStyle = '#dde8ef';
    ctx.fillRect(0, 0, view.w, view.h);
    worldTransform();
    const px1 = 1 / view.scale; // one screen pixel in world units
    ctx.lineJoin = 'round'; ctx.lineCap = 'round';
    for (const p of outlines) {
      ctx.fillStyle = '#f4f1ea'; ctx.fill(p, 'evenodd');
      ctx.strokeStyle = '#9a9a9a'; ctx.lineWidth = 1.2 * px1; ctx.stroke(p);
    }
    let zonesDrawn = 0;
    for (const zz of drawOrder) {
      const s = zz.style;
      // A zone over the whole map would tint everything: outline it, barely fill it.
      const fillAlpha = everywhere.includes(zz) ? s.fillOpacity * 0.25 : s.fillOpacity;
      ctx.globalAlpha = fillAlpha;
      ctx.fillStyle = s.fill; ctx.strokeStyle = s.fill;
      if (zz.z.kind !== 'band') ctx.fill(zz.path, 'evenodd');
      if (zz.grown > 0) { ctx.lineWidth = 2 * zz.grown; ctx.stroke(zz.path); }
      ctx.globalAlpha = 1;
      ctx.strokeStyle = s.stroke;
      const base = everywhere.includes(zz) ? 1 : zz.z.kind === 'band' ? 1.2 : s.strokeWidth;
      ctx.lineWidth = (state.hover && state.hover.includes(zz) ? 3.5 : base) * px1;
      if (zz.z.kind === 'band') ctx.setLineDash([6 * px1, 4 * px1]);
      ctx.stroke(zz.path);
      ctx.setLineDash([]);
      zonesDrawn++;
    }

    const tZones = performance.now();

    // Incidents as tracks, the most severe first (incidents are in severity order), until
    // TRACK_CAP tracks or TRACK_VERTEX_CAP positions are drawn: raster time grows with the
    // segments stroked, and a run can have tens of thousands of long tracks. Many tracks
    // are drawn thinner and fainter so that they do not bury the zones.
    screenTransform();
    let incidentsDrawn = 0, incidentsInWindow = 0, vertices = 0;
    const hi = state.highlighted && byId.get(state.highlighted);
    const toDraw = [];
    for (const inc of incidents) {
      if (!inWindow(inc)) continue;
      incidentsInWindow++;
      if (inc === hi) { incidentsDrawn++; continue; }
      const cap = $('all-tracks').checked ? TRACK_CAP : TRACK_DEFAULT;
      if (incidentsDrawn >= cap || vertices >= TRACK_VERTEX_CAP) continue;
      incidentsDrawn++;
      vertices += inc.track.length / 2;
      toDraw.push(inc);
    }
    const crowd = Math.min(1, Math.sqrt(60 / Math.max(1, toDraw.length)));
    for (let k = toDraw.length - 1; k >= 0; k--) { // the most severe last, on top
      const inc = toDraw[k];
      const st = D.style.incidents[inc.status + '/' + inc.confidence];
      ctx.globalAlpha = (hi ? st.opacity * 0.4 : st.opacity * 0.8) * Math.max(crowd, 0.15);
      drawTrack(inc, st.stroke, Math.max(1, st.width * 0.6 * crowd));
    }
    ctx.globalAlpha = 1;
    const tTracks = performance.now();

    // Violating reports in the window, aggregated into 3-pixel cells: a cell takes the
    // colour of its most serious report (confirmed wins) and an opacity that grows with
    // the log of how many reports it holds, so dense areas read as dense without hiding
    // the zones. Cost: one pass over the points, one rectangle per occupied cell.
    screenTransform();
    const cell = 3, gw = Math.ceil(view.w / cell) + 1, gh = Math.ceil(view.h / cell) + 1;
    const conf = new Uint8Array(gw * gh), count = new Uint32Array(gw * gh);
    let pointsDrawn = 0, maxCount = 0;
    const ox = view.w / 2 - view.cx * view.scale, oy = view.h / 2 - view.cy * view.scale, sc = view.scale;
    for (let i = 0; i < n; i++) {
      const t = pt[i];
      if (t < win.from || t > win.to) continue;
      pointsDrawn++;
      const gx = Math.floor((px[i] * sc + ox) / cell), gy = Math.floor((py[i] * sc + oy) / cell);
      if (gx < 0 || gy < 0 || gx >= gw || gy >= gh) continue;
      const v = P.c[i] + 1, k = gy * gw + gx;
      if (conf[k] < v) conf[k] = v;
      const c = ++count[k];
      if (c > maxCount) maxCount = c;
    }
    const LEVELS = 6, logMax = Math.log1p(maxCount);
    const buckets = [[], []].map(() => Array.from({ length: LEVELS }, () => []));
    for (let k = 0; k < conf.length; k++) {
      if (!conf[k]) continue;
      const level = maxCount > 1 ? Math.min(LEVELS - 1, Math.floor(Math.log(count[k]) / logMax * LEVELS)) : LEVELS - 1;
      buckets[conf[k] - 1][level].push(k);
    }
    for (const [b, colour] of [[0, D.style.confidence.possible], [1, D.style.confidence.confirmed]]) {
      ctx.fillStyle = colour;
      buckets[b].forEach((cells, level) => {
        ctx.globalAlpha = 0.45 + 0.55 * (level + 1) / LEVELS;
        for (const k of cells) ctx.fillRect((k % gw) * cell - 0.5, Math.floor(k / gw) * cell - 0.5, cell + 1, cell + 1);
      });
    }
    ctx.globalAlpha = 1;
    // The zones' outlines again, over the reports.
    worldTransform();
    for (const zz of drawOrder) {
      if (everywhere.includes(zz)) continue;
      ctx.strokeStyle = zz.style.stroke; ctx.globalAlpha = 0.8;
      ctx.lineWidth = (zz.z.kind === 'band' ? 1 : 1.2) / view.scale;
      if (zz.z.kind === 'band') ctx.setLineDash([6 / view.scale, 4 / view.scale]);
      ctx.stroke(zz.path);
      ctx.setLineDash([]);
    }
    ctx.globalAlpha = 1;
    screenTransform();
    labels();
    const tPoints = performance.now();
    if (hi) {
      drawTrack(hi, '#ffffff', 9);
      drawTrack(hi, getComputedStyle(document.documentElement).getPropertyValue('--hi').trim() || '#2166ac', 5);
      const tr = hi.track, last = tr.length - 2;
      ctx.fillStyle = '#2166ac'; ctx.strokeStyle = '#fff'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.arc(sx(wx(tr[0])), sy(wy(tr[1])), 6, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
      ctx.fillRect(sx(wx(tr[last])) - 5, sy(wy(tr[last + 1])) - 5, 10, 10);
      ctx.strokeRect(sx(wx(tr[last])) - 5, sy(wy(tr[last + 1])) - 5, 10, 10);
    }
    scaleBar();

    hook.zonesDrawn = zonesDrawn; hook.incidentsDrawn = incidentsDrawn; hook.pointsDrawn = pointsDrawn;
    const tEnd = performance.now();
    hook.drawMs = tEnd - t0;
    hook.phases = { zones: tZones - t0, tracks: tTracks - tZones, points: tPoints - tTracks, rest: tEnd - tPoints };
    canvas.dataset.zonesDrawn = zonesDrawn;
    canvas.dataset.incidentsDrawn = incidentsDrawn;
    canvas.dataset.pointsDrawn = pointsDrawn;
    canvas.dataset.highlighted = state.highlighted || '';
    canvas.dataset.incidentsInWindow = incidentsInWindow;
    hook.incidentsInWindow = incidentsInWindow;
    const capped = incidentsDrawn < incidentsInWindow ? ` (tracks of the ${fmtInt(incidentsDrawn)} most severe)` : '';
    const sample = P.held < P.total ? ` (a sample of ${fmtInt(P.held)} of ${fmtInt(P.total)} rows is embedded)` : '';
    $('drawn').textContent = `Drawn: ${fmtInt(pointsDrawn)} of ${fmtInt(P.held)} violating report rows${sample}; ` +
      `${fmtInt(incidentsInWindow)} of ${fmtInt(incidents.length)}${incidents.length < D.incidentsTotal ? ' embedded' : ''} incidents${capped}.`;
  }

  // Zone names, for print: at each zone's anchor when the zone is big enough on screen,
  // skipping any label that would overlap one already placed.
  function labels() {
    screenTransform();
    ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    const placed = [];
    for (let k = drawOrder.length - 1; k >= 0; k--) {
      const zz = drawOrder[k];
      if (everywhere.includes(zz)) continue;
      const e = zz.extent;
      const size = Math.max((wx(e.x1) - wx(e.x0)), e.y1 - e.y0) * view.scale;
      if (size < 12) continue;
      const [alon, alat] = anchor(zz);
      let x = sx(wx(alon)), y = sy(wy(alat));
      if (zz.z.kind === 'circle') x += zz.z.radius_m / M_PER_DEG * view.scale + 3;
      else x += 4;
      const text = zz.z.name.length > 34 ? zz.z.name.slice(0, 33) + '…' : zz.z.name;
      const w = ctx.measureText(text).width, h = 13;
      if (x + w < 0 || x > view.w || y < 0 || y > view.h) continue;
      const box = { x0: x - 2, y0: y - h / 2, x1: x + w + 2, y1: y + h / 2 };
      if (placed.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) continue;
      placed.push(box);
      ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.lineWidth = 3; ctx.strokeText(text, x, y);
      ctx.fillStyle = zz.style.stroke; ctx.fillText(text, x, y);
    }
  }
  function anchor(zz) {
    const z = zz.z;
    if (z.kind === 'circle') return z.centre;
    if (z.kind === 'band') {
      const l = z.lines[0], m = Math.floor(l.length / 4) * 2;
      return [l[m], l[m + 1]];
    }
    const e = zz.extent;
    return [e.x1 - (e.x1 - e.x0) * 0.15, (e.y0 + e.y1) / 2];
  }

  function drawTrack(inc, colour, width) {
    const tr = inc.track;
    ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = width;
    if (tr.length <= 2 || (tr.length === 4 && tr[0] === tr[2] && tr[1] === tr[3])) {
      ctx.beginPath(); ctx.arc(sx(wx(tr[0])), sy(wy(tr[1])), width * 0.9 + 1, 0, 2 * Math.PI); ctx.fill();
      return;
    }
    // Stroked four segments at a time: one long self-crossing path is far slower for the
    // rasteriser (measured: 3x on 20 000 positions) than several short ones.
    ctx.beginPath();
    for (let i = 0; i < tr.length; i += 2) {
      const x = sx(wx(tr[i])), y = sy(wy(tr[i + 1]));
      if (i === 0) { ctx.moveTo(x, y); continue; }
      ctx.lineTo(x, y);
      if (i % 8 === 0 && i + 2 < tr.length) { ctx.stroke(); ctx.beginPath(); ctx.moveTo(x, y); }
    }
    ctx.stroke();
  }

  function scaleBar() {
    // A round distance about 100 px long, bottom right.
    const mPerPx = M_PER_DEG / view.scale;
    const target = mPerPx * 100;
    const pow = Math.pow(10, Math.floor(Math.log10(target)));
    const nice = [1, 2, 5, 10].map((f) => f * pow).filter((d) => d <= target).pop() || pow;
    const len = nice / mPerPx, x = view.w - 16 - len, y = view.h - 14;
    ctx.fillStyle = 'rgba(255,255,255,0.8)'; ctx.fillRect(x - 6, y - 16, len + 12, 22);
    ctx.strokeStyle = '#333'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x, y - 4); ctx.lineTo(x, y); ctx.lineTo(x + len, y); ctx.lineTo(x + len, y - 4); ctx.stroke();
    ctx.fillStyle = '#333'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center';
    ctx.fillText(nice >= 1000 ? nice / 1000 + ' km' : nice + ' m', x + len / 2, y - 5);
  }

  // ---- hover: the zones under the cursor
  function zonesAt(x, y) {
    worldTransform();
    const hits = [];
    const dx = x * view.dpr, dy = y * view.dpr;
    for (let k = drawOrder.length - 1; k >= 0; k--) {
      const zz = drawOrder[k];
      let hit = zz.z.kind !== 'band' && ctx.isPointInPath(zz.path, dx, dy, 'evenodd');
      if (!hit && zz.grown > 0) {
        ctx.lineWidth = 2 * zz.grown; ctx.lineCap = 'round'; ctx.lineJoin = 'round';
        hit = ctx.isPointInStroke(zz.path, dx, dy);
      }
      if (hit) hits.push(zz);
    }
    screenTransform();
    return hits;
  }
  const tooltip = $('tooltip');
  function showTooltip(x, y, hits) {
    if (!hits.length) { tooltip.hidden = true; return; }
    tooltip.replaceChildren();
    hits.slice(0, 6).forEach((zz) => {
      const d = el('div');
      d.append(el('strong', {}, zz.z.name), ' ', el('span', { class: 'role' }, `${zz.z.role} · ${zz.z.id}`));
      tooltip.append(d);
    });
    if (hits.length > 6) tooltip.append(el('div', { class: 'role' }, `and ${hits.length - 6} more`));
    tooltip.hidden = false;
    const left = Math.min(x + 14, view.w - tooltip.offsetWidth - 4), top = Math.min(y + 14, view.h - tooltip.offsetHeight - 4);
    tooltip.style.left = Math.max(0, left) + 'px'; tooltip.style.top = Math.max(0, top) + 'px';
  }

  // ---- pan and zoom
  function zoomAt(x, y, factor) {
    const wxp = (x - view.w / 2) / view.scale + view.cx, wyp = (y - view.h / 2) / view.scale + view.cy;
    view.scale = Math.min(Math.max(view.scale * factor, 2), 2e6);
    view.cx = wxp - (x - view.w / 2) / view.scale; view.cy = wyp - (y - view.h / 2) / view.scale;
    redraw();
  }
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)));
  }, { passive: false });
  let drag = null;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy };
    canvas.setPointerCapture(e.pointerId); canvas.classList.add('dragging');
  });
  canvas.addEventListener('pointermove', (e) => {
    const r = canvas.getBoundingClientRect();
    if (drag) {
      view.cx = drag.cx - (e.clientX - drag.x) / view.scale; view.cy = drag.cy - (e.clientY - drag.y) / view.scale;
      tooltip.hidden = true; redraw(); return;
    }
    const x = e.clientX - r.left, y = e.clientY - r.top;
    const hits = zonesAt(x, y);
    const changed = (state.hover || []).map((h) => h.i).join() !== hits.map((h) => h.i).join();
    state.hover = hits;
    showTooltip(x, y, hits);
    if (changed) redraw();
  });
  const endDrag = () => { drag = null; canvas.classList.remove('dragging'); };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => { tooltip.hidden = true; if (state.hover && state.hover.length) { state.hover = null; redraw(); } });
  canvas.addEventListener('dblclick', (e) => { const r = canvas.getBoundingClientRect(); zoomAt(e.clientX - r.left, e.clientY - r.top, 2); });
  $('zoom-in').addEventListener('click', () => zoomAt(view.w / 2, view.h / 2, 1.5));
  $('zoom-out').addEventListener('click', () => zoomAt(view.w / 2, view.h / 2, 1 / 1.5));
  $('zoom-fit').addEventListener('click', () => { fit(home, 44); redraw(); });
  window.addEventListener('resize', () => { const c = { cx: view.cx, cy: view.cy, scale: view.scale }; resize(); Object.assign(view, c); redraw(); });

  // ---- the incidents table
  const rows = new Map();
  function buildTable() {
    const tbody = $('incidents').tBodies[0];
    const frag = document.createDocumentFragment();
    const shown = Math.min(incidents.length, TABLE_CAP);
    for (let k = 0; k < shown; k++) {
      const inc = incidents[k];
      const tr = el('tr', { 'data-incident-id': inc.id, 'data-highlighted': 'false',
        title: `${inc.id}\n${iso(inc.start)} – ${iso(inc.end)} UTC, ${inc.status}, ended by ${inc.endedBy}` });
      const colour = D.style.incidents[inc.status + '/' + inc.confidence].stroke;
      const conf = el('span', { class: 'conf ' + inc.confidence, style: 'background:' + colour }, inc.confidence === 'confirmed' ? 'conf.' : 'poss.');
      const cells = [
        [String(k + 1), 'num'], [inc.unit, ''], [null, 'sub'], [conf, ''], [iso(inc.start).slice(0, 10), ''],
        [fmtDuration(inc.duration), 'num'], [fmtDepth(inc.depth), 'num'], [fmtInt(inc.reports), 'num'],
      ];
      cells.forEach(([v, cls], c) => {
        const td = el('td', cls ? { class: cls } : {});
        if (c === 2) td.append(inc.rule, ' ', el('span', { class: 'zone' }, inc.zone + (inc.status === 'transient' ? ' · transient' : '')));
        else if (v instanceof Node) td.append(v); else td.textContent = v;
        tr.append(td);
      });
      tr.addEventListener('click', () => select(inc.id, true));
      rows.set(inc.id, tr);
      frag.append(tr);
    }
    tbody.append(frag);
    hook.incidentsListed = shown;
    $('incidents').dataset.incidentsListed = shown;
    $('incidents-count').textContent = `(${fmtInt(D.incidentsTotal)})`;
    const notes = [];
    if (D.incidents.length < D.incidentsTotal) notes.push(`The ${fmtInt(D.incidents.length)} most severe of ${fmtInt(D.incidentsTotal)} incidents are embedded; the run's --incidents output has them all.`);
    if (shown < incidents.length) notes.push(`The table lists the ${fmtInt(shown)} most severe.`);
    if (!incidents.length) notes.push('No incidents.');
    $('incidents-note').textContent = notes.join(' ');
  }

  function select(id, zoom) {
    const inc = byId.get(id);
    if (!inc) return false;
    const prev = state.highlighted && rows.get(state.highlighted);
    if (prev) prev.dataset.highlighted = 'false';
    state.highlighted = id; hook.highlighted = id;
    const row = rows.get(id);
    if (row) { row.dataset.highlighted = 'true'; row.scrollIntoView({ block: 'nearest' }); }
    if (zoom) {
      const e = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      for (let i = 0; i < inc.track.length; i += 2) grow(e, inc.track[i], inc.track[i + 1]);
      // At least ~30 km across, so the zones around the incident show.
      const minSpan = 0.27;
      const mx = (e.x0 + e.x1) / 2, my = (e.y0 + e.y1) / 2;
      const hw = Math.max((e.x1 - e.x0) / 2, minSpan / 2 / K), hh = Math.max((e.y1 - e.y0) / 2, minSpan / 2);
      fit({ x0: mx - hw, x1: mx + hw, y0: my - hh, y1: my + hh }, 40);
    }
    draw();
    return true;
  }

  // ---- time filter
  const tFrom = $('t-from'), tTo = $('t-to');
  const STEPS = 1000;
  const toT = (v) => tMin + (tMax - tMin) * v / STEPS;
  function setWindow(from, to) {
    win.from = Math.max(tMin, Math.min(from, to)); win.to = Math.min(tMax, Math.max(from, to));
    tFrom.value = tMax > tMin ? Math.round((win.from - tMin) / (tMax - tMin) * STEPS) : 0;
    tTo.value = tMax > tMin ? Math.round((win.to - tMin) / (tMax - tMin) * STEPS) : STEPS;
    label(); draw();
  }
  function label() {
    $('t-label').textContent = hasTime ? `${iso(win.from)} – ${iso(win.to)} UTC` : 'no times';
    for (const inc of incidents) { const r = rows.get(inc.id); if (r) r.classList.toggle('outside-window', !inWindow(inc)); }
  }
  const onSlide = () => {
    let a = toT(+tFrom.value), b = toT(+tTo.value);
    if (+tFrom.value >= STEPS) a = tMax;
    if (+tTo.value >= STEPS) b = tMax;
    if (+tFrom.value <= 0) a = tMin;
    win.from = Math.min(a, b); win.to = Math.max(a, b);
    label(); redraw();
  };
  tFrom.addEventListener('input', onSlide); tTo.addEventListener('input', onSlide);
  $('t-reset').addEventListener('click', () => setWindow(tMin, tMax));
  $('all-tracks').addEventListener('change', () => redraw());
  if (!hasTime) { tFrom.disabled = true; tTo.disabled = true; }

  // ---- legend, summary, compliance charts, accounting, inputs
  function buildLegend() {
    const lg = $('legend');
    const used = new Set(D.zones.map((z) => z.role));
    for (const role of ROLE_ORDER) {
      if (!used.has(role)) continue;
      const s = D.style.roles[role];
      const d = el('div');
      d.append(el('span', { class: 'sw', style: `border-color:${s.stroke};background:${s.fill}` }), `${role} zone`);
      lg.append(d);
    }
    for (const c of ['confirmed', 'possible']) {
      const d = el('div');
      d.append(el('span', { class: 'dot', style: `background:${D.style.confidence[c]}` }), `${c} violation`);
      lg.append(d);
    }
    for (const k of ['sustained/confirmed', 'sustained/possible', 'transient/possible']) {
      const s = D.style.incidents[k];
      const d = el('div');
      d.append(el('span', { class: 'ln', style: `border-color:${s.stroke};opacity:${s.opacity};border-top-width:${Math.max(2, s.width - 1)}px` }), `incident, ${k.replace('/', ', ')}`);
      lg.append(d);
    }
  }

  function buildSummary() {
    const a = D.accounting;
    $('summary').textContent = `${fmtInt(a.read)} reports read, ${fmtInt(a.checked)} checked · ` +
      `${fmtInt(a.violations)} violation rows (${fmtInt(a.confirmed)} confirmed) · ${fmtInt(a.incidents)} incidents · ` +
      `${D.zones.length} zones, ${D.rules.length} rules`;
    const rowsA = [
      ['reports read', a.read], ['checked', a.checked], ['rejected', a.rejected], ['exact duplicates dropped', a.duplicates],
      ['violation rows', a.violations], ['… confirmed', a.confirmed], ['… possible', a.possible],
      ['incidents', a.incidents], ['events (enter/exit/inside/outside)', a.events], ['suspect reports (impossible speed)', a.suspect],
    ];
    const t = $('accounting');
    rowsA.forEach(([k, v]) => { const tr = el('tr'); tr.append(el('th', {}, k), el('td', { class: 'num' }, fmtInt(v))); t.append(tr); });
    const check = el('tr');
    const ok = a.read === a.checked + a.rejected + a.duplicates;
    check.append(el('th', {}, 'read = checked + rejected + duplicates'), el('td', {}, ok ? 'holds' : 'DOES NOT HOLD'));
    t.append(check);
    const tb = $('inputs').tBodies[0];
    D.inputs.forEach((f) => {
      const tr = el('tr');
      tr.append(el('td', {}, f.role), el('td', {}, f.name), el('td', { class: 'num' }, fmtInt(f.bytes)),
        el('td', { class: 'hash' }, f.sha256 + (f.complete ? '' : ' (of the bytes read from the stream)')));
      tb.append(tr);
    });
    $('footer').textContent = `Made by zonewatch ${D.version}. Self-contained: this page loads nothing from the network. ` +
      'Background: Natural Earth (public domain). Positions are drawn rounded to about 1 m.';
    $('map-note').textContent = 'scroll to zoom · drag to pan · hover a zone for its name';
  }

  const SVG = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  function buildCompliance() {
    const box = $('compliance');
    if (!D.compliance.length) { box.append(el('p', { class: 'hint' }, 'No deadline rules, or no reports under them.')); return; }
    const W = 560, H = 210, L = 40, R = 12, T = 10, B = 34;
    for (const rule of D.compliance) {
      const days = rule.days; // [date, covered, inside, outside, passed, furthest unit, furthest m]
      const wrap = el('div', { class: 'chart', 'data-rule': rule.rule });
      wrap.append(el('h3', {}, rule.rule));
      const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `compliance of ${rule.rule}` });
      const maxY = Math.max(1, ...days.map((d) => d[1]));
      const x = (i) => L + (days.length > 1 ? i * (W - L - R) / (days.length - 1) : (W - L - R) / 2);
      const y = (v) => T + (H - T - B) * (1 - v / maxY);
      s.append(svg('line', { x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: '#999' }));
      s.append(svg('line', { x1: L, y1: T, x2: L, y2: y(0), stroke: '#999' }));
      for (const v of [0, Math.round(maxY / 2), maxY]) {
        s.append(svg('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', fill: '#555' }, String(v)));
        if (v) s.append(svg('line', { x1: L, y1: y(v), x2: W - R, y2: y(v), stroke: '#eee' }));
      }
      const dl = days.findIndex((d) => d[4] === 1);
      const ticks = new Set([0, days.length - 1]);
      if (dl >= 0) ticks.add(dl);
      for (const i of ticks) {
        const anchor = i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle';
        s.append(svg('text', { x: x(i), y: H - B + 14, 'text-anchor': anchor, fill: '#555' }, days[i][0]));
      }
      if (dl >= 0) {
        s.append(svg('line', { x1: x(dl), y1: T, x2: x(dl), y2: y(0), stroke: '#555', 'stroke-dasharray': '4 3' }));
        s.append(svg('text', { x: x(dl) + 4, y: T + 10, fill: '#555' }, 'deadline passed'));
      }
      const series = [[1, '#8c8c8c', 'units seen'], [2, D.style.roles.allowed.stroke, 'inside'], [3, D.style.roles.forbidden.stroke, 'outside']];
      for (const [col, colour] of series) {
        const pts = days.map((d, i) => `${x(i).toFixed(1)},${y(d[col]).toFixed(1)}`).join(' ');
        s.append(svg('polyline', { points: pts, fill: 'none', stroke: colour, 'stroke-width': 2 }));
      }
      days.forEach((d, i) => {
        const hit = svg('rect', { x: x(i) - 3, y: T, width: 6, height: H - T - B, fill: 'transparent' });
        hit.append(svg('title', {}, `${d[0]}: ${d[2]} of ${d[1]} inside, ${d[3]} outside` +
          (d[5] ? `; furthest ${d[5]} ${fmtDepth(d[6])}` : '') + (d[4] ? '' : ' (before the deadline)')));
        s.append(hit);
      });
      wrap.append(s);
      const lg = el('div', { class: 'legend' });
      series.forEach(([, colour, name]) => lg.append(el('span', { style: `color:${colour}` }, '━ ' + name)));
      const last = days[days.length - 1];
      lg.append(el('span', {}, `last: ${last[0]}, ${last[2]} of ${last[1]} inside`));
      wrap.append(lg);
      box.append(wrap);
    }
  }

  // ---- start
  const tb = [performance.now()];
  buildLegend(); buildSummary(); tb.push(performance.now());
  buildTable(); tb.push(performance.now());
  buildCompliance(); tb.push(performance.now());
  resize(); fit(home, 44);
  label(); tb.push(performance.now());
  draw(); tb.push(performance.now());
  hook.startup = { summary: tb[1] - tb[0], table: tb[2] - tb[1], compliance: tb[3] - tb[2], window: tb[4] - tb[3], draw: tb[5] - tb[4],
    sinceNavigation: tb[5] };
  hook.ready = true;
  document.body.dataset.ready = 'true';
})();
