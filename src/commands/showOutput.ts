import type { Ctx } from '../ctx';

/** `CKafka: Show Output` reveals the extension's log channel without taking focus from the editor. */
export const showOutput = (ctx: Ctx) => (): void => {
  ctx.log.show(true);
};
