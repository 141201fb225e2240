import { IsolationLevel } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import {
  BucketRange,
  chunkRange,
  coveringRange,
  mergeBuckets,
  ROLLUP_BUCKET_MS,
} from '@/modules/stats/rollups/bucket-ranges';
import { RollupRepository, Watermark } from '@/modules/stats/rollups/rollup.repository';

/**
 * A call's updated_at is stamped before its transaction commits, so a scan can miss a row that
 * commits later with an older stamp; every pass re-reads this far behind the watermark (rows
 * whose figures did not change are skipped by digest, so the overlap is cheap).
 */
const RESCAN_SECONDS = 300;

/** One day of buckets per rebuild transaction: progress to show, and little to redo if killed. */
const REBUILD_CHUNK_BUCKETS = 96;

/** Sorting the per-bucket sweeps of a big range in memory is several times faster than on disk. */
const REWRITE_WORK_MEM = '128MB';

/**
 * A rewrite's statements are big joins costed above jit_above_cost; JIT compiling them took
 * about 2 s per day rebuilt (1.5 s of a pass that rewrites four buckets) and never paid back.
 */
const REWRITE_SETTINGS = [`set local work_mem = '${REWRITE_WORK_MEM}'`, 'set local jit = off'];

const BUSY_SQLSTATES = new Set(['55P03', '40001', '40P01']);

export interface RecomputeResult {
  calls: number;
  buckets: number;
  ms: number;
}

export interface RebuildProgress {
  done: number;
  total: number;
  chunk: BucketRange;
}

/**
 * Another writer holds the watermark, or committed a rewrite after this snapshot began: the work
 * is not lost, it is done by whoever holds it or by the next pass.
 */
export class RollupBusyError extends Error {}

function isBusy(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, sqlState } = err as { code?: unknown; sqlState?: unknown };
  return (
    (typeof code === 'string' && BUSY_SQLSTATES.has(code)) ||
    (typeof sqlState === 'string' && BUSY_SQLSTATES.has(sqlState))
  );
}

function later(a: Date, b: Date | null): Date {
  return b !== null && b.getTime() > a.getTime() ? b : a;
}

/**
 * Keeps the 15-minute rollups equal to what a full recomputation from the calls and offers
 * would give. Every rewrite runs in one REPEATABLE READ transaction holding the watermark row:
 * it replaces whole buckets (delete + insert), records what it covered and moves the watermark,
 * or, if the process dies, leaves everything as it was.
 */
@Injectable()
export class RollupService {
  private readonly logger = new Logger('StatsRollups');

  constructor(
    private readonly em: EntityManager,
    private readonly repo: RollupRepository,
  ) {}

  /**
   * Rewrites exactly the buckets touched by calls and offers that changed since the last pass
   * (including the buckets a call used to touch before a late event moved it).
   * @throws RollupBusyError when another pass or a rebuild holds the watermark.
   */
  async recompute(): Promise<RecomputeResult> {
    const started = Date.now();
    const result = await this.inTransaction(async (tx) => {
      const mark = await this.repo.lockWatermark(tx);
      for (const setting of REWRITE_SETTINGS) await tx.execute(setting);
      const calls = await this.repo.takeChangedCalls(tx, rescanFrom(mark.callsUpdatedAt));
      const offers = await this.repo.changedOffers(tx, rescanFrom(mark.offersChangedAt));
      const callRanges = mergeBuckets(calls.dirtyBuckets);
      const staffRanges = mergeBuckets([...calls.dirtyBuckets, ...offers.dirtyBuckets]);
      await this.repo.rewrite(tx, callRanges, { calls: true, staff: false });
      await this.repo.rewrite(tx, staffRanges, { calls: false, staff: true });
      // A stamp from a clock running ahead must not carry the watermark past rows still to come.
      const cap = mark.now;
      const next: Watermark = {
        callsUpdatedAt: earlier(later(mark.callsUpdatedAt, calls.maxUpdatedAt), cap),
        offersChangedAt: earlier(later(mark.offersChangedAt, offers.maxChangedAt), cap),
        now: cap,
      };
      await this.repo.saveWatermark(tx, next);
      return { calls: calls.count, buckets: countBuckets(staffRanges) };
    });
    const ms = Date.now() - started;
    if (result.calls > 0) {
      this.logger.log({ ...result, ms }, 'stats rollups recomputed');
    }
    return { ...result, ms };
  }

  /**
   * Rewrites every bucket of [from, to) from scratch, a day per transaction, waiting for the
   * incremental pass when it holds the watermark. Calls fully inside a rewritten day are marked
   * rolled up; the few crossing a day boundary stay pending for the incremental pass.
   */
  async rebuild(
    from: Date,
    to: Date,
    onProgress: (progress: RebuildProgress) => void = () => undefined,
  ): Promise<RecomputeResult> {
    const started = Date.now();
    const chunks = chunkRange(coveringRange(from, to), REBUILD_CHUNK_BUCKETS);
    let done = 0;
    onProgress({ done, total: chunks.length, chunk: chunks[0] ?? coveringRange(from, to) });
    for (const chunk of chunks) {
      await this.untilFree(() =>
        this.inTransaction(async (tx) => {
          const mark = await this.repo.lockWatermark(tx);
          for (const setting of REWRITE_SETTINGS) await tx.execute(setting);
          await this.repo.rebuild(tx, chunk);
          // Unchanged, but written: a pass whose snapshot predates this rewrite must fail.
          await this.repo.saveWatermark(tx, mark);
        }),
      );
      done++;
      onProgress({ done, total: chunks.length, chunk });
    }
    return {
      calls: 0,
      buckets: chunks.reduce((n, c) => n + countBuckets([c]), 0),
      ms: Date.now() - started,
    };
  }

  private async inTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.em
        .fork()
        .transactional(work, { isolationLevel: IsolationLevel.REPEATABLE_READ });
    } catch (err) {
      if (isBusy(err)) throw new RollupBusyError('stats rollups are being rewritten elsewhere');
      throw err;
    }
  }

  private async untilFree(work: () => Promise<void>, timeoutMs = 10 * 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof RollupBusyError) || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function rescanFrom(watermark: Date): Date {
  return new Date(watermark.getTime() - RESCAN_SECONDS * 1000);
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() < b.getTime() ? a : b;
}

function countBuckets(ranges: readonly BucketRange[]): number {
  return ranges.reduce((n, r) => n + (r.end.getTime() - r.start.getTime()) / ROLLUP_BUCKET_MS, 0);
}
