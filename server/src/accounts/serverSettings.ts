import type { ServerSettings } from '@accord/shared';
import type { AppContext } from '../context.js';

/** The server-wide settings administrators change (today: whether owners may invite new people). */
export function serverSettings(ctx: AppContext): Promise<ServerSettings> {
  return ctx.metadata.settings.get();
}

/** Applies `patch` and audits it (`server.settings`); answers the settings as they are now. */
export async function changeServerSettings(
  ctx: AppContext,
  actorId: string,
  patch: Partial<ServerSettings>,
): Promise<ServerSettings> {
  const settings = await ctx.metadata.settings.update(patch);
  await ctx.metadata.audit.record({ actor: actorId, action: 'server.settings', details: { ...patch } });
  return settings;
}
