const filter = document.getElementById('grid-filter');
if (filter) {
  // how many people the filter leaves, said beside it (and to screen readers)
  const count = document.createElement('span');
  count.className = 'muted small';
  count.setAttribute('role', 'status');
  filter.after(count);
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    const rows = document.querySelectorAll('#grid tbody tr');
    let shown = 0;
    for (const tr of rows) {
      tr.hidden = q !== '' && !tr.dataset.name.includes(q);
      if (!tr.hidden) shown += 1;
    }
    count.textContent = q === '' ? '' : shown === 0 ? ` nobody matches "${filter.value.trim()}"`
      : ` ${shown} of ${rows.length} people (the "working" row counts everyone)`;
  });
}
