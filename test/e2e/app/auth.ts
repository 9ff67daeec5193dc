import type { IncomingMessage } from 'node:http';
import { readCookie } from './http.js';

/**
 * Sign-in by email alone, remembered by a cookie holding the user id. Good enough for an app
 * that exists to be tested; a real one would sign the cookie or keep a server-side session.
 */
const COOKIE = 'lessons_user';

export function signedInUserId(req: IncomingMessage): string | undefined {
  return readCookie(req, COOKIE);
}

export function signInCookie(userId: string): string {
  return `${COOKIE}=${encodeURIComponent(userId)}; Path=/; HttpOnly; SameSite=Lax`;
}

export function signOutCookie(): string {
  return `${COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;
}
