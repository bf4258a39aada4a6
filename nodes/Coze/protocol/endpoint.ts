/** Coze cloud (coze.com / coze.cn) or self-hosted Coze Studio, which has other paths and field names. */
export type CozeFlavor = 'cloud' | 'studio';

export interface CozeEndpoint {
	baseUrl: string;
	flavor: CozeFlavor;
	/** host[:port] of the base URL; the OAuth JWT `aud`. */
	host: string;
}

export const REGION_BASE_URLS: Record<'com' | 'cn', string> = {
	com: 'https://api.coze.com',
	cn: 'https://api.coze.cn',
};

export const STUDIO_DEFAULT_URL = 'http://localhost:8888';

/** Resolves a region and base URL to the API endpoint. Throws `Error` naming the field when the URL is unusable. */
export function resolveEndpoint(region: string, baseUrl: string | undefined): CozeEndpoint {
	let url: string;
	if (region === 'com' || region === 'cn') url = REGION_BASE_URLS[region];
	else if (region === 'studio' || region === 'custom') url = (baseUrl ?? '').trim() || (region === 'studio' ? STUDIO_DEFAULT_URL : '');
	else throw new Error(`Region "${region}" is not one of coze.com, coze.cn, Coze Studio or another base URL`);
	if (!url) throw new Error('Base URL is empty: enter the URL of your Coze API, e.g. https://coze-proxy.example.com');
	const parsed = URL.canParse(url) ? new URL(url) : undefined;
	if (!parsed) throw new Error(`Base URL "${url}" is not a valid URL: it must start with http:// or https://`);
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new Error(`Base URL "${url}" must start with http:// or https://`);
	}
	return {
		// Coze's paths start with /v1: a base URL copied with it would ask for /v1/v1/….
		baseUrl: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '').replace(/\/v1$/i, '')}`,
		flavor: region === 'studio' ? 'studio' : 'cloud',
		host: parsed.host,
	};
}
