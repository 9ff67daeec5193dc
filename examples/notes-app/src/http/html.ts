/** HTML-escape text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} · Notes</title></head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** A one-button form posting to `action`: pin, delete, sign out. */
export function button(action: string, label: string, name = label): string {
  return `<form method="post" action="${escapeHtml(action)}"><button type="submit" aria-label="${escapeHtml(name)}">${escapeHtml(label)}</button></form>`;
}
