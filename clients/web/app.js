// The demo page: choose or drop files, watch them upload, see them recorded.
// It imports the packaged browser entry (index.html's import map points the
// name at the unpacked tarball), not the source next to it.
import { Codes, ServerCodes, createWebUploader, verdictOf } from 'ossgate-upload/web';

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);
const signUrl = params.get('sign') || new URL('/sign', location.href).href;
const uploader = createWebUploader({ signUrl, getToken: () => params.get('token') || '' });

const profileSelect = $('#profile');
if (params.get('profile')) {
  const name = params.get('profile');
  if (![...profileSelect.options].some((o) => o.value === name)) {
    const opt = document.createElement('option');
    opt.value = name;
    opt.textContent = name;
    profileSelect.append(opt);
  }
  profileSelect.value = name;
}

const drop = $('#drop');
const input = $('#file-input');
input.addEventListener('change', () => {
  if (input.files.length) start(Array.from(input.files));
  input.value = '';
});
for (const ev of ['dragenter', 'dragover']) {
  drop.addEventListener(ev, (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
}
for (const ev of ['dragleave', 'drop']) drop.addEventListener(ev, () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  if (e.dataTransfer && e.dataTransfer.files.length) start(Array.from(e.dataTransfer.files));
});
$('#refresh').addEventListener('click', () => refreshRecords());
profileSelect.addEventListener('change', () => refreshQuota());

/**
 * start uploads files, one row per file, then waits for their records. Large
 * files go in parts (the sign function says which); Cancel aborts the batch
 * and the unfinished multipart uploads server-side.
 */
async function start(files) {
  const ctl = new AbortController();
  const rows = files.map((f) => addRow(f, () => ctl.abort()));
  $('#files').prepend(...rows.map((r) => r.li));
  const results = await uploader.upload(files, {
    profile: profileSelect.value,
    signal: ctl.signal,
    onProgress: (p) => rows[p.index].progress(p),
    onState: (s) => rows[s.index].state(s),
  });
  refreshPending();
  refreshQuota();
  const keys = results.filter((r) => r.ok).map((r) => r.key);
  if (keys.length && results.every((r) => !r.ok || r.record)) await refreshRecords();
  else if (keys.length) await waitForRecords(keys);
}

const STATE_TEXT = { signing: 'Getting a ticket…', uploading: 'Uploading…', retrying: 'Retrying…', done: 'Uploaded', failed: 'Failed' };

/** addRow renders a file's row and returns {li, progress, state}; cancel aborts its batch. */
function addRow(file, cancel) {
  const li = el('li', 'file');
  li.dataset.name = file.name;
  const thumb = el('div', 'thumb');
  if (file.type.startsWith('image/')) {
    const img = el('img');
    img.alt = '';
    img.src = URL.createObjectURL(file);
    img.onload = () => URL.revokeObjectURL(img.src);
    thumb.append(img);
  } else {
    thumb.textContent = (file.name.split('.').pop() || 'file').slice(0, 4).toUpperCase();
  }
  const name = el('div', 'name', file.name);
  const meta = el('div', 'meta', `${file.type || 'unknown type'} · ${formatSize(file.size)}`);
  const status = el('div', 'status', 'Waiting…');
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-valuenow', '0');
  const fill = el('div', 'fill');
  bar.append(fill);
  const percent = el('span', 'percent', '0%');
  const error = el('div', 'error');
  const cancelBtn = el('button', 'ghost cancel', 'Cancel');
  cancelBtn.type = 'button';
  cancelBtn.addEventListener('click', () => {
    cancelBtn.disabled = true;
    cancel();
  });
  const body = el('div', 'body');
  body.append(name, meta, bar, status, error);
  const side = el('div', 'side');
  side.append(percent, cancelBtn);
  li.append(thumb, body, side);
  let parts = null; // {partCount, partSize, resumed} once the file goes multipart
  let uploading = '';
  return {
    li,
    progress(p) {
      fill.style.width = p.percent + '%';
      bar.setAttribute('aria-valuenow', String(p.percent));
      bar.dataset.loaded = String(p.loaded);
      percent.textContent = p.percent + '%';
      if (parts && li.dataset.state === 'uploading') {
        status.textContent = `${uploading} ${formatSize(p.loaded)} of ${formatSize(p.total)} · ${p.partsDone} of ${p.partCount} parts`;
      }
    },
    state(s) {
      li.dataset.state = s.state;
      status.textContent = STATE_TEXT[s.state] || s.state;
      if (s.state === 'signing' && s.resumed) status.textContent = 'Resuming an unfinished upload…';
      if (s.state === 'uploading' && s.multipart) {
        parts = s.multipart;
        li.dataset.multipart = parts.resumed ? 'resumed' : 'new';
        uploading = parts.resumed ? 'Resumed:' : 'Uploading:';
        meta.textContent = `${file.type || 'unknown type'} · ${formatSize(file.size)} · ${parts.partCount} parts of ${formatSize(parts.partSize)}`;
      }
      if (s.state === 'retrying' && s.error) status.textContent = s.part ? `Retrying part ${s.part} after ${s.error.code}…` : `Retrying after ${s.error.code}…`;
      if (s.state === 'done' || s.state === 'failed') cancelBtn.remove();
      if (s.state === 'failed' && s.error.code === Codes.Aborted) status.textContent = 'Cancelled';
      if (s.state === 'done') {
        status.textContent = 'Uploaded as ';
        status.append(el('code', 'key', s.result.key)); // the bucket is private: no link
        const rec = s.result.record; // the checked record, with the upload's answer or asked for right after
        if (rec) {
          status.append(' · ', el('span', 'badge ' + (rec.status === 'ok' ? 'ok' : 'warn'), rec.status));
          status.title = rec.status === 'ok' ? `checked: ${rec.detectedType || rec.contentType}` : rec.reason || '';
        } else if (s.result.recordError) {
          status.append(' · not recorded yet');
        }
      }
      if (s.state === 'failed') {
        error.textContent = '';
        error.append(el('code', '', s.error.code), document.createTextNode(' ' + s.error.message));
        if (s.error.requestId) error.title = 'request id ' + s.error.requestId;
      }
    },
  };
}

/**
 * refreshPending lists the multipart uploads this browser left unfinished (a
 * reload, a closed tab): choosing the same file again continues it from the
 * parts already stored; Discard aborts it.
 */
async function refreshPending() {
  const box = $('#pending');
  const list = $('#pending-list');
  const pending = await uploader.pending();
  list.textContent = '';
  for (const p of pending) {
    const li = el('li', 'pending-item');
    li.dataset.name = p.name;
    const when = p.createdAt ? ' · started ' + new Date(p.createdAt).toLocaleString() : '';
    li.append(el('span', 'name', p.name), el('span', 'muted', ` ${formatSize(p.size)} · ${p.profile}${when}`));
    const discard = el('button', 'ghost', 'Discard');
    discard.type = 'button';
    discard.addEventListener('click', async () => {
      discard.disabled = true;
      try {
        await uploader.discard(p);
      } catch (err) {
        li.append(el('span', 'error', ` ${err.code} ${err.message}`));
      }
      refreshPending();
    });
    li.append(discard);
    list.append(li);
  }
  box.hidden = pending.length === 0;
}

/** waitForRecords polls the list with backoff until every key is recorded (the record function is asynchronous). */
async function waitForRecords(keys) {
  let delay = 300;
  for (let i = 0; i < 8; i++) {
    const records = await refreshRecords();
    if (records && keys.every((k) => records.some((r) => r.key === k))) return;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 4000);
  }
  $('#records-status').textContent = 'Not recorded yet: the record function may still be catching up. Refresh in a moment.';
}

