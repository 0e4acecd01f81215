// The status page without reloads: actions are POSTed with the session's token (the links still work without
// JavaScript, through a confirmation), and rows are replaced as the daemon pushes them over Server-Sent Events.
(function () {
  'use strict';
  var body = document.body;
  var token = body.getAttribute('data-token');
  var root = body.getAttribute('data-root') || '';
  var message = document.getElementById('message');

  function show(text) {
    message.textContent = text;
    message.classList.remove('hidden');
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[data-action]') : null;
    if (!link || !window.fetch) {
      return;
    }
    event.preventDefault();
    var form = new URLSearchParams();
    form.set('action', link.getAttribute('data-action'));
    if (link.hasAttribute('data-process')) {
      form.set('processname', link.getAttribute('data-process'));
    }
    link.classList.add('busy');
    fetch(root + 'index.html', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Supervisor-Token': token },
      body: form
    }).then(function (response) {
      return response.text().then(function (text) {
        show(response.ok ? text : 'ERROR: ' + response.status + ' ' + response.statusText);
      });
    }).catch(function (error) {
      show('ERROR: ' + error.message);
    }).then(function () {
      link.classList.remove('busy');
    });
  });

  if (!window.EventSource || !document.getElementById('processes')) {
    return;
  }
  var source = new EventSource(root + 'events');
  source.addEventListener('row', function (event) {
    var change = JSON.parse(event.data);
    var row = document.getElementById('process-' + change.id);
    if (!row) {
      return;
    }
    var holder = document.createElement('tbody');
    holder.innerHTML = change.html;
    var fresh = holder.firstElementChild;
    // The row keeps its place in the shading; it flashes once to show it changed.
    fresh.className = row.className.replace(/\bchanged\b/g, '').trim();
    void fresh.offsetWidth;
    fresh.classList.add('changed');
    row.parentNode.replaceChild(fresh, row);
  });
  source.addEventListener('reload', function () {
    show('The programs changed: refresh the page to see them all.');
  });
  body.setAttribute('data-live', 'yes');
  window.addEventListener('pagehide', function () {
    source.close();
  });
})();
