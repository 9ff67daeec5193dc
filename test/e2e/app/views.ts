import type { Child, User } from '../../../schema/index.js';
import { html, type SafeHtml } from './html.js';
import { formatSlot } from './slots.js';
import type { BookingListing, InstructorListing } from './store.js';

export interface BookingForm {
  instructorId: string;
  childId: string;
  /** As typed in the `datetime-local` input, e.g. "2031-05-04T10:00". */
  slot: string;
}

function layout(title: string, user: User | undefined, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Lessons</title><style>td { overflow-wrap: anywhere; }</style></head>
<body>
<header>
  ${
    user
      ? html`<p>Signed in as <strong data-testid="signed-in-user">${user.firstName} ${user.lastName}</strong>
    (<span data-testid="signed-in-email">${user.email}</span>)</p>
  <nav><a href="/instructors">Instructors</a> · <a href="/bookings">My bookings</a>
    <form method="post" action="/sign-out" style="display:inline"><button>Sign out</button></form></nav>`
      : ''
  }
</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

function alert(message: string | undefined): SafeHtml | '' {
  return message ? html`<p role="alert">${message}</p>` : '';
}

export function signInPage(options: { email?: string; error?: string } = {}): SafeHtml {
  return layout(
    'Sign in',
    undefined,
    html`${alert(options.error)}
<form method="post" action="/sign-in">
  <label>Email <input type="email" name="email" required value="${options.email ?? ''}"></label>
  <button>Sign in</button>
</form>`,
  );
}

export function instructorsPage(user: User, instructors: InstructorListing[]): SafeHtml {
  return layout(
    'Instructors',
    user,
    instructors.length === 0
      ? html`<p>No instructors yet.</p>`
      : html`<table>
<thead><tr><th>Name</th><th>Email</th><th>Rate</th><th></th></tr></thead>
<tbody>
${instructors.map(
  (i) => html`<tr>
  <td>${i.firstName} ${i.lastName}</td><td>${i.email}</td><td>${i.hourlyRate} / hour</td>
  <td><a href="/book?instructor=${encodeURIComponent(i.id)}">Book ${i.firstName} ${i.lastName}</a></td>
</tr>
`,
)}</tbody>
</table>`,
  );
}

export function bookPage(user: User, options: { instructors: InstructorListing[]; children: Child[]; form: BookingForm; error?: string }): SafeHtml {
  const { instructors, children, form } = options;
  const selected = (value: string, current: string) => (value === current ? html` selected` : '');
  return layout(
    'Book a lesson',
    user,
    html`${alert(options.error ?? (children.length === 0 ? 'You have no children to book a lesson for.' : undefined))}
<form method="post" action="/bookings">
  <label>Instructor
    <select name="instructorId" required>
      <option value="">Choose an instructor</option>
      ${instructors.map((i) => html`<option value="${i.id}"${selected(i.id, form.instructorId)}>${i.firstName} ${i.lastName} (${i.email})</option>`)}
    </select>
  </label>
  <label>Child
    <select name="childId" required>
      ${children.map((c) => html`<option value="${c.id}"${selected(c.id, form.childId)}>${c.name}</option>`)}
    </select>
  </label>
  <label>Slot (UTC) <input type="datetime-local" name="slot" step="3600" required value="${form.slot}"></label>
  <button>Book</button>
</form>`,
  );
}

export function bookingsPage(user: User, bookings: BookingListing[], options: { justBooked: boolean }): SafeHtml {
  return layout(
    'My bookings',
    user,
    html`${options.justBooked ? html`<p role="status">Booking confirmed.</p>` : ''}
${
  bookings.length === 0
    ? html`<p>No bookings yet.</p>`
    : html`<table>
<thead><tr><th>When</th><th>Instructor</th><th>Child</th><th>Amount</th><th>Status</th></tr></thead>
<tbody>
${bookings.map(
  (b) => html`<tr>
  <td>${formatSlot(b.scheduledAt)}</td><td>${b.instructorFirstName} ${b.instructorLastName}</td><td>${b.childName}</td>
  <td>${b.amount}</td><td>${b.status}</td>
</tr>
`,
)}</tbody>
</table>`
}`,
  );
}

export function errorPage(status: number, message: string): SafeHtml {
  return layout(status === 404 ? 'Not found' : 'Something went wrong', undefined, html`<p role="alert">${message}</p>`);
}
