import type { CommandId } from '../common/commandIds';

/** One command: one small file, registered through the CommandManager. */
export interface Command {
  readonly id: CommandId;
  /** How failure messages name it, e.g. "Train Model". */
  readonly title: string;
  execute(...args: unknown[]): unknown;
}
