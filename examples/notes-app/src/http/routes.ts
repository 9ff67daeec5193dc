import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNote, deleteNote, listNotes, NoteError, setPinned, shareNote, stats, type ListedNote } from '../services/notes.js';
import { databaseIdentity, deleteAccount, findUser, findUserByEmail, signUp, SignUpError } from '../services/users.js';
import type { User } from '../db/schema.js';
import { button, escapeHtml, page } from './html.js';

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const html = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
});
const json = (value: unknown): Reply => ({ status: 200, body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const redirect = (to: string, headers: Record<string, string> = {}): Reply => ({ status: 303, headers: { location: to, ...headers } });

// The signed-in user is a cookie holding their id: enough for an example, not for production.
const signIn = (user: User) => ({ 'set-cookie': `uid=${user.id}; Path=/; HttpOnly; SameSite=Lax` });
const signOut = { 'set-cookie': 'uid=; Path=/; Max-Age=0' };

async function currentUser(request: IncomingMessage): Promise<User | undefined> {
  const id = /(?:^|;\s*)uid=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  return id ? findUser(id) : undefined;
}

async function form(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return new URLSearchParams(body);
}

function loginPage(error?: string, email = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login"><label>Email <input name="email" type="email" value="${escapeHtml(email)}" required></label> <button type="submit">Sign in</button></form>
<p><a href="/signup">Sign up</a></p>`,
  );
}

function signUpPage(error?: string): string {
  return page(
    'Sign up',
    `<h1>Sign up</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/signup"><label>Email <input name="email" type="email" required></label> <label>Name <input name="name" required></label> <button type="submit">Sign up</button></form>`,
  );
}

function noteItem(note: ListedNote): string {
  const own = note.sharedBy === undefined;
  const actions = own
    ? `${button(`/notes/${note.id}/${note.pinned ? 'unpin' : 'pin'}`, note.pinned ? 'Unpin' : 'Pin', `${note.pinned ? 'Unpin' : 'Pin'} ${note.title}`)}
${button(`/notes/${note.id}/delete`, 'Delete', `Delete ${note.title}`)}
<form method="post" action="/notes/${note.id}/share"><label>Share with <input name="email" type="email" aria-label="Share ${escapeHtml(note.title)} with"></label> <button type="submit">Share</button></form>`
    : `<p>Shared by ${escapeHtml(note.sharedBy!)}</p>`;
  return `<li data-note="${note.id}"><h2>${note.pinned ? '📌 ' : ''}${escapeHtml(note.title)}</h2><p>${escapeHtml(note.body)}</p>${actions}</li>`;
}

async function notesPage(user: User, query: string, error?: string): Promise<string> {
  const list = await listNotes(user.id, query);
  return page(
    'Your notes',
    `<header><p>Signed in as <strong>${escapeHtml(user.email)}</strong></p>${button('/logout', 'Sign out')}</header>
<h1>Your notes</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="get" action="/"><label>Search <input name="q" type="search" value="${escapeHtml(query)}"></label> <button type="submit">Search</button></form>
<form method="post" action="/notes"><label>Title <input name="title" required></label> <label>Text <textarea name="body"></textarea></label> <button type="submit">Add note</button></form>
<p role="status">${list.length} note${list.length === 1 ? '' : 's'}</p>
<ul>${list.map(noteItem).join('\n')}</ul>
${button('/account/delete', 'Delete my account')}`,
  );
}

/** Every route of the app. Errors a user can fix come back on the page; anything else is a 500. */
export async function route(request: IncomingMessage): Promise<Reply> {
  const url = new URL(request.url ?? '/', 'http://app');
  const method = request.method ?? 'GET';
  const path = url.pathname;

  if (path === '/health') return { status: 200, body: 'ok' };
  if (path === '/api/whoami') return json(await databaseIdentity());
  if (path === '/api/stats') return json(await stats());

  if (path === '/login' && method === 'GET') return html(200, loginPage());
  if (path === '/login' && method === 'POST') {
    const email = (await form(request)).get('email') ?? '';
    const user = await findUserByEmail(email);
    return user ? redirect('/', signIn(user)) : html(401, loginPage(`No account for ${email}.`, email));
  }
  if (path === '/signup' && method === 'GET') return html(200, signUpPage());
  if (path === '/signup' && method === 'POST') {
    const fields = await form(request);
    try {
      return redirect('/', signIn(await signUp({ email: fields.get('email') ?? '', name: fields.get('name') ?? '' })));
    } catch (error) {
      if (error instanceof SignUpError) return html(400, signUpPage(`Could not sign up: ${error.message}.`));
      throw error;
    }
  }
  if (path === '/logout' && method === 'POST') return redirect('/login', signOut);

  const user = await currentUser(request);
  if (!user) return redirect('/login');

  if (path === '/' && method === 'GET') return html(200, await notesPage(user, url.searchParams.get('q') ?? ''));
  if (path === '/account/delete' && method === 'POST') {
    await deleteAccount(user.id);
    return redirect('/login', signOut);
  }
  try {
    if (path === '/notes' && method === 'POST') {
      const fields = await form(request);
      await createNote(user.id, { title: fields.get('title') ?? '', body: fields.get('body') ?? '' });
      return redirect('/');
    }
    const action = /^\/notes\/([0-9a-f-]{36})\/(pin|unpin|delete|share)$/.exec(path);
    if (action && method === 'POST') {
      const [, id, verb] = action as unknown as [string, string, string];
      if (verb === 'delete') await deleteNote(user.id, id);
      else if (verb === 'share') await shareNote(user.id, id, (await form(request)).get('email') ?? '');
      else await setPinned(user.id, id, verb === 'pin');
      return redirect('/');
    }
  } catch (error) {
    if (error instanceof NoteError) return html(400, await notesPage(user, '', `${error.message}.`));
    throw error;
  }
  return { status: 404, body: 'not found' };
}

export function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, reply.headers);
  response.end(reply.body ?? '');
}