/** refreshRecords renders the newest records; it resolves with them, or null on error. */
async function refreshRecords() {
  const status = $('#records-status');
  try {
    const page = await uploader.list({ limit: 50 });
    const tbody = $('#records');
    tbody.textContent = '';
    for (const r of page.records) {
      tbody.append(recordRow(r));
      if (r.status === 'pending') watchVerdict(r.id);
    }
    status.textContent = page.records.length ? `${page.records.length} recorded upload${page.records.length === 1 ? '' : 's'}.` : 'Nothing recorded yet.';
    return page.records;
  } catch (err) {
    status.textContent =
      err.code === ServerCodes.Unauthenticated && !params.get('token')
        ? 'Uploads are listed per signed-in user: open this page with ?token=<JWT> to see yours.'
        : `Could not list uploads: ${err.code} ${err.message}`;
    return null;
  }
}

/** watching holds the ids of the pending records whose verdict is awaited. */
const watching = new Set();

/**
 * watchVerdict polls GET /uploads/{id} of a pending record (moderation) and
 * replaces its row with each answer, until the verdict: 'checking…', then
 * ok (with its download link) or rejected.
 */
async function watchVerdict(id) {
  if (watching.has(id)) return;
  watching.add(id);
  try {
    await uploader.awaitVerdict(id, {
      intervalMs: 500,
      onChange: (r) => {
        const row = document.querySelector(`#records tr[data-id="${id}"]`);
        if (row) row.replaceWith(recordRow(r));
      },
    });
  } catch (err) {
    $('#records-status').textContent = `Could not follow the check of an upload: ${err.code} ${err.message}`;
  } finally {
    watching.delete(id);
  }
}

