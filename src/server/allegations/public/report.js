/* global document, window, navigator, fetch, DOMParser, URLSearchParams, TextEncoder, btoa, setTimeout */
// The public report pages' only script, served as a file (the CSP allows no inline script).
// Without it the pages still send text; with it, files go up in parts with tus 1.0 and a
// dropped connection resumes where it stopped. Plain JavaScript for old phones: no library, no
// build step, nothing kept in the browser's storage (the upload lives only in this page).
'use strict';

(function () {
  const TUS = '1.0.0';
  let active = 0;

  function utf8Base64(text) {
    let binary = '';
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function online() {
    if (navigator.onLine !== false) return Promise.resolve();
    return new Promise((resolve) => {
      window.addEventListener('online', () => resolve(), { once: true });
    });
  }

  function fill(template, vars) {
    return template.replace(/\{(\w+)\}/g, (whole, name) =>
      vars[name] === undefined ? whole : String(vars[name]),
    );
  }

  function size(bytes) {
    if (bytes < 1e3) return bytes + ' B';
    if (bytes < 1e6) return (bytes / 1e3).toFixed(1) + ' KB';
    if (bytes < 1e9) return (bytes / 1e6).toFixed(1) + ' MB';
    return (bytes / 1e9).toFixed(2) + ' GB';
  }

  /** A failed answer: worth retrying (network, server, conflict) or final. */
  function failure(response, text) {
    const error = new Error(text || 'HTTP ' + response.status);
    const s = response.status;
    error.status = s;
    error.retry = s >= 500 || s === 409 || s === 423 || s === 429 || s === 408;
    return error;
  }

  async function createUpload(section, file) {
    const metadata = [
      'token ' + utf8Base64(section.dataset.uploadToken),
      'filename ' + utf8Base64(file.name),
      'filetype ' + utf8Base64(file.type || ''),
    ].join(',');
    const response = await fetch(section.dataset.endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Tus-Resumable': TUS,
        'Upload-Length': String(file.size),
        'Upload-Metadata': metadata,
      },
    });
    if (response.status !== 201) throw failure(response, (await response.text()).trim());
    return response.headers.get('Location');
  }

  async function offsetOf(url) {
    const response = await fetch(url, {
      method: 'HEAD',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Tus-Resumable': TUS },
    });
    if (!response.ok) throw failure(response, '');
    return Number(response.headers.get('Upload-Offset'));
  }

  async function sendPart(url, file, offset, chunk) {
    const response = await fetch(url, {
      method: 'PATCH',
      credentials: 'same-origin',
      headers: {
        'Tus-Resumable': TUS,
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
      },
      body: file.slice(offset, offset + chunk),
    });
    if (response.status !== 204) throw failure(response, (await response.text()).trim());
    return Number(response.headers.get('Upload-Offset'));
  }

  /** Sends one file to the end, however often the connection drops. */
  async function upload(section, row, file) {
    const t = section.dataset;
    const chunk = Math.max(65536, Number(t.chunk) || 5242880);
    const show = (text, state) => {
      row.querySelector('.state').textContent = text;
      row.dataset.state = state;
    };
    let url = null;
    let offset = 0;
    let failures = 0;
    for (;;) {
      try {
        if (url === null) {
          url = await createUpload(section, file);
          offset = 0;
        } else if (failures > 0) {
          offset = await offsetOf(url);
        }
        while (offset < file.size) {
          show(fill(t.tUploading, { percent: Math.floor((100 * offset) / file.size) }), 'sending');
          offset = await sendPart(url, file, offset, chunk);
          failures = 0;
        }
        show(t.tDone, 'done');
        return true;
      } catch (error) {
        // Gone (expired) or never made: start this file again. Refused: say why and stop.
        if (error.status === 404 || error.status === 410) url = null;
        else if (error.status !== undefined && !error.retry) {
          show(fill(t.tFailed, { reason: error.message }), 'failed');
          return false;
        }
        failures += 1;
        show(t.tRetrying, 'retrying');
        await online();
        await sleep(Math.min(30000, 1000 * 2 ** Math.min(failures - 1, 5)));
      }
    }
  }

  /** Queues files in the section's list and sends them one after another. */
  async function sendFiles(section, files) {
    const list = section.querySelector('.upload-list');
    const rows = files.map((file) => {
      const row = document.createElement('li');
      const name = document.createElement('bdi');
      name.textContent = file.name;
      const state = document.createElement('span');
      state.className = 'state';
      state.textContent = section.dataset.tWaiting;
      row.append(name, ' · ' + size(file.size) + ' · ', state);
      row.dataset.state = 'waiting';
      list.append(row);
      return row;
    });
    active += 1;
    try {
      for (let i = 0; i < files.length; i++) await upload(section, rows[i], files[i]);
    } finally {
      active -= 1;
    }
  }

  function enhanceUploads(section, pending) {
    section.hidden = false;
    const input = section.querySelector('input[type=file]');
    const button = section.querySelector('.send-files');
    button.addEventListener('click', () => {
      const files = Array.from(input.files || []);
      input.value = '';
      if (files.length > 0) void sendFiles(section, files);
    });
    if (pending.length > 0) void sendFiles(section, pending);
  }

  /** Puts the server's answer in place of this page, keeping this script and its uploads. */
  function replacePage(html) {
    const next = new DOMParser().parseFromString(html, 'text/html');
    document.title = next.title;
    document.body.replaceWith(document.adoptNode(next.body));
    window.scrollTo(0, 0);
  }

  /**
   * A form with files: its fields are posted as the form would post them (so the answer is the
   * same page the server gives without JavaScript), then the files follow on that page.
   */
  function enhanceForm(form) {
    const input = form.querySelector('input[type=file][data-files]');
    if (input === null) return;
    input.closest('.js-only').hidden = false;
    const status = form.querySelector('.status');
    form.addEventListener('submit', async (event) => {
      const files = Array.from(input.files || []);
      if (files.length === 0) return; // an ordinary post
      event.preventDefault();
      const button = form.querySelector('[type=submit]');
      button.disabled = true;
      status.textContent = status.dataset.tSending;
      const body = new URLSearchParams();
      for (const element of Array.from(form.elements))
        if (element.name && element.type !== 'file' && !element.disabled)
          body.append(element.name, element.value);
      let response;
      try {
        response = await fetch(form.action, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { Accept: 'text/html' },
          body,
        });
      } catch {
        status.textContent = status.dataset.tNetwork;
        button.disabled = false;
        return;
      }
      replacePage(await response.text());
      start(response.ok ? files : []);
    });
  }

  function start(pending) {
    for (const form of Array.from(document.querySelectorAll('form[data-enhance]')))
      enhanceForm(form);
    const section = document.querySelector('section[data-upload-token]');
    if (section !== null) enhanceUploads(section, pending);
  }

  window.addEventListener('beforeunload', (event) => {
    if (active === 0) return;
    event.preventDefault();
    event.returnValue = '';
  });

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', () => start([]));
  else start([]);
})();
