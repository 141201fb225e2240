/**
 * The run's phases (setup, baseline, one per fault, settle) and every HTTP answer the drivers
 * got, so each record can be attributed to the fault it happened under.
 */
export type HttpOutcome = number | 'error' | 'timeout';

export interface HttpRecord {
  at: number;
  phase: string;
  source: string;
  outcome: HttpOutcome;
}

export class Timeline {
  private current = 'setup';
  readonly marks: { phase: string; at: number }[] = [{ phase: 'setup', at: Date.now() }];
  readonly http: HttpRecord[] = [];
  /** Other things counted per phase (client resyncs, failovers, …). */
  readonly tallies: Record<string, Record<string, number>> = {};

  get phase(): string {
    return this.current;
  }

  enter(phase: string): void {
    this.current = phase;
    this.marks.push({ phase, at: Date.now() });
  }

  tally(kind: string): void {
    const phase = (this.tallies[this.current] ??= {});
    phase[kind] = (phase[kind] ?? 0) + 1;
  }

  recordHttp(source: string, outcome: HttpOutcome): void {
    this.http.push({ at: Date.now(), phase: this.current, source, outcome });
  }

  /** Answers per phase: `2xx`, `4xx`, `500`, `503`, other 5xx as `5xx`, `error`, `timeout`. */
  httpByPhase(sources?: string[]): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const r of this.http) {
      if (sources && !sources.includes(r.source)) continue;
      const key =
        typeof r.outcome !== 'number'
          ? r.outcome
          : r.outcome === 500 || r.outcome === 503
            ? String(r.outcome)
            : `${Math.floor(r.outcome / 100)}xx`;
      const phase = (out[r.phase] ??= {});
      phase[key] = (phase[key] ?? 0) + 1;
    }
    return out;
  }
}
