// The event page (/events/{id}): marks the override reason as required while the chosen
// lead and co-departments differ from the list item's (or no item is cited), as the rules
// will require. The server checks it again; this only says so before submitting.
(function () {
  'use strict';
  function codes(s) { return (s || '').split(' ').filter(function (x) { return x; }); }
  function check(form) {
    var label = form.querySelector('label.override');
    var lead = form.querySelector('select[name=lead]');
    if (!label || !lead) { return; }
    var input = label.querySelector('input');
    var itemSel = form.querySelector('select[name=item]');
    var src = label;
    if (itemSel) {
      src = itemSel.options[itemSel.selectedIndex] || null;
    }
    var needed;
    var decision = form.querySelector('input[name=decision]:checked');
    if (form.querySelector('input[name=decision]') && (!decision || decision.value !== 'reassign')) {
      needed = false;
    } else if (!src || !src.getAttribute('data-primary')) {
      // Off the list: always give a reason (a reassignment checks against the event's item).
      needed = !!lead.value || !!itemSel;
    } else if (!lead.value) {
      needed = false;
    } else {
      var primary = codes(src.getAttribute('data-primary'));
      var named = codes(src.getAttribute('data-named'));
      var co = Array.prototype.map.call(
        form.querySelectorAll('input[name=co]:checked'),
        function (o) { return o.value; }
      );
      needed = primary.indexOf(lead.value) < 0 ||
        co.some(function (c) { return named.indexOf(c) < 0; });
    }
    label.classList.toggle('needed', needed);
    if (input) {
      input.required = needed;
      if (needed) { input.setAttribute('aria-required', 'true'); } else { input.removeAttribute('aria-required'); }
    }
  }
  var forms = document.querySelectorAll('form[data-action=dispatch], form[data-action=decide_return]');
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener('change', function () { check(form); });
    check(form);
  });
  // Unit pickers: typing filters the checkboxes; a group with no match hides.
  Array.prototype.forEach.call(document.querySelectorAll('.unit-picker'), function (picker) {
    var filter = picker.querySelector('.unit-filter');
    if (!filter) { return; }
    filter.addEventListener('input', function () {
      var q = filter.value.trim();
      Array.prototype.forEach.call(picker.querySelectorAll('fieldset'), function (fs) {
        var any = false;
        Array.prototype.forEach.call(fs.querySelectorAll('label'), function (lab) {
          var show = !q || lab.textContent.indexOf(q) >= 0 || lab.querySelector('input').checked;
          lab.hidden = !show;
          any = any || show;
        });
        fs.hidden = !any;
      });
    });
    // Enter in the filter must not submit the form.
    filter.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); } });
  });
}());
