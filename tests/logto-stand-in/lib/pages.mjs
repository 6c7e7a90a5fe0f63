// HTML pages of the stand-in: the sign-in form and the sign-out pages. Deliberately plain:
// tests drive them with fixed selectors (input[name=identifier], input[name=password],
// button[type=submit]); Logto's real sign-in experience is a React app with other markup.

export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f5f5f7; margin: 0; }
  main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem;
         border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  p.app { color: #555; margin: 0 0 1.5rem; }
  label { display: block; font-size: .9rem; margin: 1rem 0 .3rem; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem;
          border: 1px solid #bbb; border-radius: 6px; }
  button { margin-top: 1.5rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0;
           border-radius: 6px; background: #5d34f2; color: #fff; cursor: pointer; }
  .error { color: #b00020; background: #fdecef; padding: .6rem; border-radius: 6px; }
  footer { margin-top: 1.5rem; font-size: .75rem; color: #888; text-align: center; }
`;

function page(title, body, { onload = '' } = {}) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(title)}</title>
  <style>${STYLE}</style>
</head>
<body${onload ? ` onload="${onload}"` : ''}>
${body}
</body>
</html>
`;
}

/** The username/password form; `error` re-shows it after a failed attempt. */
export function signInPage({ action, appName, identifier = '', error }) {
  const alert = error ? `<p class="error" role="alert" id="error">${escapeHtml(error)}</p>` : '';
  return page('Sign in', `<main>
  <h1>Sign in</h1>
  <p class="app">to continue to ${escapeHtml(appName)}</p>
  ${alert}
  <form method="post" action="${escapeHtml(action)}" autocomplete="off">
    <label for="identifier">Username or email</label>
    <input id="identifier" name="identifier" type="text" value="${escapeHtml(identifier)}" autofocus required>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" required>
    <button type="submit">Sign in</button>
  </form>
  <footer>Orgdesk test identity provider (Logto stand-in)</footer>
</main>`);
}

/**
 * oidc-provider `logoutSource`. Like Logto's static/html/logout.html the confirmation form
 * submits itself on load, with logout=yes, so RP-initiated logout needs no click.
 */
export function logoutPage(form) {
  return page('Sign Out', `${form}
<input type="hidden" form="op.logoutForm" value="yes" name="logout" />
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>`,
  { onload: "document.getElementById('op.logoutForm').submit();" });
}

/** oidc-provider `postLogoutSuccessSource` (no post_logout_redirect_uri given). */
export function logoutSuccessPage() {
  return page('Signed out', `<main>
  <h1 id="signed-out">You have been signed out</h1>
  <p>You can close this window now.</p>
</main>`);
}

export function errorPage(title, message) {
  return page(title, `<main><h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p></main>`);
}
