/**
 * The ask page's script (the page works without it: the form then asks the server directly).
 * It streams the answer instead: the form's question goes to `/ask/stream` (server-sent
 * events); each `piece` is HTML the server rendered and escaped, appended as it comes; `done`
 * replaces everything with the checked answer. Enter sends, Shift+Enter breaks the line, and
 * Enter that confirms an input-method candidate (Chinese typing) does neither.
 * Kept free of backticks and template placeholders: it lives inside a TypeScript string.
 */
export const askJs = String.raw`
(function () {
  'use strict';
  var d = document;
  var form = d.querySelector('[data-ask-form]');
  var out = d.querySelector('[data-ask-result]');
  if (!form || !out || !window.EventSource) return;
  var box = form.querySelector('textarea[name="q"]');
  var current = null;

  function message(text) {
    var p = d.createElement('p');
    p.className = 'ask-error';
    p.textContent = text;
    return p;
  }

  form.addEventListener('submit', function (e) {
    if (!box.value.trim()) return;
    e.preventDefault();
    if (current) current.close();
    var params = new URLSearchParams(new FormData(form)).toString();
    history.pushState(null, '', '/ask?' + params);
    out.innerHTML = '<div class="answer streaming" data-answer><p></p></div><ol class="citations" data-citations></ol>';
    out.setAttribute('aria-busy', 'true');
    var answer = out.querySelector('[data-answer]');
    var list = out.querySelector('[data-citations]');
    var html = '';
    var finished = false;
    var es = current = new EventSource('/ask/stream?' + params);
    function finish() {
      finished = true;
      es.close();
      out.removeAttribute('aria-busy');
    }
    es.addEventListener('piece', function (ev) {
      var data = JSON.parse(ev.data);
      html += data.html;
      answer.innerHTML = '<p>' + html + '</p>';
      if (data.citations) list.insertAdjacentHTML('beforeend', data.citations);
    });
    es.addEventListener('done', function (ev) {
      out.innerHTML = JSON.parse(ev.data).html;
      finish();
    });
    es.addEventListener('failure', function (ev) {
      out.appendChild(message('The answer failed: ' + JSON.parse(ev.data).message));
      finish();
    });
    es.onerror = function () {
      if (finished) return;
      out.appendChild(message('The connection to the server was lost. Send the question again.'));
      finish();
    };
  });

  box.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    if (form.requestSubmit) form.requestSubmit();
    else form.dispatchEvent(new Event('submit', { cancelable: true }));
  });

  window.addEventListener('popstate', function () { location.reload(); });
})();
`;
