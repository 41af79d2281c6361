// OFB 5.2.2-8: a recipient reads the userinfo endpoint (/me) with the access token of its consent.
// That token's audience is the gateway (the resource indicator every API token carries), and
// oidc-provider serves userinfo only to tokens without an audience (features.userinfo), a rule no
// option relaxes. So, in a userinfo request only, the store hands oidc-provider a token for the
// gateway without its audience; every other check (openid scope, expiry, the certificate the token
// is bound to, the grant) is oidc-provider's own, and nothing is written back. A token for any
// other audience is left as it is, and refused.
import Provider, { type AdapterConstructor, type AdapterPayload } from 'oidc-provider';

export function userinfoAcceptsGatewayTokens(Base: AdapterConstructor, gateway: string): AdapterConstructor {
  return class extends Base {
    readonly #model: string;

    constructor(model: string) {
      super(model);
      this.#model = model;
    }

    override async find(id: string): Promise<AdapterPayload | undefined | void> {
      const payload = await super.find(id);
      if (this.#model !== 'AccessToken' || !payload || payload.aud !== gateway) return payload;
      if (Provider.ctx?.oidc?.route !== 'userinfo') return payload;
      const forUserinfo = { ...payload };
      delete forUserinfo.aud;
      return forUserinfo;
    }
  };
}
