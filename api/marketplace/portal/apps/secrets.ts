// Generated private keys, shown once: kept sealed in the session from the POST that made them to the
// one view of the application's page that follows, then gone (the bank does not keep them).
import type { Request } from 'express';
import { html, type Html } from '../../../../lib/http/html.js';
import type { GeneratedSecrets } from '../../applications/credentials.js';
import type { AppRouteDeps } from './deps.js';

export const keepSecrets = (
  deps: AppRouteDeps,
  req: Request,
  applicationId: string,
  secrets: GeneratedSecrets,
) => deps.access.keepSecret(req, applicationId, JSON.stringify(secrets));

/** The kept keys, once: a second view finds none. */
export async function takeSecrets(
  deps: AppRouteDeps,
  req: Request,
  applicationId: string,
): Promise<GeneratedSecrets | undefined> {
  const secrets = await deps.access.takeSecret(req, applicationId);
  return secrets ? (JSON.parse(secrets) as GeneratedSecrets) : undefined;
}

export const secretsBlock = (secrets: GeneratedSecrets, clientId: string): Html => {
  const bundle = Buffer.from(
    JSON.stringify(
      {
        client_id: clientId,
        kid: secrets.kid,
        signing_key: secrets.signingKey,
        certificate: secrets.certificate,
        certificate_key: secrets.certificateKey,
      },
      null,
      2,
    ),
  ).toString('base64');
  return html`<section aria-labelledby="secrets-heading" class="notice">
    <h2 id="secrets-heading">Your private keys — shown once</h2>
    <p>The bank does not keep them. Download them now and store them safely.</p>
    <p>
      <a
        id="download-credentials"
        download="credentials-${clientId}.json"
        href="data:application/json;base64,${bundle}"
        >Download credentials (JSON)</a
      >
    </p>
    <label for="signing-key">Signing key (PS256, kid <code>${secrets.kid}</code>)</label>
    <textarea id="signing-key" rows="6" cols="70" readonly>${secrets.signingKey}</textarea>
    <label for="certificate">Client certificate (mTLS)</label>
    <textarea id="certificate" rows="6" cols="70" readonly>${secrets.certificate}</textarea>
    <label for="certificate-key">Certificate key</label>
    <textarea id="certificate-key" rows="6" cols="70" readonly>${secrets.certificateKey}</textarea>
  </section>`;
};
