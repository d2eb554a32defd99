// The sign-in screen: one form, two buttons (sign in, create account). On a server that registers
// by invitation, the code field shows when the server asks for one (bad_invitation), or at once
// when the page was opened from an invitation link (/?invite=CODE).
import { byId } from '../dom.js';
import { signIn } from '../session.js';

export function mountLogin() {
  const form = byId('login-form');
  const user = byId('login-user');
  const password = byId('login-password');
  const error = byId('login-error');
  const buttons = [byId('login-submit'), byId('register-submit')];
  const inviteField = byId('login-invite-field');
  const invite = byId('login-invite');
  const linked = new URLSearchParams(location.search).get('invite');
  if (linked) {
    invite.value = linked;
    inviteField.hidden = false;
  }

  async function submit(op) {
    error.textContent = '';
    if (!user.value.trim() || !password.value) {
      error.textContent = 'Enter a user name and a password.';
      return;
    }
    buttons.forEach((b) => (b.disabled = true));
    try {
      await signIn(op, user.value.trim(), password.value, op === 'register' ? invite.value.trim() : '');
      password.value = '';
      // A used code has no business in the address bar (or in a bookmark of it).
      if (linked) history.replaceState(null, '', location.pathname);
    } catch (e) {
      if (e.code === 'bad_invitation') inviteField.hidden = false;
      error.textContent = e.code === 'offline' ? 'Cannot reach the server; retrying…' : e.message;
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit('login');
  });
  byId('register-submit').addEventListener('click', () => submit('register'));
}
