import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from '../../../schema/index.js';
import { signedInUserId, signInCookie, signOutCookie } from './auth.js';
import { readForm, redirect, sendHtml } from './http.js';
import { parseSlot } from './slots.js';
import type { BookingOutcome, Store } from './store.js';
import { bookingsPage, bookPage, errorPage, instructorsPage, signInPage, type BookingForm } from './views.js';

export interface AppRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: Store;
}

type Handler = (request: AppRequest) => Promise<void>;
type UserHandler = (request: AppRequest, user: User) => Promise<void>;

const REFUSALS: Record<Exclude<BookingOutcome, { booked: true }>['reason'], { status: number; message: string }> = {
  'slot-taken': { status: 409, message: 'That slot is already taken' },
  'not-your-child': { status: 400, message: 'Pick one of your children' },
  'no-such-instructor': { status: 400, message: 'Pick an instructor' },
};

/** Pages behind sign-in send strangers to the sign-in form. */
function signedIn(handler: UserHandler): Handler {
  return async (request) => {
    const id = signedInUserId(request.req);
    const user = id ? await request.store.userById(id) : undefined;
    if (!user) return redirect(request.res, '/sign-in');
    return handler(request, user);
  };
}

function parentsOnly(handler: UserHandler): Handler {
  return signedIn(async (request, user) => {
    if (user.role !== 'PARENT') return sendHtml(request.res, 403, errorPage(403, 'Only parents can book lessons.'));
    return handler(request, user);
  });
}

async function showBookingForm(request: AppRequest, user: User, form: BookingForm, refusal?: { status: number; message: string }) {
  const [instructors, children] = await Promise.all([request.store.instructors(), request.store.childrenOf(user.id)]);
  const page = bookPage(user, { instructors, children, form, ...(refusal ? { error: refusal.message } : {}) });
  sendHtml(request.res, refusal?.status ?? 200, page);
}

/** "METHOD /path" → handler. */
export const routes: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['GET /', async ({ req, res }) => redirect(res, signedInUserId(req) ? '/instructors' : '/sign-in')],

  ['GET /sign-in', async ({ res }) => sendHtml(res, 200, signInPage())],

  [
    'POST /sign-in',
    async ({ req, res, store }) => {
      const email = (await readForm(req)).get('email')?.trim() ?? '';
      const user = email ? await store.userByEmail(email) : undefined;
      if (!user) return sendHtml(res, 401, signInPage({ email, error: 'No account for that email' }));
      redirect(res, user.role === 'PARENT' ? '/instructors' : '/bookings', { 'set-cookie': signInCookie(user.id) });
    },
  ],

  ['POST /sign-out', async ({ res }) => redirect(res, '/sign-in', { 'set-cookie': signOutCookie() })],

  ['GET /instructors', signedIn(async ({ res, store }, user) => sendHtml(res, 200, instructorsPage(user, await store.instructors())))],

  [
    'GET /book',
    parentsOnly(async (request, user) =>
      showBookingForm(request, user, { instructorId: request.url.searchParams.get('instructor') ?? '', childId: '', slot: '' }),
    ),
  ],

  [
    'POST /bookings',
    parentsOnly(async (request, user) => {
      const fields = await readForm(request.req);
      const form: BookingForm = {
        instructorId: fields.get('instructorId') ?? '',
        childId: fields.get('childId') ?? '',
        slot: fields.get('slot') ?? '',
      };
      const scheduledAt = parseSlot(form.slot);
      if (!scheduledAt) return showBookingForm(request, user, form, { status: 400, message: 'Pick a date and time' });
      if (scheduledAt.getUTCMinutes() !== 0) return showBookingForm(request, user, form, { status: 400, message: 'Lessons start on the hour' });
      if (scheduledAt.getTime() <= Date.now()) return showBookingForm(request, user, form, { status: 400, message: 'That slot is in the past' });

      const outcome = await request.store.book(user, { instructorId: form.instructorId, childId: form.childId, scheduledAt });
      if (!outcome.booked) return showBookingForm(request, user, form, REFUSALS[outcome.reason]);
      redirect(request.res, '/bookings?booked=1');
    }),
  ],

  [
    'GET /bookings',
    signedIn(async ({ res, url, store }, user) =>
      sendHtml(res, 200, bookingsPage(user, await store.bookingsOf(user.id), { justBooked: url.searchParams.has('booked') })),
    ),
  ],
]);
