// The sign-in screen: one form, two buttons (sign in, create account).
import { byId } from '../dom.js';
import { signIn } from '../session.js';

export function mountLogin() {
  const form = byId('login-form');
  const user = byId('login-user');
  const password = byId('login-password');
  const error = byId('login-error');
  const buttons = [byId('login-submit'), byId('register-submit')];

  async function submit(op) {
    error.textContent = '';
    if (!user.value.trim() || !password.value) {
      error.textContent = 'Enter a user name and a password.';
      return;
    }
    buttons.forEach((b) => (b.disabled = true));
    try {
      await signIn(op, user.value.trim(), password.value);
      password.value = '';
    } catch (e) {
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
