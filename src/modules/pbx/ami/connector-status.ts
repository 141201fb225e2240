/** What the connector process tells the API's health check, through one Redis key. */
export interface ConnectorStatus {
  /** `degraded`: the PBX refused the log-in; `connecting`: down, retrying with backoff. */
  state: 'connected' | 'connecting' | 'degraded';
  mode: 'observe' | 'control';
  host: string;
  lastEventAt: string | null;
  eventsPerSecond: number;
  buffered: number;
  error: string | null;
  updatedAt: string;
}

/** Written every few seconds with a short expiry: a dead connector process disappears. */
export const CONNECTOR_STATUS_TTL_SECONDS = 15;

export function connectorStatusKey(prefix: string): string {
  return `${prefix}:pbx:connector`;
}
