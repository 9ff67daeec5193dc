// Pure text, no database: the replay (migrations.ts) rewrites these statements and the install (extensions.ts) reads their names.

/** A CREATE EXTENSION in migration SQL, found in the code only (not in comments or string literals). */
export interface ExtensionStatement {
  name: string;
  ifNotExists: boolean;
  /** Where `CREATE EXTENSION` starts and where the extension's name ends, in the text. */
  start: number;
  end: number;
}

/**
 * The text with comments (`--`, nested block comments), string literals ('…', E'…') and
 * dollar-quoted bodies blanked to spaces, keeping every offset: what the server would read as code.
 * Quoted identifiers are kept (`CREATE EXTENSION "uuid-ossp"` names its extension with one).
 */
export function sqlCode(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      let k = i + 2;
      while (k < text.length && depth > 0) {
        if (text[k] === '/' && text[k + 1] === '*') depth++, (k += 2);
        else if (text[k] === '*' && text[k + 1] === '/') depth--, (k += 2);
        else k++;
      }
      blank(i, k);
      i = k;
    } else if (c === "'") {
      // E'…' strings take backslash escapes; standard strings only doubled quotes.
      const escapes = i > 0 && /[eE]/.test(text[i - 1]!) && (i < 2 || !/[\w$]/.test(text[i - 2]!));
      let k = i + 1;
      while (k < text.length) {
        if (escapes && text[k] === '\\') k += 2;
        else if (text[k] === "'" && text[k + 1] === "'") k += 2;
        else if (text[k] === "'") break;
        else k++;
      }
      blank(i, k + 1);
      i = k + 1;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      i = end === -1 ? text.length : end + 1;
    } else if (c === '$' && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
      const tag = /^\$([A-Za-z_][\w]*)?\$/.exec(text.slice(i))?.[0];
      if (!tag) {
        i++;
        continue;
      }
      const end = text.indexOf(tag, i + tag.length);
      const stop = end === -1 ? text.length : end + tag.length;
      blank(i, stop);
      i = stop;
    } else {
      i++;
    }
  }
  return out.join('');
}

const CREATE_EXTENSION = /\bcreate\s+extension\s+(if\s+not\s+exists\s+)?(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))/gi;

/** Every CREATE EXTENSION the server would run in `text`: comments and string literals do not count. */
export function extensionStatements(text: string): ExtensionStatement[] {
  return [...sqlCode(text).matchAll(CREATE_EXTENSION)].map((m) => ({
    name: m[2] !== undefined ? m[2].replaceAll('""', '"') : m[3]!.toLowerCase(),
    ifNotExists: m[1] !== undefined,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/**
 * The statement as runtag replays it: every `CREATE EXTENSION x` becomes `CREATE EXTENSION IF NOT
 * EXISTS x`. Extensions are the database's, not a schema's: runtag installs them once before the
 * replay (see prepareExtensions), and the second file's replay would meet the first's anyway, so
 * the migration's own statement finds it and does nothing (its SCHEMA clause included).
 */
export function tolerateInstalledExtensions(statement: string): string {
  let result = statement;
  for (const found of extensionStatements(statement).reverse()) {
    if (found.ifNotExists) continue;
    const head = /^create\s+extension\s+/i.exec(result.slice(found.start))![0];
    const at = found.start + head.length;
    result = `${result.slice(0, at)}IF NOT EXISTS ${result.slice(at)}`;
  }
  return result;
}
