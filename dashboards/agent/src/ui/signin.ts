import { MIN_KEY_LENGTH } from '../api/auth';
import { h } from './dom';
import { logo } from './logo';

/** The sign-in screen; `submit` answers an error to show, or null once signed in. */
export function renderSignIn(root: HTMLElement, submit: (key: string) => Promise<string | null>, notice: string | null = null): void {
  const input = h('input', {
    id: 'signin-key', type: 'password', class: 'input input--lg', autocomplete: 'off', spellcheck: 'false',
    required: true, minlength: MIN_KEY_LENGTH, placeholder: 'Paste your agent API key', 'data-testid': 'signin-key',
    'aria-describedby': 'signin-help signin-error',
  });
  const error = h('p', { id: 'signin-error', class: 'signin-error', role: 'alert' }, notice ?? '');
  const button = h('button', { type: 'submit', class: 'button button--primary button--lg', 'data-testid': 'signin-submit' }, 'Sign in');

  const form = h('form', { class: 'signin-form', novalidate: true },
    h('label', { class: 'field-label', for: 'signin-key' }, 'Agent API key'),
    input,
    h('p', { id: 'signin-help', class: 'field-help' }, 'Your team lead gives you this key. It stays in this browser tab and is forgotten when you close it.'),
    error,
    button);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const key = input.value.trim();
    button.disabled = true;
    button.textContent = 'Checking…';
    error.textContent = '';
    void submit(key).then((problem) => {
      if (problem === null) return;
      error.textContent = problem;
      button.disabled = false;
      button.textContent = 'Sign in';
      input.focus();
      input.select();
    });
  });

  root.replaceChildren(h('div', { class: 'signin' },
    h('div', { class: 'signin-card' },
      h('div', { class: 'signin-brand' }, logo(), h('span', { class: 'brand-name' }, 'ProfileGrid')),
      h('h1', { class: 'signin-title' }, 'Sign in to the agent desk'),
      h('p', { class: 'signin-lead' }, 'See who your customer is and what they are doing, live, while you help them.'),
      form)));
  input.focus();
}
