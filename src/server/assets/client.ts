/**
 * The one script (progressive enhancement: every page works without it).
 * - `/` focuses the search box.
 * - Theme and 简/繁 links switch without a reload: the theme by flipping an attribute, the
 *   script by fetching the same page again (the server converts) and swapping `<main>`.
 * - Landing on a passage centres it instead of pinning it under the sticky header.
 * Kept free of backticks and template placeholders: it lives inside a TypeScript string.
 */
export const js = String.raw`
(function () {
  'use strict';
  var d = document;
  var YEAR = 60 * 60 * 24 * 365;

  function setPref(name, value) {
    d.cookie = name + '=' + encodeURIComponent(value) + '; path=/; max-age=' + YEAR + '; samesite=lax';
  }

  function isTyping(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  d.addEventListener('keydown', function (e) {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    var boxes = d.querySelectorAll('input[data-search]');
    var box = boxes[boxes.length - 1];
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  function centreTarget(smooth) {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^p\d+$/.test(id)) return;
    var el = d.getElementById(id);
    if (!el) return;
    var details = el.closest('details');
    if (details) details.open = true;
    var old = d.querySelectorAll('.psg.target');
    for (var i = 0; i < old.length; i++) if (old[i] !== el) old[i].classList.remove('target');
    el.classList.add('target');
    el.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' });
  }

  function swapFrom(next, selector) {
    var here = d.querySelector(selector);
    var there = next.querySelector(selector);
    if (!here || !there) return false;
    here.replaceWith(d.importNode(there, true));
    return true;
  }

  function reloadMain() {
    var y = window.scrollY;
    d.documentElement.setAttribute('aria-busy', 'true');
    fetch(location.href, { credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      })
      .then(function (text) {
        var next = new DOMParser().parseFromString(text, 'text/html');
        if (!swapFrom(next, 'main')) throw new Error('no main');
        swapFrom(next, '[data-controls]');
        d.title = next.title;
        d.documentElement.lang = next.documentElement.lang;
        d.documentElement.removeAttribute('aria-busy');
        window.scrollTo(0, y);
      })
      .catch(function () { location.reload(); });
  }

  d.addEventListener('click', function (e) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target.closest && e.target.closest('a[data-pref]');
    if (!a) return;
    e.preventDefault();
    var name = a.getAttribute('data-pref');
    var value = a.getAttribute('data-value');
    if (name === 'theme') {
      setPref('engram_theme', value);
      d.documentElement.setAttribute('data-theme', value);
      var order = ['auto', 'light', 'dark'];
      var nextValue = order[(order.indexOf(value) + 1) % order.length];
      a.setAttribute('data-value', nextValue);
      a.setAttribute('href', a.getAttribute('href').replace(/theme=[a-z]+/, 'theme=' + nextValue));
      a.textContent = a.getAttribute('data-label-' + value) || value;
      a.setAttribute('title', 'Theme: ' + value + ' (click for ' + nextValue + ')');
    } else if (name === 'script') {
      setPref('engram_script', value);
      var links = d.querySelectorAll('a[data-pref="script"]');
      for (var i = 0; i < links.length; i++) links[i].setAttribute('aria-current', links[i] === a ? 'true' : 'false');
      reloadMain();
    }
  });

  window.addEventListener('hashchange', function () { centreTarget(true); });
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', function () { centreTarget(false); });
  else centreTarget(false);
})();
`;