/**
 * recordRow renders one record: a thumbnail for images (thumbnailUrl, resized
 * by OSS), the name, type, size, status and time, a download link (downloadUrl,
 * a presigned GET valid five minutes) and a delete button (DELETE /uploads/{id}).
 */
function recordRow(r) {
  const tr = el('tr');
  tr.dataset.key = r.key;
  tr.dataset.id = r.id;
  const thumb = el('td', 'rec-thumb');
  if (r.thumbnailUrl) {
    const img = el('img');
    img.alt = '';
    img.loading = 'lazy';
    img.src = r.thumbnailUrl;
    thumb.append(img);
  } else {
    thumb.append(el('span', 'ext', (r.key.split('.').pop() || '').slice(0, 4).toUpperCase()));
  }
  const name = el('td', 'rec-name', r.originalName || r.key.split('/').pop());
  name.title = r.key;
  const v = verdictOf(r);
  const badge = el('span', 'badge ' + (r.status === 'ok' ? 'ok' : v.state === 'checking' ? 'checking' : 'warn'), v.text);
  badge.dataset.state = v.state;
  if (r.reason) badge.title = r.reason;
  const statusCell = el('td');
  statusCell.append(badge);
  const when = r.uploadedAt ? new Date(r.uploadedAt).toLocaleString() : '';
  const actions = el('td', 'rec-actions');
  if (r.downloadUrl) {
    const a = el('a', 'download', 'Download');
    a.href = r.downloadUrl;
    a.target = '_blank';
    a.rel = 'noopener';
    actions.append(a);
  }
  const del = el('button', 'ghost delete', 'Delete');
  del.type = 'button';
  del.addEventListener('click', async () => {
    del.disabled = true;
    try {
      await uploader.remove(r.id);
    } catch (err) {
      if (err.code !== ServerCodes.NotFound) {
        del.disabled = false;
        $('#records-status').textContent = `Could not delete ${r.originalName || r.key}: ${err.code} ${err.message}`;
        return;
      }
    }
    tr.remove();
    refreshQuota();
  });
  actions.append(del);
  tr.append(thumb, name, el('td', '', r.contentType || ''), el('td', '', formatSize(r.size)), statusCell, el('td', '', when), actions);
  return tr;
}

/** refreshQuota shows what is left of the chosen profile's quota (GET /quota). */
async function refreshQuota() {
  const box = $('#quota');
  const profile = profileSelect.value;
  try {
    const q = await uploader.quota(profile);
    box.dataset.profile = profile;
    if (!q.quota) {
      box.textContent = `No quota on profile ${profile}.`;
      delete box.dataset.filesLeft;
      return;
    }
    const parts = [];
    if (q.left && q.left.files !== undefined) parts.push(`${q.left.files} of ${q.quota.files} files`);
    if (q.left && q.left.bytes !== undefined) parts.push(`${formatSize(q.left.bytes)} of ${formatSize(q.quota.bytes)}`);
    const resets = q.resetsAt ? ` (resets ${new Date(q.resetsAt).toLocaleString()})` : '';
    const period = q.quota.per === 'day' ? 'today' : 'this ' + q.quota.per;
    box.textContent = `Quota left for ${profile} ${period}: ${parts.join(', ')}${resets}.`;
    box.dataset.filesLeft = q.left && q.left.files !== undefined ? String(q.left.files) : '';
  } catch (err) {
    box.textContent = `Could not read the quota: ${err.code} ${err.message}`;
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function formatSize(n) {
  if (!(n >= 0)) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

refreshRecords();
refreshPending();
refreshQuota();
document.documentElement.dataset.ready = 'true'; // the module graph loaded (the tests wait for it)
