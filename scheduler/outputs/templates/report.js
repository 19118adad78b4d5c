const filter = document.getElementById('grid-filter');
if (filter) filter.addEventListener('input', () => {
  const q = filter.value.trim().toLowerCase();
  for (const tr of document.querySelectorAll('#grid tbody tr'))
    tr.hidden = q !== '' && !tr.dataset.name.includes(q);
});
