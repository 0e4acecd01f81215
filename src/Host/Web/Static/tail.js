// The tail page follows the log as tail -f does: it reads /logtail/<name>?limit=<the page's limit> (the last
// <limit> bytes, then whatever is appended) and shows it with ANSI colours as spans. The stream starts with the
// bytes the page shows (and what was appended since), so its first chunk replaces them.
(function () {
  'use strict';
  var marker = document.getElementById('follow-state');
  var pre = document.getElementById('tail');
  if (!marker || !pre || !window.fetch || !window.TextDecoder || !window.ReadableStream) {
    return;
  }
  var root = document.body.getAttribute('data-root') || '';
  var controller = new AbortController();
  window.addEventListener('pagehide', function () { controller.abort(); });

  var state = { fg: null, bg: null, bold: false, rest: '' };
  function classes() {
    var list = [];
    if (state.fg !== null) { list.push('ansi-fg' + state.fg); }
    if (state.bg !== null) { list.push('ansi-bg' + state.bg); }
    if (state.bold) { list.push('ansi-bold'); }
    return list.join(' ');
  }
  function emit(text) {
    if (!text) { return; }
    var names = classes();
    if (names) {
      var span = document.createElement('span');
      span.className = names;
      span.textContent = text;
      pre.appendChild(span);
    } else {
      pre.appendChild(document.createTextNode(text));
    }
  }
  function sgr(params) {
    params.split(';').forEach(function (part) {
      var code = part === '' ? 0 : parseInt(part, 10);
      if (code === 0) { state.fg = state.bg = null; state.bold = false; }
      else if (code === 1) { state.bold = true; }
      else if (code === 22) { state.bold = false; }
      else if (code >= 30 && code <= 37) { state.fg = code - 30; }
      else if (code === 39) { state.fg = null; }
      else if (code >= 40 && code <= 47) { state.bg = code - 40; }
      else if (code === 49) { state.bg = null; }
      else if (code >= 90 && code <= 97) { state.fg = code - 82; }
      else if (code >= 100 && code <= 107) { state.bg = code - 92; }
    });
  }
  function append(text) {
    text = state.rest + text;
    state.rest = '';
    var pattern = /\x1b(?:\[([0-?]*)[ -\/]*([@-~])|[^\[])/g;
    var at = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      emit(text.slice(at, match.index));
      if (match[2] === 'm') { sgr(match[1]); }
      at = pattern.lastIndex;
    }
    var tail = text.slice(at);
    var escape = tail.indexOf('\x1b');
    if (escape >= 0) {
      // An escape sequence cut by the chunk's end: kept for the next chunk.
      state.rest = tail.slice(escape);
      tail = tail.slice(0, escape);
    }
    emit(tail);
  }

  fetch(root + marker.getAttribute('data-follow'), { credentials: 'same-origin', signal: controller.signal })
    .then(function (response) {
      if (!response.ok || !response.body) { return; }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var first = true;
      document.body.setAttribute('data-following', 'yes');
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { return; }
          if (first) {
            first = false;
            pre.textContent = '';
          }
          var stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          append(decoder.decode(chunk.value, { stream: true }));
          if (stick) { pre.scrollTop = pre.scrollHeight; }
          return pump();
        });
      }
      return pump();
    })
    .catch(function () { /* the page went away, or the daemon stopped */ });
})();
