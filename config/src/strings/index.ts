import { zhCN, type Strings } from './zh-CN';

export type { Strings };
/** The UI language. Only zh-CN exists today; an `en` file of type Strings would be chosen here. */
export const strings: Strings = zhCN;
