import { OsteonError } from '../errors.js';

/** An `on|off` flag's value; anything else is refused, naming the flag. */
export function onOff(flag: string, text: string): boolean {
  if (text !== 'on' && text !== 'off') throw new OsteonError('BAD_OPTION', `${flag} expects on or off, got "${text}".`);
  return text === 'on';
}
