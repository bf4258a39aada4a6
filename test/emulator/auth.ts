import { randomTokenText } from './ids';

// Bearer tokens the emulator knows, and what each may do. Real Coze tokens carry permission
// scopes; a token of the other region, an unknown token and a missing token all look alike
// (4100), while revoked or expired tokens answer 700012006.

export type Permission =
  | 'run'
  | 'listRunHistory'
  | 'listWorkflow'
  | 'getMetaData'
  | 'listWorkspace'
  | 'uploadFile'
  | 'chat'
  | 'getChat'
  | 'cancelChat'
  | 'submitToolChat'
  | 'listMessage'
  | 'createConversation'
  | 'listConversation'
  | 'retrieveConversation'
  | 'editConversation'
  | 'listBot';

export const ALL_PERMISSIONS: readonly Permission[] = [
  'run',
  'listRunHistory',
  'listWorkflow',
  'getMetaData',
  'listWorkspace',
  'uploadFile',
  'chat',
  'getChat',
  'cancelChat',
  'submitToolChat',
  'listMessage',
  'createConversation',
  'listConversation',
  'retrieveConversation',
  'editConversation',
  'listBot',
];

/** Coze account behind the emulator's main token (and JWT-issued tokens). */
export const MAIN_OWNER_ID = '7500000000000000777';
/** Coze account behind `tokens.secondOwner`: owns nothing of the main account. */
export const SECOND_OWNER_ID = '7500000000000000778';

export type TokenCheck =
  | { kind: 'ok'; permissions: ReadonlySet<Permission> }
  /** Missing, unknown or other-region token → HTTP 401 code 4100. */
  | { kind: 'invalid' }
  /** Revoked or expired token → HTTP 401 code 700012006. */
  | { kind: 'expired' };

export interface NamedTokens {
  valid: string;
  otherRegion: string;
  noScope: string;
  /** Valid with every permission but listWorkspace: what a credential test must report as valid, with a note. */
  noWorkspaceScope: string;
  revoked: string;
  /** Valid with every permission, but another Coze account: its conversations are not the main token's. */
  secondOwner: string;
}

interface IssuedToken {
  /** Epoch seconds. */
  expiresAt: number;
}

export class TokenRegistry {
  readonly named: NamedTokens;
  private readonly issued = new Map<string, IssuedToken>();
  private issuedCount = 0;

  constructor(validToken?: string) {
    this.named = {
      valid: validToken ?? `pat_emulator_${randomTokenText(40)}`,
      otherRegion: `pat_emulator_otherregion_${randomTokenText(32)}`,
      noScope: `pat_emulator_noscope_${randomTokenText(32)}`,
      noWorkspaceScope: `pat_emulator_noworkspace_${randomTokenText(32)}`,
      revoked: `pat_emulator_revoked_${randomTokenText(32)}`,
      secondOwner: `pat_emulator_second_${randomTokenText(32)}`,
    };
  }

  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return { kind: 'invalid' };
    if (token === this.named.valid || token === this.named.secondOwner) return { kind: 'ok', permissions: new Set(ALL_PERMISSIONS) };
    if (token === this.named.noScope) return { kind: 'ok', permissions: new Set<Permission>(['listWorkspace']) };
    if (token === this.named.noWorkspaceScope) {
      return { kind: 'ok', permissions: new Set(ALL_PERMISSIONS.filter((permission) => permission !== 'listWorkspace')) };
    }
    if (token === this.named.revoked) return { kind: 'expired' };
    const issued = this.issued.get(token);
    if (issued) {
      return Date.now() / 1000 < issued.expiresAt ? { kind: 'ok', permissions: new Set(ALL_PERMISSIONS) } : { kind: 'expired' };
    }
    // Includes named.otherRegion: the other region's server has never heard of it.
    return { kind: 'invalid' };
  }

  /** The Coze account a (valid) token belongs to. */
  ownerOf(authorization: string | undefined): string {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    return token === this.named.secondOwner ? SECOND_OWNER_ID : MAIN_OWNER_ID;
  }

  /** A new OAuth (JWT flow) access token. */
  issue(expiresAt: number): string {
    const token = `czs_${randomTokenText(64)}`;
    this.issued.set(token, { expiresAt });
    this.issuedCount += 1;
    return token;
  }

  get issuedTotal(): number {
    return this.issuedCount;
  }

  expireAll(): void {
    const now = Math.floor(Date.now() / 1000);
    for (const token of this.issued.values()) token.expiresAt = Math.min(token.expiresAt, now);
  }
}
