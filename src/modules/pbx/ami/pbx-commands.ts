/**
 * Control mode: what the API and worker ask the connector to do on the PBX, through a Redis list
 * (LPUSH here, BRPOP in the connector), so a command waits while the connector restarts.
 */
export type PbxCommand =
  /** Send the waiting caller of this call (its Linkedid) to the agent's extension. */
  | { kind: 'redirect'; callId: string; extension: string }
  /** Call back: ring the agent's phone first, then dial the client's number. */
  | { kind: 'originate'; callId: string; extension: string; number: string };

export function pbxCommandsKey(prefix: string): string {
  return `${prefix}:pbx:commands`;
}

/** Asterisk Linkedids look like `1700000000.12`; other calls are not the connector's. */
export function isPbxCallId(externalId: string): boolean {
  return /^\d+\.\d+$/.test(externalId);
}
