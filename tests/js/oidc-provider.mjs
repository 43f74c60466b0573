// A real OpenID Connect provider for Roster's tests (npm oidc-provider), started by
// tests/Roster.Tests/Infrastructure/TestOidcProvider.cs on 127.0.0.1 at a free port. Its configuration comes in the
// environment variable ROSTER_OIDC_CONFIG, as JSON:
//   { "clients": [{ "client_id": "...", "client_secret": "...", "redirect_uris": ["http://127.0.0.1/signin-oidc-a"] }] }
// Once listening it writes one line to stdout: { "issuer": "http://127.0.0.1:<port>" }.
//
// The sign-in page is its own (an accessible form the tests fill in): the person types the subject, email, whether the
// email is verified, and name that the provider will assert, so each test chooses its identities. Consent is granted
// without a page. Redirect URIs are compared without their port, on 127.0.0.1 only: the app under test starts after the
// provider (it needs the provider's address), so its port is not known when the provider starts.
import http from 'node:http';
import { URL } from 'node:url';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.ROSTER_OIDC_CONFIG ?? '{"clients":[]}');
const accounts = new Map();

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const readForm = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => resolve(new URLSearchParams(body)));
  req.on('error', reject);
});

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // ASP.NET Core's handler sends the secret in the token request's body.
      token_endpoint_auth_method: 'client_secret_post',
    })),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (ctx, sub) => (accounts.has(sub)
      ? { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) }
      : undefined),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    cookies: { keys: ['roster-tests-only'] },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        return ctx.oidc.provider.Grant.find(grantId);
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p>${escape(out.error)}: ${escape(out.error_description)}</p>`);
    },
  });

  const redirectUriAllowed = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function allowed(value) {
    try {
      const uri = new URL(value);
      if (uri.hostname === '127.0.0.1') {
        uri.port = '';
        return redirectUriAllowed.call(this, uri.href);
      }
    } catch {
      // Not a URL: the provider's own check refuses it.
    }
    return redirectUriAllowed.call(this, value);
  };

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([^/]+)(\/(login|abort))?$/);
    if (!match) {
      callback(req, res);
      return;
    }

    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET' && !match[2]) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(page(`Sign in to ${details.params.client_id}`, `
<form method="post" action="/interaction/${escape(details.uid)}/login">
  <p><label for="sub">Subject</label> <input id="sub" name="sub" required></p>
  <p><label for="email">Email</label> <input id="email" name="email" type="email"></p>
  <p><input id="email_verified" name="email_verified" type="checkbox" value="true"> <label for="email_verified">Email verified</label></p>
  <p><label for="name">Name</label> <input id="name" name="name"></p>
  <p><button type="submit">Sign in</button></p>
</form>
<form method="post" action="/interaction/${escape(details.uid)}/abort"><p><button type="submit">Cancel</button></p></form>`));
        return;
      }

      if (req.method === 'POST' && match[3] === 'login') {
        const form = await readForm(req);
        const sub = form.get('sub');
        const claims = { email_verified: form.get('email_verified') === 'true' };
        if (form.get('email')) claims.email = form.get('email');
        if (form.get('name')) claims.name = form.get('name');
        accounts.set(sub, claims);
        await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
        return;
      }

      if (req.method === 'POST' && match[3] === 'abort') {
        await provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'The person cancelled the sign-in.',
        }, { mergeWithLastSubmission: false });
        return;
      }

      res.writeHead(405);
      res.end();
    } catch (error) {
      res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(page('Sign-in error', `<p>${escape(error.message)}</p>`));
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

// The test fixture ends the process; it also ends when the fixture's stdin closes (the test run died).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
